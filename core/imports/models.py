"""Import jobs: one uploaded file, its dry-run report, its progress and its outcome.

See docs/imports.md. The file is kept under a random name in MEDIA_ROOT (never served): the audit
events cite its SHA-256. The report rows are ``ImportRowError``.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMModelMixin

from .lifecycles import FINAL, ImportJobLifecycle, JobStatus

# The report keeps this many problems; the counts still say how many rows were wrong.
MAX_STORED_ERRORS = 5_000


def import_upload_to(instance: "ImportJob", filename: str) -> str:
    extension = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    return f"imports/{secrets.token_hex(16)}{extension}"


class ImportJob(ImportJobLifecycle, FSMModelMixin, models.Model):
    kind = models.CharField(_("tipo"), max_length=30)
    file = models.FileField(_("archivo"), upload_to=import_upload_to, max_length=200, blank=True)
    file_name = models.CharField(_("nombre del archivo"), max_length=220)
    file_sha256 = models.CharField(_("huella SHA-256"), max_length=64)
    file_size = models.PositiveBigIntegerField(_("tamaño"), default=0)
    content_type = models.CharField(_("formato"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The department of a departmental officer's job (their scope); empty for national jobs.
    department = models.ForeignKey(
        "schools.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)
    started_at = models.DateTimeField(_("inicio de la importación"), null=True, blank=True)
    finished_at = models.DateTimeField(_("fin"), null=True, blank=True)
    total_rows = models.PositiveIntegerField(_("filas"), default=0)
    processed_rows = models.PositiveIntegerField(_("filas procesadas"), default=0)
    error_rows = models.PositiveIntegerField(_("filas con errores"), default=0)
    created_count = models.PositiveIntegerField(_("nuevos"), default=0)
    updated_count = models.PositiveIntegerField(_("actualizados"), default=0)
    unchanged_count = models.PositiveIntegerField(_("sin cambios"), default=0)
    message = models.CharField(_("mensaje"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("importación")
        verbose_name_plural = _("importaciones")
        indexes = [models.Index(fields=["department", "created_at"], name="importjob_dept")]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    @property
    def is_working(self) -> bool:
        return self.status in (JobStatus.CHECKING, JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def kind_label(self) -> str:
        from .registry import get_importer

        importer = get_importer(self.kind)
        return str(importer.label) if importer is not None else self.kind

    @property
    def badge(self) -> str:
        """The badge variant of the status (static/css/siges.css)."""
        if self.status == JobStatus.DONE:
            return "success"
        if self.status in (JobStatus.REJECTED, JobStatus.FAILED):
            return "error"
        return "info" if self.status == JobStatus.READY else "warning"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)


class ImportRowError(models.Model):
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField(_("fila"))
    column = models.CharField(_("columna"), max_length=60, blank=True)
    message = models.CharField(_("problema"), max_length=500)
    hint = models.CharField(_("cómo corregirlo"), max_length=300, blank=True)

    class Meta:
        ordering = ["job", "row", "pk"]
        verbose_name = _("error de importación")
        verbose_name_plural = _("errores de importación")

    def __str__(self) -> str:
        return f"{self.row} {self.column}: {self.message}"
