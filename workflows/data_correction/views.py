"""The one page of this app: the evidence files of a correction, for the people who work it.

The approver is usually not help-desk staff and cannot open the ticket; they download the
evidence from here (linked from the task and process pages), with the same headers as the
help desk's attachment downloads.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from core.uploads import TEXT
from helpdesk.attachments import content_disposition

from .selectors import correction_evidence_get_for


@require_GET
@login_required
def evidence_download(request: HttpRequest, pk: int, attachment: int) -> FileResponse:
    attachment = correction_evidence_get_for(actor=request.user, pk=pk, attachment_pk=attachment)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = attachment.content_type
    if content_type == TEXT:
        content_type = f"{TEXT}; charset=utf-8"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
