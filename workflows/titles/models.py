"""The process instance of a title request (viewflow, multi-table): it points at the request
record of modules/documents, whose lifecycle holds the domain states, and copies what the
Bandeja's titles and the steps' scopes need, so they cost no join."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from modules.documents.choices import RequestKind


class TitleProcess(Process):
    title_request = models.OneToOneField(
        "documents.TitleRequest", on_delete=models.PROTECT, related_name="process"
    )
    request_number = models.CharField(_("solicitud"), max_length=20)
    kind = models.CharField(_("tipo"), max_length=12, choices=RequestKind.choices)
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    school_code = models.CharField(max_length=15)
    department = models.ForeignKey("schools.Department", on_delete=models.PROTECT, related_name="+")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A replacement a citizen asked for through the help desk (the ticket follows it).
    ticket = models.OneToOneField(
        "helpdesk.Ticket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="title_process",
    )

    class Meta:
        verbose_name = _("trámite de títulos")
        verbose_name_plural = _("trámites de títulos")

    def __str__(self) -> str:
        return self.request_number
