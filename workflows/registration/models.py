"""An account registration request and its lifecycle (django-fsm-2).

The request keeps what the applicant typed until the account exists: names, birth date, contact
data, the preferred time zone and the *hash* of the chosen password (never the password). Once
the request reaches a final state the password hash is wiped. Every state change goes through
``core.workflow.transition``, which audits it; nothing assigns ``status`` directly.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from phonenumber_field.modelfields import PhoneNumberField

from core.accounts.dui import validate_dui
from core.links import OneTimeLinkModel
from workflows.accounts_review.permissions import can_review_accounts

from .choices import PENDING_STATES, RegistrationStatus
from .conf import DEFAULT_TIME_ZONE

S = RegistrationStatus


class RegistrationRequest(FSMModelMixin, OneTimeLinkModel):
    status = FSMField(
        _("estado"), default=S.SUBMITTED, choices=S.choices, protected=True, max_length=20
    )
    dui = models.CharField(_("DUI"), max_length=10, validators=[validate_dui])
    first_names = models.CharField(_("nombres"), max_length=100)
    last_names = models.CharField(_("apellidos"), max_length=100)
    birth_date = models.DateField(_("fecha de nacimiento"))
    email = models.EmailField(_("correo electrónico"))
    phone = PhoneNumberField(_("teléfono"), blank=True, region="SV")
    time_zone = models.CharField(_("zona horaria"), max_length=64, default=DEFAULT_TIME_ZONE)
    # make_password() output; blanked when the request ends (active, rejected, expired).
    password_hash = models.CharField(max_length=256, blank=True)
    # The applicant's contact record, written at submission without the DUI (notifications are
    # addressed to a Person). It becomes the account's person when nobody held the DUI before.
    applicant = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="+")
    # The person record holding this DUI: found at verification, or the promoted applicant.
    person = models.ForeignKey(
        "accounts.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registration_request",
    )
    decision_reason = models.TextField(_("motivo"), blank=True)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizada"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("solicitud de registro")
        verbose_name_plural = _("solicitudes de registro")
        indexes = [
            models.Index(fields=["dui", "status"]),
            models.Index(fields=["status", "token_expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.first_names} {self.last_names} ({self.get_status_display()})"

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_names}".strip()

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATES

    # --- lifecycle ---------------------------------------------------------------------------

    @transition(
        field=status,
        source=S.SUBMITTED,
        target=S.EMAIL_SENT,
        custom={"label": _("enviar enlace")},
    )
    def send_verification(self, *, token_hash: str, expires_at: datetime) -> None:
        self.link_issue(token_hash=token_hash, expires_at=expires_at)

    @transition(
        field=status,
        source=S.EMAIL_SENT,
        target=S.EMAIL_VERIFIED,
        custom={"label": _("verificar correo")},
    )
    def verify_email(self, *, at: datetime) -> None:
        self.token_used_at = at

    @transition(
        field=status,
        source=S.EMAIL_VERIFIED,
        target=S.ACTIVE,
        custom={"label": _("activar")},
    )
    def activate(self, *, user: models.Model) -> None:
        self.user = user
        self.password_hash = ""

    @transition(
        field=status,
        source=S.EMAIL_VERIFIED,
        target=S.IDENTITY_REVIEW,
        custom={"label": _("pedir revisión de identidad")},
    )
    def require_identity_review(self, *, person: models.Model) -> None:
        self.person = person

    @transition(
        field=status,
        source=S.EMAIL_VERIFIED,
        target=S.REJECTED,
        custom={"label": _("rechazar: el DUI ya tiene cuenta")},
    )
    def reject_duplicate(self) -> None:
        self.password_hash = ""

    @transition(
        field=status,
        source=S.IDENTITY_REVIEW,
        target=S.ACTIVE,
        permission=lambda instance, user: can_review_accounts(user),
        custom={"label": _("aprobar identidad")},
    )
    def approve_identity(self, *, user: models.Model, reason: str = "") -> None:
        self.user = user
        self.password_hash = ""
        self.decision_reason = reason

    @transition(
        field=status,
        source=S.IDENTITY_REVIEW,
        target=S.REJECTED,
        permission=lambda instance, user: can_review_accounts(user),
        custom={"label": _("rechazar identidad")},
    )
    def reject_identity(self, *, reason: str) -> None:
        self.password_hash = ""
        self.decision_reason = reason

    @transition(
        field=status,
        source=list(PENDING_STATES),
        target=S.EXPIRED,
        custom={"label": _("vencer")},
    )
    def expire(self) -> None:
        self.password_hash = ""
