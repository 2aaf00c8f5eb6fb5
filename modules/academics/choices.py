from django.db import models
from django.utils.translation import gettext_lazy as _


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Presente")
    ABSENT = "absent", _("Ausente")
    JUSTIFIED = "justified", _("Ausencia justificada")


class YearOutcome(models.TextChoices):
    PROMOTED = "promoted", _("Promovido")
    NOT_PROMOTED = "not_promoted", _("No promovido")
