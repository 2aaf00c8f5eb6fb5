"""Codes of the titles module (docs/domain.md, "Titles")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignatoryKind(models.TextChoices):
    DIRECTOR = "director", _("Director del centro educativo")
    MINISTER = "minister", _("Ministro de Educación")
    AUTHENTICATOR = "authenticator", _("Titular de auténtica")


class RequestKind(models.TextChoices):
    FIRST_ISSUE = "first_issue", _("Primera emisión")
    REPRINT = "reprint", _("Reimpresión")
    REPLACEMENT = "replacement", _("Reposición")
    ANNULMENT = "annulment", _("Anulación")


# Kinds that point at titles already issued rather than at a section's graduates.
KINDS_ON_TITLES = (RequestKind.REPRINT, RequestKind.REPLACEMENT, RequestKind.ANNULMENT)


class RequestStatus(models.TextChoices):
    SENT = "sent", _("Enviada")
    CONFIRMED = "confirmed", _("Confirmada")
    WITH_EXCEPTIONS = "with_exceptions", _("Confirmada con excepciones")
    REJECTED = "rejected", _("Rechazada")
    PENDING_PRINT = "pending_print", _("Pendiente de impresión")
    PRINTED = "printed", _("Impresa")
    ANNULLED = "annulled", _("Anulación aplicada")


class TitleStatus(models.TextChoices):
    VALID = "valid", _("Válido")
    REPLACED = "replaced", _("Reemplazado")
    ANNULLED = "annulled", _("Anulado")


class MotiveKind(models.TextChoices):
    EXCLUSION = "exclusion", _("Exclusión de un estudiante")
    REPRINT = "reprint", _("Reimpresión")
    ANNULMENT = "annulment", _("Anulación")


class GenerationState(models.TextChoices):
    IDLE = "", _("Sin iniciar")
    RUNNING = "running", _("Generando")
    DONE = "done", _("Terminada")
    FAILED = "failed", _("Con error")
