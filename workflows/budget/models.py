"""The process instance of a school budget's preparation and review."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process


class BudgetProcess(Process):
    """One round of preparation and review of one school budget (a viewflow process).

    ``school`` and ``department`` are copied from the budget so the Bandeja's scope filters and
    titles cost no join. Written only by ``services.py`` inside ``core.workflow`` steps.
    """

    budget = models.OneToOneField(
        "finance.Budget", on_delete=models.PROTECT, related_name="process"
    )
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("schools.Department", on_delete=models.PROTECT, related_name="+")
    school_code = models.CharField(_("centro"), max_length=15)
    year = models.PositiveSmallIntegerField(_("año fiscal"))
    # The reviewer's last decision: "approve" or "observe" (the flow branches on it).
    decision = models.CharField(_("decisión"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("proceso de presupuesto escolar")
        verbose_name_plural = _("procesos de presupuesto escolar")

    def __str__(self) -> str:
        return f"{self.school_code} · {self.year}"
