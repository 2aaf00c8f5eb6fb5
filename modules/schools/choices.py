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
