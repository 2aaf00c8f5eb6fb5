from django.db import models
from django.utils.translation import gettext_lazy as _


class ConversationStatus(models.TextChoices):
    OPEN = "open", _("Abierta")
    CLOSED = "closed", _("Cerrada")


class PermissionStatus(models.TextChoices):
    REQUESTED = "requested", _("Solicitado")
    APPROVED = "approved", _("Aprobado")
    REJECTED = "rejected", _("Rechazado")
    CANCELLED = "cancelled", _("Cancelado")
