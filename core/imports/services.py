"""Every write of the import engine: upload a file (and queue its dry run), start an import.

Both are audited; the job's later transitions are audited by ``core.workflow`` with the file's
hash and the counts (docs/imports.md §6).
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from core.accounts.choices import ScopeKind
from core.accounts.scopes import grants_with_roles
from core.audit.services import audit_record
from core.workflow import transition

from .access import IMPORT_ROLES, can_import
from .models import ImportJob
from .reading import FileRejected, check_file
from .registry import get_importer


def _queue(task_name: str, job_id: int) -> None:
    from . import tasks

    getattr(tasks, task_name).delay(job_id)


def _department_id(actor: Any) -> int | None:
    grants = grants_with_roles(actor, IMPORT_ROLES)
    if any(grant.scope_kind == ScopeKind.NATIONAL for grant in grants):
        return None
    return next(
        (grant.department_id for grant in grants if grant.scope_kind == ScopeKind.DEPARTMENT), None
    )


@transaction.atomic
def job_create(
    *, actor: Any, kind: str, upload: Any, request: HttpRequest | None = None
) -> ImportJob:
    """Check and store an uploaded file and queue its dry run (after commit).

    Raises ``PermissionDenied`` for someone who may not import and ``ValidationError`` (Spanish,
    field ``file`` or ``kind``) for a file refused before reading its rows.
    """
    if not can_import(actor):
        raise PermissionDenied
    if get_importer(kind) is None:
        raise ValidationError({"kind": _("Elija qué desea importar.")})
    try:
        checked = check_file(upload)
    except FileRejected as rejected:
        raise ValidationError({"file": rejected.message}, code=rejected.code) from None
    job = ImportJob(
        kind=kind,
        file_name=checked.name,
        file_sha256=checked.sha256,
        file_size=checked.size,
        content_type=checked.content_type,
        created_by=actor,
        department_id=_department_id(actor),
    )
    stream = upload.file if getattr(upload, "file", None) is not None else upload
    stream.seek(0)
    job.file.save(checked.name, stream, save=False)
    job.save()
    audit_record(
        action="importjob.uploaded",
        obj=job,
        actor=actor,
        request=request,
        to_state=job.status,
        payload={
            "kind": kind,
            "file_name": checked.name,
            "file_sha256": checked.sha256,
            "file_size": checked.size,
        },
    )
    transaction.on_commit(lambda: _queue("import_check", job.pk))
    return job


def job_start(*, actor: Any, job: ImportJob, request: HttpRequest | None = None) -> ImportJob:
    """Queue the import of a checked job (409 unless it is ready)."""
    return transition(
        actor=actor,
        obj=job,
        name="start",
        request=request,
        payload={"kind": job.kind, "file_sha256": job.file_sha256, "rows": job.total_rows},
        on_commit=[lambda started: _queue("import_run", started.pk)],
    )
