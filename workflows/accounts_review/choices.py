from django.db import models
from django.utils.translation import gettext_lazy as _

# The help-desk queue these cases belong to ("Cuentas y accesos").
QUEUE_CODE = "cuentas-y-accesos"


class ReviewKind(models.TextChoices):
    IDENTITY_REVIEW = "identity_review", _("Revisión de identidad")
    ACCESS_RECOVERY = "access_recovery", _("Recuperación de acceso")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Pendiente")
    APPROVED = "approved", _("Aprobada")
    REJECTED = "rejected", _("Rechazada")
