"""The teacher's leave page (ask, and follow the requests) and the evidence download. The steps
are worked on the generic task page (``process:task``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.uploads import TEXT
from helpdesk.attachments import content_disposition
from modules.teachers.selectors import teacher_of

from .forms import LeaveRequestForm
from .selectors import leave_evidence_get_for, leave_requests_mine
from .services import leave_request_start


@login_required
@require_http_methods(["GET", "POST"])
def leave_request(request: HttpRequest) -> HttpResponse:
    teacher = teacher_of(request.user)
    if teacher is None:
        raise Http404
    form = LeaveRequestForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                process = leave_request_start(
                    actor=request.user,
                    leave_type=data["leave_type"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    reason=data.get("reason") or "",
                    evidence=data.get("evidence"),
                    request=request,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    _("Su solicitud fue enviada a la dirección de su centro educativo."),
                )
                return redirect("process:detail", pk=process.pk)
        status = 400
    context = {"form": form, "teacher": teacher, "requests": leave_requests_mine(request.user)}
    return render(request, "hr/leave_request.html", context, status=status)


@require_GET
@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    process = leave_evidence_get_for(actor=request.user, pk=pk)
    try:
        handle = process.evidence.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = process.evidence_type or "application/octet-stream"
    if content_type == TEXT:
        content_type = f"{TEXT}; charset=utf-8"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(process.evidence_name or "respaldo")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
