"""A permit request with a protected lifecycle, and an outbox stand-in, to test core.workflow."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.accounts.choices import Role
from core.accounts.scopes import has_role
from core.workflow import condition


class PermitStatus(models.TextChoices):
    DRAFT = "draft", _("Borrador")
    SUBMITTED = "submitted", _("Enviada")
    APPROVED = "approved", _("Aprobada")
    REJECTED = "rejected", _("Rechazada")


@condition(_("La solicitud no tiene documentos adjuntos."))
def has_attachments(permit: "Permit") -> bool:
    return permit.attachments > 0


def has_no_objection(permit: "Permit") -> bool:
    """A condition without a user message (the generic sentence is used)."""
    return not permit.objection


def is_requester(permit: "Permit", user) -> bool:
    return user is not None and permit.requester_id == user.pk


def is_reviewer(permit: "Permit", user) -> bool:
    return user is not None and has_role(user, [Role.DIRECTOR])


class Permit(FSMModelMixin, models.Model):
    title = models.CharField(max_length=100)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    attachments = models.PositiveIntegerField(default=0)
    objection = models.BooleanField(default=False)
    status = FSMField(
        max_length=20, choices=PermitStatus.choices, default=PermitStatus.DRAFT, protected=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title

    @transition(
        field=status,
        source=PermitStatus.DRAFT,
        target=PermitStatus.SUBMITTED,
        conditions=[has_attachments, has_no_objection],
        permission=is_requester,
        custom={"label": _("Enviar")},
    )
    def submit(self) -> None:
        pass

    @transition(
        field=status,
        source=PermitStatus.SUBMITTED,
        target=PermitStatus.DRAFT,
        permission=is_requester,
        custom={"label": _("Retirar")},
    )
    def withdraw(self) -> None:
        pass

    @transition(
        field=status,
        source=PermitStatus.SUBMITTED,
        target=PermitStatus.APPROVED,
        permission=is_reviewer,
        custom={"label": _("Aprobar")},
    )
    def approve(self, actor, note: str = "") -> None:
        self.reviewed_by = actor
        self.note = note

    @transition(
        field=status,
        source=PermitStatus.SUBMITTED,
        target=PermitStatus.REJECTED,
        permission=is_reviewer,
        custom={"label": _("Rechazar")},
    )
    def reject(self, actor, reasons: list[str]) -> None:
        self.reviewed_by = actor
        # Edited in place on purpose: the one transition path must still notice and save it.
        self.data.setdefault("reasons", []).extend(reasons)

    @transition(
        field=status,
        source=PermitStatus.SUBMITTED,
        target=PermitStatus.APPROVED,
        permission=is_reviewer,
        custom={"label": _("Aprobar (falla)")},
    )
    def approve_then_fail(self, actor) -> None:
        """Changes the row, then fails: the test for a failure inside the transition body."""
        self.reviewed_by = actor
        raise RuntimeError("the transition body failed")


class OutboxRow(models.Model):
    """Stands in for the notifications outbox: rows written by in-transaction hooks."""

    topic = models.CharField(max_length=50)
    object_id = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"{self.topic}:{self.object_id}"
