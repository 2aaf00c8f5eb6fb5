"""Codes of the help desk: ticket statuses and priorities, entry kinds, field types, modes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketStatus(models.TextChoices):
    NEW = "new", _("Nuevo")
    OPEN = "open", _("Abierto")
    IN_PROGRESS = "in_progress", _("En proceso")
    WAITING_ON_REQUESTER = "waiting_on_requester", _("En espera del solicitante")
    RESOLVED = "resolved", _("Resuelto")
    CLOSED = "closed", _("Cerrado")
    REOPENED = "reopened", _("Reabierto")
    CANCELLED = "cancelled", _("Cancelado")
    MERGED = "merged", _("Fusionado")


# Someone still has to act: these count as a technician's load and are checked by the SLA sweep.
ACTIVE_STATUSES: tuple[str, ...] = (
    TicketStatus.NEW,
    TicketStatus.OPEN,
    TicketStatus.IN_PROGRESS,
    TicketStatus.WAITING_ON_REQUESTER,
    TicketStatus.REOPENED,
)
# Nothing more happens: no replies, no claims, no SLA.
FINAL_STATUSES: tuple[str, ...] = (
    TicketStatus.CLOSED,
    TicketStatus.CANCELLED,
    TicketStatus.MERGED,
)


class Priority(models.TextChoices):
    LOW = "low", _("Baja")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("Alta")
    URGENT = "urgent", _("Urgente")

    @classmethod
    def raised(cls, value: str) -> str:
        """One step up (an escalated ticket); urgent stays urgent."""
        order = list(cls.values)
        return order[min(order.index(value) + 1, len(order) - 1)]

    @classmethod
    def rank(cls, value: str) -> int:
        return list(cls.values).index(value)


class EntryKind(models.TextChoices):
    REPLY = "reply", _("Respuesta pública")
    NOTE = "note", _("Nota interna")


class Channel(models.TextChoices):
    WEB = "web", _("Portal web")
    API = "api", _("Aplicación / API")
    EMAIL = "email", _("Correo electrónico")
    SYSTEM = "system", _("Sistema")


class AssignmentMode(models.TextChoices):
    MANUAL = "manual", _("Manual (los técnicos toman los casos)")
    ROUND_ROBIN = "round_robin", _("Rotación (round robin)")
    LEAST_LOADED = "least_loaded", _("Menor carga")


class FieldType(models.TextChoices):
    TEXT = "text", _("Texto corto")
    TEXTAREA = "textarea", _("Texto largo")
    INTEGER = "integer", _("Número entero")
    DECIMAL = "decimal", _("Número decimal")
    DATE = "date", _("Fecha")
    CHOICE = "choice", _("Lista de opciones")
    DUI = "dui", _("DUI")
    NIE = "nie", _("NIE")
    EMAIL = "email", _("Correo electrónico")
    PHONE = "phone", _("Teléfono")
    FILE = "file", _("Archivo adjunto")
    SCHOOL = "school", _("Centro educativo (código del registro)")


class LinkKind(models.TextChoices):
    RELATED = "related", _("Relacionado")
    PARENT = "parent", _("Caso principal")
    CHILD = "child", _("Caso derivado")


class SlaTarget(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("primera respuesta")
    RESOLUTION = "resolution", _("resolución")
