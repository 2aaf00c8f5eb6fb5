"""Reads of import jobs, always through ``access.job_scope`` (outside it: 404)."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from .access import job_scope
from .models import ImportJob, ImportRowError


def job_get(user: Any, pk: int) -> ImportJob:
    job = job_scope(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def job_list(user: Any) -> QuerySet[ImportJob]:
    return job_scope(user).order_by("-created_at", "-pk")


def job_errors(job: ImportJob) -> QuerySet[ImportRowError]:
    return job.row_errors.order_by("row", "pk")


def progress_of(job: ImportJob) -> dict[str, Any]:
    """The small JSON the progress bar polls."""
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "percent": job.percent,
        "working": job.is_working,
        "error_rows": job.error_rows,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "message": job.message,
    }
