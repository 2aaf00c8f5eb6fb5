"""Downloading a ticket's attachment: the only way a stored file leaves the server.

Files live under random names outside the web root (``models.attachment_upload_to``). This view
checks who asks (``portal_selectors.attachment_get_for``: the requester for public replies,
staff of the ticket's queue for everything; 404 otherwise), then streams the file from storage
as a download: ``Content-Disposition: attachment`` with the original name (RFC 6266
``filename*``), the content type detected at upload, ``nosniff`` and no caching.
"""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.urls import path
from django.views.decorators.http import require_GET

from core.uploads import TEXT

from .portal_selectors import attachment_get_for


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact UTF-8 one (RFC 6266 §4.3)."""
    fallback = "".join(
        ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in name
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@require_GET
@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = attachment_get_for(actor=request.user, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = attachment.content_type
    if content_type == TEXT:
        content_type = f"{TEXT}; charset=utf-8"  # uploads accept UTF-8 text only
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("adjuntos/<int:pk>/", attachment_download, name="attachment_download"),
]
