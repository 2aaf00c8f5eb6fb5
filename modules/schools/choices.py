from django.db import models
from django.utils.translation import gettext_lazy as _


class SchoolSector(models.TextChoices):
    PUBLIC = "public", _("Oficial")
    PRIVATE = "private", _("Privado")
    SUBSIDISED = "subsidised", _("Subvencionado")
    EARLY_CHILDHOOD = "early_childhood", _("Círculo de primera infancia")


class SchoolClassification(models.TextChoices):
    PARVULARIA = "parvularia", _("Escuela de Educación Parvularia")
    CENTRO_ESCOLAR = "centro_escolar", _("Centro Escolar")
    INSTITUTO_NACIONAL = "instituto_nacional", _("Instituto Nacional")
    COMPLEJO_EDUCATIVO = "complejo_educativo", _("Complejo Educativo")
    COLEGIO = "colegio", _("Colegio")
    OTHER = "other", _("Otra")


class Zone(models.TextChoices):
    URBAN = "urban", _("Urbana")
    RURAL = "rural", _("Rural")


class Shift(models.TextChoices):
    MORNING = "matutino", _("Matutino")
    AFTERNOON = "vespertino", _("Vespertino")
    NIGHT = "nocturno", _("Nocturno")


class Regimen(models.TextChoices):
    WEEKDAYS = "weekdays", _("Entre semana")
    WEEKEND = "weekend", _("Fin de semana")


class ModalityKind(models.TextChoices):
    REGULAR = "regular", _("Regular")
    FLEXIBLE = "flexible", _("Flexible")


class MediaTrack(models.TextChoices):
    NONE = "", _("No aplica")
    GENERAL = "general", _("Bachillerato General")
    TECHNICAL = "technical", _("Bachillerato Técnico Vocacional")


class ScaleKind(models.TextChoices):
    NUMERIC = "numeric", _("Numérica")
    CONCEPTUAL = "conceptual", _("Conceptual")


class RoundingMode(models.TextChoices):
    HALF_UP = "half_up", _("Al más cercano (0.5 hacia arriba)")
    HALF_EVEN = "half_even", _("Al par más cercano")
    DOWN = "down", _("Truncar")
    UP = "up", _("Hacia arriba")


class InfrastructureCondition(models.TextChoices):
    GOOD = "good", _("Buena")
    FAIR = "fair", _("Regular")
    POOR = "poor", _("Mala")
