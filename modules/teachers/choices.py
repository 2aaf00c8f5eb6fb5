"""Codes of the teachers module (docs/domain.md §11)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EscalafonLevel(models.TextChoices):
    """The two levels of the teaching career ladder, by the highest teaching degree."""

    LEVEL_1 = "1", _("Nivel 1")
    LEVEL_2 = "2", _("Nivel 2")


# Categories 1 (highest) to 6 (entry), climbed by years of service and training.
ESCALAFON_CATEGORIES = [(n, str(n)) for n in range(1, 7)]


class DegreeKind(models.TextChoices):
    PROFESORADO = "profesorado", _("Profesorado")
    LICENCIATURA = "licenciatura", _("Licenciatura")
    MAESTRIA = "maestria", _("Maestría")
    DOCTORADO = "doctorado", _("Doctorado")
    TECNICO = "tecnico", _("Técnico")
    OTHER = "otro", _("Otro")


class Position(models.TextChoices):
    TEACHER = "docente", _("Docente de aula")
    DIRECTOR = "director", _("Director")
    SUBDIRECTOR = "subdirector", _("Subdirector")
    SUPPORT = "apoyo", _("Docente de apoyo")


class ContractType(models.TextChoices):
    SALARY_LAW = "ley_salarios", _("Ley de Salarios (plaza)")
    CONTRACT = "contrato", _("Contrato")
    HOURS = "hora_clase", _("Hora clase")
    INTERIM = "interino", _("Interino")


class Funding(models.TextChoices):
    GENERAL_FUND = "fondo_general", _("Fondo General")
    OWN_RESOURCES = "recursos_propios", _("Recursos propios")
    EXTERNAL = "cooperacion", _("Cooperación externa")
    PRIVATE = "privado", _("Privado")


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Lunes")
    TUESDAY = 2, _("Martes")
    WEDNESDAY = 3, _("Miércoles")
    THURSDAY = 4, _("Jueves")
    FRIDAY = 5, _("Viernes")
    SATURDAY = 6, _("Sábado")
    SUNDAY = 7, _("Domingo")


# Class periods of one shift, numbered from the first of the shift.
MAX_PERIOD = 10


class CorrectableField(models.TextChoices):
    """The fields of a teacher's record that a correction request may change."""

    NIP = "nip", _("NIP")
    SPECIALTY = "specialty", _("Especialidad")
    ESCALAFON_LEVEL = "escalafon_level", _("Nivel del escalafón")
    ESCALAFON_CATEGORY = "escalafon_category", _("Categoría del escalafón")
