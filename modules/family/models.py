"""Messages between a family and the school, and absence permissions (docs/family.md).

A ``Conversation`` is about one child, with the school of the child's enrollment when it was
opened: the school's director and that section's homeroom teacher answer it. It waits for the
school (``due_at`` set, in their Bandeja) from a family message until a staff reply.

A ``PermissionRequest`` ("permiso de inasistencia") asks for one child to be excused on a range
of dates; deciding it is a django-fsm-2 lifecycle fired through ``core.workflow.transition`` by
``services.py``, which checks the actor's scope first (404 outside it)::

    requested ─approve─► approved      requested ─reject─► rejected
    requested ─cancel (the guardian who asked)─► cancelled
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.accounts.choices import Role
from core.accounts.scopes import has_role

from .choices import ConversationStatus, PermissionStatus

# Who answers families (their scope is checked by the services before any transition).
STAFF_ROLES = (Role.DIRECTOR, Role.TEACHER)
SUBJECT_MAX = 120
BODY_MAX = 2000
REASON_MAX = 200  # it becomes the attendance records' reason (200 characters there)
COMMENT_MAX = 500


def _staff(obj: Any, user: Any) -> bool:
    return user is not None and user.is_active and has_role(user, STAFF_ROLES)


def _staff_or_guardian(obj: Any, user: Any) -> bool:
    return user is not None and (user.pk == obj.guardian_id or _staff(obj, user))


def _the_guardian(obj: Any, user: Any) -> bool:
    return user is not None and user.pk == obj.guardian_id


def document_upload_to(instance: Any, filename: str) -> str:
    """A random name under ``family/``: the original name is kept in ``document_name`` only."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"family/permissions/{uuid.uuid4().hex}{suffix}"


class _AboutAChild(models.Model):
    """The child, the enrollment it was raised under (school and section kept for scoping),
    and the guardian who raised it."""

    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    enrollment = models.ForeignKey(
        "students.Enrollment", on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    section = models.ForeignKey("schools.Section", on_delete=models.PROTECT, related_name="+")
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    # Set while the school owes an answer (a Bandeja item until then); None otherwise.
    due_at = models.DateTimeField(_("responder antes de"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def work_item_due_at(self) -> Any:
        return self.due_at


class Conversation(FSMModelMixin, _AboutAChild):
    subject = models.CharField(_("asunto"), max_length=SUBJECT_MAX)
    status = FSMField(
        _("estado"),
        max_length=10,
        choices=ConversationStatus.choices,
        default=ConversationStatus.OPEN,
        protected=True,
    )
    last_message_at = models.DateTimeField(_("último mensaje"), null=True, blank=True)
    closed_at = models.DateTimeField(_("cerrada"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        verbose_name = _("conversación con el centro")
        verbose_name_plural = _("conversaciones con el centro")
        indexes = [models.Index(fields=["school", "status", "due_at"])]

    def __str__(self) -> str:
        return self.subject

    @transition(
        field=status,
        source=ConversationStatus.OPEN,
        target=ConversationStatus.CLOSED,
        permission=_staff_or_guardian,
        custom={"label": _("Cerrar la conversación")},
    )
    def close(self, *, actor: Any, now: Any) -> None:
        self.closed_at = now
        self.closed_by = actor
        self.due_at = None

    @property
    def work_item_title(self) -> str:
        return f"{self.student.person.full_name}: {self.subject}"

    @property
    def work_item_subtitle(self) -> str:
        return f"{self.section.grade.name} «{self.section.name}» · {self.school.name}"

    @property
    def work_item_url(self) -> str:
        return reverse("family:conversation", args=[self.pk])


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_family = models.BooleanField(_("de la familia"))
    body = models.TextField(_("mensaje"), max_length=BODY_MAX)
    created_at = models.DateTimeField(_("enviado"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("mensaje")
        verbose_name_plural = _("mensajes")

    def __str__(self) -> str:
        return f"{self.conversation_id}/{self.pk}"


class PermissionRequest(FSMModelMixin, _AboutAChild):
    date_from = models.DateField(_("desde"))
    date_to = models.DateField(_("hasta"))
    reason = models.CharField(_("motivo"), max_length=REASON_MAX)
    # An optional supporting document (a medical note…), checked by core.uploads.
    document = models.FileField(
        _("documento"), upload_to=document_upload_to, max_length=200, blank=True
    )
    document_name = models.CharField(_("nombre del documento"), max_length=255, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    status = FSMField(
        _("estado"),
        max_length=10,
        choices=PermissionStatus.choices,
        default=PermissionStatus.REQUESTED,
        protected=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decidido"), null=True, blank=True)
    comment = models.CharField(_("comentario"), max_length=COMMENT_MAX, blank=True)
    # Class days whose attendance was marked justified on approval.
    days_justified = models.PositiveSmallIntegerField(_("días justificados"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("permiso de inasistencia")
        verbose_name_plural = _("permisos de inasistencia")
        indexes = [models.Index(fields=["school", "status", "due_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_to__gte=models.F("date_from")),
                name="family_permission_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.date_from}..{self.date_to}"

    def _decide(self, actor: Any, now: Any, comment: str) -> None:
        self.decided_by = actor
        self.decided_at = now
        self.comment = comment
        self.due_at = None

    @transition(
        field=status,
        source=PermissionStatus.REQUESTED,
        target=PermissionStatus.APPROVED,
        permission=_staff,
        custom={"label": _("Aprobar")},
    )
    def approve(self, *, actor: Any, now: Any, comment: str = "") -> None:
        self._decide(actor, now, comment)

    @transition(
        field=status,
        source=PermissionStatus.REQUESTED,
        target=PermissionStatus.REJECTED,
        permission=_staff,
        custom={"label": _("Rechazar")},
    )
    def reject(self, *, actor: Any, now: Any, comment: str = "") -> None:
        self._decide(actor, now, comment)

    @transition(
        field=status,
        source=PermissionStatus.REQUESTED,
        target=PermissionStatus.CANCELLED,
        permission=_the_guardian,
        custom={"label": _("Cancelar la solicitud")},
    )
    def cancel(self, *, now: Any) -> None:
        self.decided_at = now
        self.due_at = None

    @property
    def dates_label(self) -> str:
        start = date_format(self.date_from, "SHORT_DATE_FORMAT")
        if self.date_from == self.date_to:
            return start
        end = date_format(self.date_to, "SHORT_DATE_FORMAT")
        return str(_("%(start)s al %(end)s") % {"start": start, "end": end})

    @property
    def work_item_title(self) -> str:
        return f"{self.student.person.full_name}: {self.dates_label}"

    @property
    def work_item_subtitle(self) -> str:
        return self.reason

    @property
    def work_item_url(self) -> str:
        return reverse("family:permission", args=[self.pk])
