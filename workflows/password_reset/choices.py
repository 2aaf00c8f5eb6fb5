from django.db import models
from django.utils.translation import gettext_lazy as _


class ResetStatus(models.TextChoices):
    REQUESTED = "requested", _("Solicitada")
    EMAIL_SENT = "email_sent", _("Enlace enviado")
    ACCESS_REVIEW = "access_review", _("En recuperación de acceso")
    COMPLETED = "completed", _("Contraseña cambiada")
    REJECTED = "rejected", _("Rechazada")
    EXPIRED = "expired", _("Vencida")


# A newer request for the same account supersedes requests still in these states.
PENDING_STATES = (ResetStatus.REQUESTED, ResetStatus.EMAIL_SENT)
