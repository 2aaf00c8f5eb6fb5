from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistrationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Enviada")
    EMAIL_SENT = "email_sent", _("Correo de verificación enviado")
    EMAIL_VERIFIED = "email_verified", _("Correo verificado")
    IDENTITY_REVIEW = "identity_review", _("En revisión de identidad")
    ACTIVE = "active", _("Cuenta activa")
    REJECTED = "rejected", _("Rechazada")
    EXPIRED = "expired", _("Vencida")


# States in which a request still waits for its applicant (a newer request supersedes them).
PENDING_STATES = (RegistrationStatus.SUBMITTED, RegistrationStatus.EMAIL_SENT)
