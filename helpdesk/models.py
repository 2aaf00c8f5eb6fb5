"""Help-desk data: SLA policies, queues and teams, the service catalogue, tickets and their
conversation. Writes happen in ``services.py``; the ticket lifecycle lives in ``lifecycles.py``.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin

from core.accounts.choices import Role

from .choices import (
    ACTIVE_STATUSES,
    AssignmentMode,
    Channel,
    EntryKind,
    FieldType,
    Priority,
    TicketStatus,
)
from .lifecycles import TicketLifecycle
from .search_documents import ReplyDocument, TicketDocument

_CODE_VALIDATOR = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use minúsculas, dígitos y guiones (por ejemplo «cuentas-y-accesos»)."),
)
_FIELD_KEY_VALIDATOR = RegexValidator(
    r"^[a-z][a-z0-9_]{0,49}$",
    _("Use minúsculas, dígitos y guiones bajos, empezando por una letra."),
)
_EMAIL_LOCAL_VALIDATOR = RegexValidator(
    r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$",
    _("Use minúsculas, dígitos, puntos y guiones (la parte antes de la @)."),
)


# --- SLA ---------------------------------------------------------------------------------------


class SlaPolicy(models.Model):
    """Targets counted in business time (``core.calendar``), with optional per-priority rows."""

    code = models.CharField(_("código"), max_length=60, unique=True, validators=[_CODE_VALIDATOR])
    name = models.CharField(_("nombre"), max_length=120)
    description = models.TextField(_("descripción"), blank=True)
    first_response_target = models.DurationField(
        _("primera respuesta (tiempo hábil)"), default=timedelta(hours=4)
    )
    resolution_target = models.DurationField(
        _("resolución (tiempo hábil)"), default=timedelta(hours=27)
    )
    is_active = models.BooleanField(_("activa"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("política de SLA")
        verbose_name_plural = _("políticas de SLA")
        constraints = [
            models.CheckConstraint(
                name="slapolicy_positive_targets",
                condition=Q(first_response_target__gt=timedelta(0))
                & Q(resolution_target__gt=timedelta(0)),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def targets_for(self, priority: str) -> tuple[timedelta, timedelta]:
        """(first response, resolution) for a priority; uses prefetched overrides if loaded."""
        for override in self.priority_targets.all():
            if override.priority == priority:
                return override.first_response_target, override.resolution_target
        return self.first_response_target, self.resolution_target


class SlaPriorityTarget(models.Model):
    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="priority_targets")
    priority = models.CharField(_("prioridad"), max_length=10, choices=Priority.choices)
    first_response_target = models.DurationField(_("primera respuesta (tiempo hábil)"))
    resolution_target = models.DurationField(_("resolución (tiempo hábil)"))

    class Meta:
        verbose_name = _("objetivo por prioridad")
        verbose_name_plural = _("objetivos por prioridad")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "priority"], name="slaprioritytarget_unique_priority"
            ),
            models.CheckConstraint(
                name="slaprioritytarget_positive_targets",
                condition=Q(first_response_target__gt=timedelta(0))
                & Q(resolution_target__gt=timedelta(0)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} · {self.get_priority_display()}"


# --- Queues and teams ----------------------------------------------------------------------------


class Queue(models.Model):
    """Where tickets wait. National (no department) or one department's; served by teams."""

    code = models.CharField(_("código"), max_length=60, unique=True, validators=[_CODE_VALIDATOR])
    name = models.CharField(_("nombre"), max_length=120)
    description = models.TextField(_("descripción"), blank=True)
    department = models.ForeignKey(
        "schools.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="helpdesk_queues",
        verbose_name=_("departamento"),
        help_text=_("Vacío: cola nacional."),
    )
    # Mail to <local part>@<help-desk domain> opens a ticket in this queue.
    email_local_part = models.CharField(
        _("dirección de correo (parte local)"),
        max_length=64,
        blank=True,
        validators=[_EMAIL_LOCAL_VALIDATOR],
    )
    assignment_mode = models.CharField(
        _("asignación automática"),
        max_length=20,
        choices=AssignmentMode.choices,
        default=AssignmentMode.MANUAL,
    )
    escalation_queue = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalated_from",
        verbose_name=_("cola de escalamiento"),
    )
    # Round-robin pointer: the technician who got the last automatic assignment.
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    is_active = models.BooleanField(_("activa"), default=True)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cola")
        verbose_name_plural = _("colas")
        constraints = [
            models.UniqueConstraint(
                fields=["email_local_part"],
                condition=~Q(email_local_part=""),
                name="queue_unique_email_local_part",
            ),
            models.CheckConstraint(
                name="queue_not_its_own_escalation",
                condition=Q(escalation_queue__isnull=True) | ~Q(escalation_queue=F("id")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_national(self) -> bool:
        return self.department_id is None


class Team(models.Model):
    name = models.CharField(_("nombre"), max_length=120, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="helpdesk_teams",
        blank=True,
        verbose_name=_("integrantes"),
    )
    queues = models.ManyToManyField(
        Queue, related_name="teams", blank=True, verbose_name=_("colas que atiende")
    )
    is_active = models.BooleanField(_("activo"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("equipo")
        verbose_name_plural = _("equipos")

    def __str__(self) -> str:
        return self.name


class TechnicianStatus(models.Model):
    """Whether a technician takes automatic assignments now (no row: available)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="helpdesk_status",
        primary_key=True,
    )
    available = models.BooleanField(_("disponible"), default=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        verbose_name = _("disponibilidad de técnico")
        verbose_name_plural = _("disponibilidad de técnicos")

    def __str__(self) -> str:
        return f"{self.user} · {'disponible' if self.available else 'no disponible'}"


# --- Service catalogue --------------------------------------------------------------------------


class Service(models.Model):
    """A trámite or request a person can ask for: its form, queue, SLA and optional workflow."""

    code = models.CharField(_("código"), max_length=60, unique=True, validators=[_CODE_VALIDATOR])
    name = models.CharField(_("nombre"), max_length=150)
    description = models.TextField(_("descripción"), blank=True)
    any_citizen = models.BooleanField(
        _("cualquier ciudadano"),
        default=True,
        help_text=_("Si no, solo quienes tengan uno de los roles indicados."),
    )
    allowed_roles = models.JSONField(_("roles que pueden solicitarlo"), default=list, blank=True)
    queue = models.ForeignKey(
        Queue, on_delete=models.PROTECT, related_name="services", verbose_name=_("cola")
    )
    sla_policy = models.ForeignKey(
        SlaPolicy, on_delete=models.PROTECT, related_name="services", verbose_name=_("SLA")
    )
    default_priority = models.CharField(
        _("prioridad inicial"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    # Key of the workflow (workflows/<key>) that a new ticket of this service starts, if any.
    workflow_key = models.CharField(_("flujo de trabajo"), max_length=60, blank=True)
    is_active = models.BooleanField(_("activo"), default=True)
    order = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("servicio")
        verbose_name_plural = _("servicios")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        roles = self.allowed_roles
        if not isinstance(roles, list) or any(r not in Role.values for r in roles):
            message = _("Indique una lista de roles válidos: %(roles)s.") % {
                "roles": ", ".join(Role.values)
            }
            raise ValidationError({"allowed_roles": message})
        if not self.any_citizen and not roles:
            raise ValidationError(
                {"allowed_roles": _("Indique al menos un rol o marque «cualquier ciudadano».")}
            )


class ServiceField(models.Model):
    """One typed question of a service's form; answers are stored on the ticket as JSON."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="fields")
    key = models.CharField(_("clave"), max_length=50, validators=[_FIELD_KEY_VALIDATOR])
    label = models.CharField(_("etiqueta"), max_length=150)
    field_type = models.CharField(_("tipo"), max_length=10, choices=FieldType.choices)
    required = models.BooleanField(_("obligatorio"), default=True)
    # For "choice": a list of strings, or of [value, label] pairs.
    choices = models.JSONField(_("opciones"), default=list, blank=True)
    help_text = models.CharField(_("ayuda"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("campo del servicio")
        verbose_name_plural = _("campos del servicio")
        constraints = [
            models.UniqueConstraint(fields=["service", "key"], name="servicefield_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.service.code}.{self.key}"

    def choice_pairs(self) -> list[tuple[str, str]]:
        pairs = []
        for item in self.choices or []:
            if isinstance(item, str):
                pairs.append((item, item))
            else:
                value, label = item
                pairs.append((str(value), str(label)))
        return pairs

    def clean(self) -> None:
        try:
            pairs = self.choice_pairs()
        except (TypeError, ValueError) as exc:
            raise ValidationError(
                {"choices": _("Cada opción es un texto o un par [valor, etiqueta].")}
            ) from exc
        if self.field_type == FieldType.CHOICE and not pairs:
            raise ValidationError({"choices": _("Una lista de opciones necesita opciones.")})
        if self.field_type != FieldType.CHOICE and pairs:
            raise ValidationError({"choices": _("Solo las listas de opciones llevan opciones.")})
        values = [value for value, _label in pairs]
        if len(values) != len(set(values)):
            raise ValidationError({"choices": _("Las opciones no pueden repetirse.")})


# --- Tickets ---------------------------------------------------------------------------------


class TicketCounter(models.Model):
    """The last number given to a ticket in a year (incremented under a row lock)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("contador de casos")
        verbose_name_plural = _("contadores de casos")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_value}"


class Ticket(TicketLifecycle, FSMModelMixin, models.Model):
    # Rows a transition never changes, reused from the caller's instance (core.workflow._lock).
    WORKFLOW_REUSED_RELATIONS = ("queue", "service", "requester")

    number = models.CharField(_("número"), max_length=24, unique=True, editable=False)
    subject = models.CharField(_("asunto"), max_length=200)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="helpdesk_tickets",
        verbose_name=_("solicitante"),
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("servicio")
    )
    queue = models.ForeignKey(
        Queue, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("cola")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="helpdesk_assigned_tickets",
        verbose_name=_("asignado a"),
    )
    priority = models.CharField(
        _("prioridad"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = FSMField(
        _("estado"),
        max_length=24,
        choices=TicketStatus.choices,
        default=TicketStatus.NEW,
        protected=True,
    )
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    # Answers to the service's form, JSON-safe (see forms.py); files are attachments.
    form_data = models.JSONField(_("datos de la solicitud"), default=dict, blank=True)
    # What the full-text search matches: kept by the database (helpdesk.search_documents).
    search_document = models.GeneratedField(
        expression=TicketDocument(), output_field=SearchVectorField(), db_persist=True
    )

    # SLA: due and warning moments are computed in business time when the ticket is created
    # and moved when the clock pauses; the sweep only compares them with now.
    first_response_due_at = models.DateTimeField(_("primera respuesta antes de"), null=True)
    first_response_warn_at = models.DateTimeField(null=True, editable=False)
    resolution_due_at = models.DateTimeField(_("resolución antes de"), null=True)
    resolution_warn_at = models.DateTimeField(null=True, editable=False)
    first_responded_at = models.DateTimeField(_("primera respuesta"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resuelto el"), null=True, blank=True)
    closed_at = models.DateTimeField(_("cerrado el"), null=True, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True, editable=False)
    first_response_warned = models.BooleanField(default=False, editable=False)
    first_response_breached = models.BooleanField(_("primera respuesta vencida"), default=False)
    resolution_warned = models.BooleanField(default=False, editable=False)
    resolution_breached = models.BooleanField(_("resolución vencida"), default=False)
    escalated_at = models.DateTimeField(_("escalado el"), null=True, blank=True)

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("caso principal"),
    )
    related = models.ManyToManyField("self", blank=True, verbose_name=_("casos relacionados"))
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_tickets",
        verbose_name=_("fusionado en"),
    )
    # The workflow instance this ticket follows, when its service starts one.
    process = models.OneToOneField(
        "viewflow.Process",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="helpdesk_ticket",
    )

    created_at = models.DateTimeField(_("creado"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("caso")
        verbose_name_plural = _("casos")
        indexes = [
            # Work queue: a queue's open tickets by due time.
            models.Index(
                fields=["queue", "status", "resolution_due_at"], name="ticket_queue_due_idx"
            ),
            # "Assigned to me" and a technician's load.
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status_idx"),
            # "My requests", newest first.
            models.Index(fields=["requester", "-created_at"], name="ticket_requester_idx"),
            # The SLA sweep: partial indexes hold only the tickets still being watched.
            models.Index(
                fields=["first_response_warn_at"],
                condition=Q(
                    status__in=ACTIVE_STATUSES,
                    first_responded_at__isnull=True,
                    first_response_warned=False,
                ),
                name="ticket_sla_fr_warn_idx",
            ),
            models.Index(
                fields=["first_response_due_at"],
                condition=Q(
                    status__in=ACTIVE_STATUSES,
                    first_responded_at__isnull=True,
                    first_response_breached=False,
                ),
                name="ticket_sla_fr_due_idx",
            ),
            models.Index(
                fields=["resolution_warn_at"],
                condition=Q(status__in=ACTIVE_STATUSES, resolution_warned=False),
                name="ticket_sla_res_warn_idx",
            ),
            models.Index(
                fields=["resolution_due_at"],
                condition=Q(status__in=ACTIVE_STATUSES, resolution_breached=False),
                name="ticket_sla_res_due_idx",
            ),
            models.Index(
                fields=["resolved_at"],
                condition=Q(status=TicketStatus.RESOLVED),
                name="ticket_resolved_idx",
            ),
            # The staff list: the active tickets of the served queues in deadline order; with
            # the queue ids as a plain list the database walks this index and stops at the page.
            models.Index(
                fields=["resolution_due_at", "id"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="ticket_active_due_idx",
            ),
            # The staff list over every status (closed and cancelled too), either way: the
            # same walk over all tickets; a deep page's cursor is a range of this index.
            models.Index(fields=["resolution_due_at", "id"], name="ticket_due_idx"),
            # The Bandeja: a queue's active tickets, assigned or not (counts and item lists).
            models.Index(
                fields=["queue", "assignee"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="ticket_active_queue_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="ticket_merged_iff_target",
                condition=Q(status=TicketStatus.MERGED, merged_into__isnull=False)
                | (~Q(status=TicketStatus.MERGED) & Q(merged_into__isnull=True)),
            ),
            models.CheckConstraint(
                name="ticket_not_merged_into_itself",
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=F("id")),
            ),
            models.CheckConstraint(
                name="ticket_not_its_own_parent",
                condition=Q(parent__isnull=True) | ~Q(parent=F("id")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.subject}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class TicketEntry(models.Model):
    """One message of a ticket's conversation: a public reply or an internal note."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("tipo"), max_length=10, choices=EntryKind.choices)
    # Empty for messages written by the system.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("autor"),
    )
    body = models.TextField(_("mensaje"))
    # What the full-text search matches (public replies only): kept by the database.
    search_document = models.GeneratedField(
        expression=ReplyDocument(), output_field=SearchVectorField(), db_persist=True
    )
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    # Message-ID of the email that brought this entry, so a redelivered email is not added twice.
    message_id = models.CharField(max_length=255, blank=True, editable=False)
    created_at = models.DateTimeField(_("fecha"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("mensaje del caso")
        verbose_name_plural = _("mensajes del caso")
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticketentry_ticket_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"],
                condition=~Q(message_id=""),
                name="ticketentry_unique_message_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} · {self.get_kind_display()}"

    @property
    def is_public(self) -> bool:
        return self.kind == EntryKind.REPLY


def attachment_upload_to(instance: "Attachment", filename: str) -> str:
    """A random name with no extension: the original name is only ever shown, never used."""
    return f"helpdesk/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class Attachment(models.Model):
    """A file attached to an entry, stored under a random name in MEDIA_ROOT (never served
    directly: downloads go through a view that checks access and sends it as an attachment)."""

    entry = models.ForeignKey(TicketEntry, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("archivo"), upload_to=attachment_upload_to, max_length=200)
    original_name = models.CharField(_("nombre original"), max_length=255)
    size = models.PositiveBigIntegerField(_("tamaño (bytes)"))
    content_type = models.CharField(_("tipo de contenido"), max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("subido el"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("archivo adjunto")
        verbose_name_plural = _("archivos adjuntos")

    def __str__(self) -> str:
        return self.original_name


class CannedResponse(models.Model):
    """A reusable reply text, for every queue or for one."""

    title = models.CharField(_("título"), max_length=120)
    body = models.TextField(_("texto"))
    queue = models.ForeignKey(
        Queue,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_responses",
        verbose_name=_("cola"),
        help_text=_("Vacío: disponible en todas las colas."),
    )
    is_active = models.BooleanField(_("activa"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizada"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("respuesta predefinida")
        verbose_name_plural = _("respuestas predefinidas")

    def __str__(self) -> str:
        return self.title


class SatisfactionRating(models.Model):
    """The requester's rating of a resolved ticket: once, 1 to 5, with an optional comment."""

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="rating")
    rating = models.PositiveSmallIntegerField(
        _("calificación"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comentario"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("fecha"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("calificación de satisfacción")
        verbose_name_plural = _("calificaciones de satisfacción")
        constraints = [
            models.CheckConstraint(
                name="satisfaction_rating_1_to_5", condition=Q(rating__gte=1, rating__lte=5)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.rating}"
