"""The process instances of the HR trámites (viewflow processes, multi-table).

Written only by ``services.py`` inside ``core.workflow`` steps. Fields the Bandeja shows are
copied onto the process row (``summary``) so its titles cost no extra query.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from .choices import Decision, RouteVerdict


def evidence_upload_to(instance: "LeaveRequest", filename: str) -> str:
    """A random name under ``hr/``: the original name is kept in ``evidence_name`` only."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"hr/leave/{uuid.uuid4().hex}{suffix}"


class LeaveRequest(Process):
    """One teacher's request for days off (licencia)."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    teacher = models.ForeignKey("teachers.Teacher", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("schools.Department", on_delete=models.PROTECT, related_name="+")
    leave_type = models.ForeignKey("teachers.LeaveType", on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("desde"))
    end_date = models.DateField(_("hasta"))
    reason = models.TextField(_("motivo"), blank=True)
    by_director = models.BooleanField(_("solicitada por el director"), default=False)
    evidence = models.FileField(
        _("respaldo"), upload_to=evidence_upload_to, max_length=200, blank=True
    )
    evidence_name = models.CharField(_("nombre del respaldo"), max_length=255, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    summary = models.CharField(_("resumen"), max_length=200)

    decision = models.CharField(_("decisión"), max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decidida el"), null=True, blank=True)
    decision_reason = models.TextField(_("motivo de la decisión"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(_("registrada el"), null=True, blank=True)

    class Meta:
        verbose_name = _("solicitud de licencia")
        verbose_name_plural = _("solicitudes de licencia")

    def __str__(self) -> str:
        return self.summary

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


class RecordCorrection(Process):
    """A request, opened as a help-desk ticket, to correct one field of a teacher's record."""

    ticket = models.OneToOneField(
        "helpdesk.Ticket", on_delete=models.PROTECT, related_name="teacher_record_correction"
    )
    ticket_number = models.CharField(_("caso"), max_length=30)
    teacher = models.ForeignKey("teachers.Teacher", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("schools.Department", on_delete=models.PROTECT, related_name="+")
    field = models.CharField(_("dato"), max_length=20)
    current_value = models.CharField(_("valor registrado"), max_length=200, blank=True)
    requested_value = models.CharField(_("valor solicitado"), max_length=200)
    verdict = models.CharField(
        _("revisión"), max_length=10, choices=RouteVerdict.choices, blank=True
    )
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.CharField(_("decisión"), max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decidida el"), null=True, blank=True)
    reason = models.TextField(_("motivo"), blank=True)

    class Meta:
        verbose_name = _("corrección de expediente docente")
        verbose_name_plural = _("correcciones de expediente docente")

    def __str__(self) -> str:
        return f"{self.ticket_number} · {self.field}"
