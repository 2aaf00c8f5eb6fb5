"""A password-reset request and its lifecycle (django-fsm-2).

Requests exist only for real, active accounts; an unknown DUI or email leaves no row (the page
answers the same either way). An account without a usable email goes to an access-recovery
case instead of receiving a link. Every state change goes through ``core.workflow.transition``.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.links import OneTimeLinkModel
from workflows.accounts_review.permissions import can_review_accounts

from .choices import PENDING_STATES, ResetStatus

S = ResetStatus


class PasswordResetRequest(FSMModelMixin, OneTimeLinkModel):
    status = FSMField(
        _("estado"), default=S.REQUESTED, choices=S.choices, protected=True, max_length=20
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_resets"
    )
    decision_reason = models.TextField(_("motivo"), blank=True)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizada"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("solicitud de cambio de contraseña")
        verbose_name_plural = _("solicitudes de cambio de contraseña")
        indexes = [
            models.Index(fields=["user", "status"]),
            models.Index(fields=["status", "token_expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.get_status_display()})"

    @transition(
        field=status,
        source=S.REQUESTED,
        target=S.EMAIL_SENT,
        custom={"label": _("enviar enlace")},
    )
    def send_link(self, *, token_hash: str, expires_at: datetime) -> None:
        self.link_issue(token_hash=token_hash, expires_at=expires_at)

    @transition(
        field=status,
        source=S.REQUESTED,
        target=S.ACCESS_REVIEW,
        custom={"label": _("abrir recuperación de acceso")},
    )
    def open_access_review(self) -> None:
        pass

    @transition(
        field=status,
        source=S.ACCESS_REVIEW,
        target=S.EMAIL_SENT,
        permission=lambda instance, user: can_review_accounts(user),
        custom={"label": _("aprobar y enviar enlace")},
    )
    def approve_access(self, *, token_hash: str, expires_at: datetime, reason: str = "") -> None:
        self.link_issue(token_hash=token_hash, expires_at=expires_at)
        self.decision_reason = reason

    @transition(
        field=status,
        source=S.ACCESS_REVIEW,
        target=S.REJECTED,
        permission=lambda instance, user: can_review_accounts(user),
        custom={"label": _("rechazar")},
    )
    def reject_access(self, *, reason: str) -> None:
        self.decision_reason = reason

    @transition(
        field=status,
        source=S.EMAIL_SENT,
        target=S.COMPLETED,
        custom={"label": _("cambiar contraseña")},
    )
    def complete(self, *, at: datetime) -> None:
        self.token_used_at = at

    @transition(
        field=status,
        source=list(PENDING_STATES),
        target=S.EXPIRED,
        custom={"label": _("vencer")},
    )
    def expire(self) -> None:
        pass
