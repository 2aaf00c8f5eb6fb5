"""The import pages (/importaciones/): upload and dry run, the report, the progress bar (which
polls ``progress``, so it survives a reload), history, templates. docs/imports.md §8."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import Conflict
from core.exports import csv_response

from .access import importer_only
from .forms import UploadForm
from .lifecycles import JobStatus
from .registry import get_importer, importers
from .selectors import job_errors, job_get, job_list, progress_of
from .services import job_create, job_start
from .templates_files import template_csv, template_xlsx

SHOWN_ERRORS = 200


def report_header() -> tuple[str, ...]:
    return (_("fila"), _("columna"), _("problema"), _("cómo corregirlo"))


def job_report_response(job: Any) -> HttpResponse:
    """The job's row errors as CSV (the page and the API serve the same file)."""
    rows = ((e.row, e.column, e.message, e.hint) for e in job_errors(job).iterator())
    return csv_response(f"informe-importacion-{job.pk}.csv", report_header(), rows)


@login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    importer_only(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = job_create(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                request=request,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("imports:job", pk=job.pk)
    page = Paginator(job_list(request.user), 20).get_page(request.GET.get("pagina"))
    context = {"form": form, "importers": importers(), "page": page}
    return render(request, "imports/home.html", context)


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    importer_only(request)
    job = job_get(request.user, pk)
    importer = get_importer(job.kind)
    errors = list(job_errors(job)[:SHOWN_ERRORS])
    context = {
        "job": job,
        "importer": importer,
        "errors": errors,
        "more_errors": job.row_errors.count() > SHOWN_ERRORS if errors else False,
        "can_start": job.status == JobStatus.READY,
    }
    return render(request, "imports/job.html", context)


@login_required
@require_POST
def job_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    importer_only(request)
    job = job_get(request.user, pk)
    try:
        job_start(actor=request.user, job=job, request=request)
    except Conflict as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("La importación comenzó."))
    return redirect("imports:job", pk=job.pk)


@login_required
@require_GET
def job_progress(request: HttpRequest, pk: int) -> JsonResponse:
    importer_only(request)
    response = JsonResponse(progress_of(job_get(request.user, pk)))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def job_report(request: HttpRequest, pk: int) -> HttpResponse:
    importer_only(request)
    return job_report_response(job_get(request.user, pk))


@login_required
@require_GET
def template_download(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    importer_only(request)
    importer = get_importer(kind)
    if importer is None or fmt not in ("csv", "xlsx"):
        raise Http404
    return template_xlsx(importer) if fmt == "xlsx" else template_csv(importer)
