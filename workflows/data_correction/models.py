"""The process instance of a data correction: what is corrected, on whose evidence, by whom."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from .choices import Decision, EvidenceVerdict, PersonField, RecordKind


class DataCorrection(Process):
    """One request to correct one field of one person (a viewflow process, multi-table).

    Written only by ``services.py`` inside ``core.workflow`` steps. ``current_value`` is what the
    record held when the request arrived (the audit event of the change keeps the exact before
    and after); ``requested_value`` is already normalised (ISO date, ``F``/``M``).
    """

    ticket = models.OneToOneField(
        "helpdesk.Ticket", on_delete=models.PROTECT, related_name="data_correction"
    )
    # Copied from the ticket so the Bandeja's titles cost no query.
    ticket_number = models.CharField(_("caso"), max_length=30)
    person = models.ForeignKey(
        "accounts.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("persona")
    )
    record = models.CharField(_("registro"), max_length=15, choices=RecordKind.choices)
    field = models.CharField(_("dato"), max_length=15, choices=PersonField.choices)
    current_value = models.CharField(_("valor registrado"), max_length=200, blank=True)
    requested_value = models.CharField(_("valor solicitado"), max_length=200)
    evidence = models.ForeignKey(
        "helpdesk.Attachment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("documento de respaldo"),
    )
    # Student records: the school whose teacher confirms and whose director approves.
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Adult records: the department whose officers may approve (ministry officers always may).
    department = models.ForeignKey(
        "schools.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    verdict = models.CharField(
        _("revisión del respaldo"), max_length=10, choices=EvidenceVerdict.choices, blank=True
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.CharField(_("decisión"), max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decidida el"), null=True, blank=True)
    # Why it was returned or rejected (shown to the citizen), or the approver's comment.
    reason = models.TextField(_("motivo"), blank=True)

    class Meta:
        verbose_name = _("corrección de datos personales")
        verbose_name_plural = _("correcciones de datos personales")

    def __str__(self) -> str:
        return f"{self.ticket_number} · {self.get_field_display()}"

    @property
    def is_student(self) -> bool:
        return self.record == RecordKind.STUDENT
