from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    """Whose record is corrected: the requester's own, or a student's (the catalogue's values)."""

    OWN = "propio", _("Datos propios")
    TEACHER = "docente", _("Datos propios como docente")
    GUARDIAN = "responsable", _("Datos propios como responsable")
    STUDENT = "estudiante", _("Estudiante")


class PersonField(models.TextChoices):
    """The ``Person`` fields this process corrects, keyed by the catalogue's ``dato`` values."""

    FIRST_NAMES = "first_names", _("Nombres")
    LAST_NAMES = "last_names", _("Apellidos")
    BIRTH_DATE = "birth_date", _("Fecha de nacimiento")
    SEX = "sex", _("Sexo")


# The catalogue form's ``dato`` answer → the field it corrects.
FIELD_BY_ANSWER = {
    "nombres": PersonField.FIRST_NAMES,
    "apellidos": PersonField.LAST_NAMES,
    "nacimiento": PersonField.BIRTH_DATE,
    "sexo": PersonField.SEX,
}


class EvidenceVerdict(models.TextChoices):
    """What the technician who checks the evidence decides (level 1 never edits the record)."""

    FORWARD = "forward", _("Enviar a aprobación")
    RETURN = "return", _("Pedir mejor respaldo al solicitante")
    REJECT = "reject", _("Rechazar")


class Decision(models.TextChoices):
    APPROVED = "approved", _("Aprobada")
    REJECTED = "rejected", _("Rechazada")
