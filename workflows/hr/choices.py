from django.db import models
from django.utils.translation import gettext_lazy as _


class Decision(models.TextChoices):
    APPROVED = "approved", _("Aprobada")
    REJECTED = "rejected", _("Rechazada")


class RouteVerdict(models.TextChoices):
    FORWARD = "forward", _("Enviar a recursos humanos del departamento")
    REJECT = "reject", _("Rechazar la solicitud")


# The catalogue's answers for the field of the record to correct → CorrectableField.
FIELD_BY_ANSWER = {
    "nip": "nip",
    "especialidad": "specialty",
    "nivel": "escalafon_level",
    "categoria": "escalafon_category",
}
