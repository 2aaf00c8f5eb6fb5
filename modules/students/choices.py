from django.db import models
from django.utils.translation import gettext_lazy as _


class EnrollmentStatus(models.TextChoices):
    PROVISIONAL = "provisional", _("Provisional")
    ACTIVE = "active", _("Activa")
    WITHDRAWN = "withdrawn", _("Retirado")
    TRANSFERRED = "transferred", _("Trasladado")
    ANNULLED = "annulled", _("Anulada")
    PROMOTED = "promoted", _("Promovido")
    NOT_PROMOTED = "not_promoted", _("No promovido")
    REPEATER = "repeater", _("Repitió el grado")


# The statuses that hold the student's place for the year: at most one per student and year.
CURRENT_STATUSES = (EnrollmentStatus.PROVISIONAL, EnrollmentStatus.ACTIVE)


class MotiveKind(models.TextChoices):
    DROPOUT = "dropout", _("Deserción definitiva")
    TRANSFER = "transfer", _("Traslado")
    SECTION_CHANGE = "section_change", _("Cambio de sección")


class Relationship(models.TextChoices):
    MOTHER = "mother", _("Madre")
    FATHER = "father", _("Padre")
    GRANDPARENT = "grandparent", _("Abuela o abuelo")
    SIBLING = "sibling", _("Hermana o hermano")
    UNCLE_AUNT = "uncle_aunt", _("Tía o tío")
    LEGAL_GUARDIAN = "legal_guardian", _("Tutor legal")
    OTHER = "other", _("Otro")
