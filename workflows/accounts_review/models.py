"""Account cases a technician must decide: identity reviews and access-recovery cases.

A case is a help-desk work item of the "Cuentas y accesos" queue. It exposes the generic
work-item interface (``work_item_title``, ``work_item_due_at``, ``work_item_url``) so the help
desk's work queue can list it next to tickets and flow tasks without knowing what it is.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from .choices import QUEUE_CODE, ReviewKind, ReviewStatus
from .permissions import reviewer_grant


def _may_decide(case: "ReviewCase", user: object) -> bool:
    return reviewer_grant(user, department_id=case.department_id) is not None


class ReviewCase(FSMModelMixin, models.Model):
    kind = models.CharField(_("tipo"), max_length=20, choices=ReviewKind.choices)
    status = FSMField(
        _("estado"),
        default=ReviewStatus.OPEN,
        choices=ReviewStatus.choices,
        protected=True,
        max_length=20,
    )
    queue_code = models.CharField(_("cola"), max_length=40, default=QUEUE_CODE, editable=False)
    # Scope of the case: empty means national (see permissions.CASE_SCOPE_PATHS).
    department = models.ForeignKey(
        "schools.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registration = models.OneToOneField(
        "registration.RegistrationRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_case",
    )
    reset_request = models.OneToOneField(
        "password_reset.PasswordResetRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_case",
    )
    # The person record concerned (the DUI holder on file, or the account's person).
    person = models.ForeignKey(
        "accounts.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Copied at opening so the work list needs no joins.
    subject_name = models.CharField(_("solicitante"), max_length=210)
    due_at = models.DateTimeField(_("vence"))
    resolution_reason = models.TextField(_("motivo de la decisión"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resuelta el"), null=True, blank=True)
    created_at = models.DateTimeField(_("abierta el"), auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("caso de cuentas y accesos")
        verbose_name_plural = _("casos de cuentas y accesos")
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            models.CheckConstraint(
                name="reviewcase_subject_matches_kind",
                condition=(
                    Q(
                        kind=ReviewKind.IDENTITY_REVIEW,
                        registration__isnull=False,
                        reset_request__isnull=True,
                    )
                    | Q(
                        kind=ReviewKind.ACCESS_RECOVERY,
                        registration__isnull=True,
                        reset_request__isnull=False,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(self.work_item_title)

    # --- generic work-item interface (for the help desk's work queue) ------------------------

    @property
    def work_item_title(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_name}"

    @property
    def work_item_due_at(self) -> datetime:
        return self.due_at

    @property
    def work_item_url(self) -> str:
        return reverse("accounts_review:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == ReviewStatus.OPEN

    # --- lifecycle ---------------------------------------------------------------------------

    @transition(
        field=status,
        source=ReviewStatus.OPEN,
        target=ReviewStatus.APPROVED,
        permission=_may_decide,
        custom={"label": _("aprobar")},
    )
    def approve(self, *, actor: models.Model, at: datetime, reason: str = "") -> None:
        self.resolved_by = actor
        self.resolved_at = at
        self.resolution_reason = reason

    @transition(
        field=status,
        source=ReviewStatus.OPEN,
        target=ReviewStatus.REJECTED,
        permission=_may_decide,
        custom={"label": _("rechazar")},
    )
    def reject(self, *, actor: models.Model, at: datetime, reason: str) -> None:
        self.resolved_by = actor
        self.resolved_at = at
        self.resolution_reason = reason
