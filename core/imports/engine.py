"""The dry run and the import of one job, streamed in batches (docs/imports.md §2, §5).

- ``check_job``: reads every row, asks the importer to parse it, stores the problems (the
  report), and moves the job to ``ready`` or ``rejected``. Writes nothing else.
- ``run_job``: reads the file again and, in **one transaction**, parses every batch again (the
  data may have changed since the dry run) and upserts it. Any problem rolls the whole file
  back and the job ends ``failed``; otherwise ``done`` with its counts, in the same transaction.

Memory stays flat whatever the file size: rows are read one by one and handled ``BATCH_SIZE``
at a time. Progress (``processed_rows``) is written after every batch. During the import the
data transaction is still open, so on PostgreSQL the progress goes through a second connection
that commits on its own; elsewhere (SQLite, the embedded mode where tasks run inline) it is
written when the transaction ends.
"""

import itertools
import logging
from collections.abc import Iterable, Iterator
from contextlib import closing
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from core.workflow import transition

from .access import allowed_departments
from .lifecycles import JobStatus
from .models import MAX_STORED_ERRORS, ImportJob, ImportRowError
from .reading import FileRejected, estimate_rows, read_rows
from .registry import ImportContext, Importer, RowError, RowInvalid, UpsertCounts, get_importer

logger = logging.getLogger(__name__)

BATCH_SIZE = 1_000


class _Stop(Exception):  # noqa: N818
    """A row failed during the import: the transaction is rolled back."""

    def __init__(self, error: RowError) -> None:
        super().__init__(error.message)
        self.error = error


def _batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _context(job: ImportJob) -> ImportContext:
    return ImportContext(actor=job.created_by, departments=allowed_departments(job.created_by))


def _rows(job: ImportJob, importer: Importer) -> Iterator[tuple[int, dict[str, Any]]]:
    required = {column.key for column in importer.columns if column.required}
    return read_rows(job.file.path, job.content_type, importer.column_keys(), required)


def check_batch(
    importer: Importer, ctx: ImportContext, batch: list[tuple[int, dict[str, Any]]]
) -> tuple[list[Any], list[RowError]]:
    """The parsed items of a batch and the problems of its rows."""
    errors: list[RowError] = []
    shaped = []
    for number, row in batch:
        if "__width__" in row:
            errors.append(
                RowError(
                    number,
                    "",
                    _("La fila tiene %(count)d valores, más que las columnas del encabezado.")
                    % {"count": row["__width__"]},
                    _("Quite los valores sobrantes o revise el separador de columnas."),
                )
            )
        else:
            shaped.append((number, row))
    importer.prepare(ctx, [row for _n, row in shaped])
    items = []
    for number, row in shaped:
        try:
            items.append(importer.parse(ctx, row))
        except RowInvalid as invalid:
            errors.extend(
                RowError(number, column, message, hint) for column, message, hint in invalid.errors
            )
    return items, errors


def _job(job_id: int, status: str) -> ImportJob | None:
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or job.status != status:
        return None  # already handled (a task delivered twice)
    return job


def check_job(job_id: int) -> None:
    """The dry run of one job."""
    job = _job(job_id, JobStatus.CHECKING)
    if job is None:
        return
    importer = get_importer(job.kind)
    if importer is None:
        transition(actor=None, obj=job, name="fail", message=_("Tipo de importación desconocido."))
        return
    ctx = _context(job)
    total = bad_rows = stored = 0
    estimate = estimate_rows(job.file.path, job.content_type)
    ImportJob.objects.filter(pk=job.pk).update(total_rows=estimate, processed_rows=0)
    try:
        for batch in _batches(_rows(job, importer), BATCH_SIZE):
            _items, errors = check_batch(importer, ctx, batch)
            total += len(batch)
            bad_rows += len({error.row for error in errors})
            room = MAX_STORED_ERRORS - stored
            if errors and room > 0:
                ImportRowError.objects.bulk_create(
                    ImportRowError(
                        job=job,
                        row=e.row,
                        column=e.column,
                        message=e.message[:500],
                        hint=e.hint[:300],
                    )
                    for e in errors[:room]
                )
                stored += min(room, len(errors))
            ImportJob.objects.filter(pk=job.pk).update(
                total_rows=max(estimate, total), processed_rows=total
            )
    except FileRejected as rejected:
        ImportRowError.objects.create(job=job, row=0, column="", message=rejected.message[:500])
        transition(
            actor=None,
            obj=job,
            name="fail_check",
            total_rows=total,
            error_rows=bad_rows,
            message=rejected.message,
            payload={"code": rejected.code},
        )
        return
    if bad_rows:
        message = _(
            "%(bad)d de %(total)d filas tienen errores. No se guardó nada: corrija el archivo "
            "y súbalo de nuevo."
        ) % {
            "bad": bad_rows,
            "total": total,
        }
        transition(
            actor=None,
            obj=job,
            name="fail_check",
            total_rows=total,
            error_rows=bad_rows,
            message=message,
        )
    elif total == 0:
        transition(
            actor=None,
            obj=job,
            name="fail_check",
            total_rows=0,
            error_rows=0,
            message=_("El archivo no tiene filas de datos."),
        )
    else:
        transition(actor=None, obj=job, name="pass_check", total_rows=total)


class _Progress:
    """Writes ``processed_rows`` outside the import's transaction (PostgreSQL only)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.connection = None
        if connection.vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def write(self, processed: int) -> None:
        if self.connection is None:
            return
        try:
            with self.connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} "  # noqa: S608
                    "SET processed_rows = %s, updated_at = now() WHERE id = %s",
                    [processed, self.job_id],
                )
        except DatabaseError:  # progress is a courtesy: never stop the import for it
            logger.warning("import %s: progress not written", self.job_id, exc_info=True)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def _failure_message(exc: BaseException) -> str:
    if isinstance(exc, _Stop):
        error = exc.error
        where = _("fila %(row)d") % {"row": error.row}
        if error.column:
            where += _(", columna %(column)s") % {"column": error.column}
        return _(
            "La importación se detuvo en la %(where)s: %(message)s No se guardó ninguna fila."
        ) % {
            "where": where,
            "message": error.message,
        }
    if isinstance(exc, FileRejected):
        return exc.message + " " + _("No se guardó ninguna fila.")
    if isinstance(exc, Conflict):
        return exc.reason + " " + _("No se guardó ninguna fila.")
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages) + " " + _("No se guardó ninguna fila.")
    return _("La importación falló por un error inesperado. No se guardó ninguna fila.")


def run_job(job_id: int) -> None:
    """The import of one checked job, all or nothing."""
    job = _job(job_id, JobStatus.QUEUED)
    if job is None:
        return
    importer = get_importer(job.kind)
    transition(actor=None, obj=job, name="begin")
    ctx = _context(job)
    try:
        with closing(_Progress(job.pk)) as progress, transaction.atomic():
            counts = UpsertCounts()
            processed = 0
            for batch in _batches(_rows(job, importer), BATCH_SIZE):
                items, errors = check_batch(importer, ctx, batch)
                if errors:
                    raise _Stop(errors[0])
                counts.add(importer.upsert(ctx, items))
                processed += len(batch)
                progress.write(processed)
            transition(
                actor=None,
                obj=job,
                name="finish",
                processed=processed,
                created=counts.created,
                updated=counts.updated,
                unchanged=counts.unchanged,
                payload={
                    "kind": job.kind,
                    "file_sha256": job.file_sha256,
                    "rows": processed,
                    "created": counts.created,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                    "by": job.created_by_id,
                },
            )
    except Exception as exc:
        if not isinstance(exc, _Stop | FileRejected | Conflict | ValidationError):
            logger.exception("import %s failed", job.pk)
        job.refresh_from_db()
        transition(
            actor=None,
            obj=job,
            name="fail",
            message=_failure_message(exc),
            payload={"file_sha256": job.file_sha256, "error": type(exc).__name__},
        )


# A running import writes its progress (and ``updated_at``) after every batch of a few seconds;
# one silent for this long lost its worker: its transaction was rolled back by the database.
STALE_AFTER = timedelta(minutes=30)


def sweep_stale_jobs() -> int:
    """Mark ``failed`` the running imports whose worker died (docs/imports.md §5)."""
    limit = timezone.now() - STALE_AFTER
    failed = 0
    for job in ImportJob.objects.filter(status=JobStatus.RUNNING, updated_at__lt=limit):
        try:
            transition(
                actor=None,
                obj=job,
                name="fail",
                message=_(
                    "La importación se interrumpió (el proceso que la ejecutaba se detuvo). "
                    "No se guardó ninguna fila: súbala de nuevo."
                ),
                payload={"file_sha256": job.file_sha256, "error": "stale"},
            )
        except Conflict:
            continue  # it moved on meanwhile
        failed += 1
    return failed
