"""Every write of family messages and absence permissions: each in one transaction with its
audit event and its outbox rows (notifications), so all of them commit or none does.

Reads of the object being acted on go through the scoped selectors first: outside the actor's
reach it is a 404 with nothing written. State changes of the lifecycles go through
``core.workflow.transition`` (403 / 409 with the reason).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.choices import Role
from core.accounts.models import RoleGrant, User
from core.accounts.scopes import active_grant_q
from core.audit.services import audit_record
from core.calendar import add_business_time, business_day_length
from core.exceptions import Conflict
from core.uploads import JPEG, PDF, PNG, UploadLimits, check_upload
from core.workflow import transition
from modules.academics import family
from modules.academics.choices import AttendanceStatus
from modules.academics.models import AttendanceDay, AttendanceRecord
from modules.academics.services import Mark, attendance_record
from modules.schools.calendars import is_class_day
from modules.students.choices import CURRENT_STATUSES
from notifications.choices import Channel
from notifications.services import notify

from . import selectors
from .choices import ConversationStatus
from .models import (
    BODY_MAX,
    COMMENT_MAX,
    REASON_MAX,
    SUBJECT_MAX,
    Conversation,
    Message,
    PermissionRequest,
)

# How long the school has to answer a family, in working days.
ANSWER_WORKING_DAYS = 2
# The longest permission a family may ask for at once, in calendar days.
PERMISSION_MAX_DAYS = 31
# The optional supporting document of a permission request.
DOCUMENT_LIMITS = UploadLimits(max_bytes=5 * 1024 * 1024, max_files=1)
DOCUMENT_TYPES = frozenset({PDF, PNG, JPEG})


def answer_due(now: Any) -> Any:
    return add_business_time(now, ANSWER_WORKING_DAYS * business_day_length())


def _text(value: str, *, limit: int, label: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(_("Escriba %(what)s.") % {"what": label})
    if len(value) > limit:
        raise ValidationError(
            _("%(what)s admite hasta %(limit)s caracteres.")
            % {"what": label.capitalize(), "limit": limit}
        )
    return value


def _current_child(actor: Any, student_id: int) -> family.Child:
    """One of the actor's children (404 otherwise) with a current enrollment (409 otherwise)."""
    child = family.child_get(actor, student_id)
    if child.enrollment is None or child.enrollment.status not in CURRENT_STATUSES:
        raise Conflict(
            _("Su hijo o hija no tiene una matrícula vigente; no hay centro a quien escribir."),
            code="no_current_enrollment",
        )
    return child


def _school_staff(obj: Any) -> list[User]:
    """Who answers ``obj`` for the school: the school's directors and the section's homeroom
    teacher (with a teacher grant over the section or school). One query."""
    directors = RoleGrant.objects.filter(
        active_grant_q(), role=Role.DIRECTOR, school_id=obj.school_id
    ).values("user_id")
    teachers = (
        RoleGrant.objects.filter(active_grant_q(), role=Role.TEACHER)
        .filter(Q(section_id=obj.section_id) | Q(school_id=obj.school_id))
        .values("user_id")
    )
    condition = Q(pk__in=directors)
    if obj.section.homeroom_teacher_id:
        condition |= Q(pk__in=teachers, person_id=obj.section.homeroom_teacher_id)
    return list(
        User.objects.filter(condition, is_active=True).select_related("person").order_by("pk")
    )


def _tell_school(obj: Any, *, template: str, context: dict[str, Any], link: str) -> None:
    for user in _school_staff(obj):
        notify(
            recipient=user.person,
            user=user,
            template=template,
            context=context,
            channels=[Channel.IN_APP],
            link=link,
        )


def _tell_family(obj: Any, *, template: str, context: dict[str, Any], link: str) -> None:
    guardian = obj.guardian
    notify(recipient=guardian.person, user=guardian, template=template, context=context, link=link)


# --- Conversations ----------------------------------------------------------------------------


@transaction.atomic
def conversation_open(
    *, actor: Any, student_id: int, subject: str, body: str, request: Any = None
) -> Conversation:
    """A guardian writes to the school of one of their children: the conversation and its first
    message, waiting for the school's answer (due in two working days)."""
    child = _current_child(actor, student_id)
    subject = _text(subject, limit=SUBJECT_MAX, label=_("el asunto"))
    body = _text(body, limit=BODY_MAX, label=_("el mensaje"))
    enrollment = child.enrollment
    now = timezone.now()
    conversation = Conversation.objects.create(
        student=child.student,
        enrollment=enrollment,
        school=enrollment.school,
        section=enrollment.section,
        guardian=actor,
        subject=subject,
        last_message_at=now,
        due_at=answer_due(now),
    )
    Message.objects.create(conversation=conversation, author=actor, from_family=True, body=body)
    audit_record(
        action="family.conversation_opened",
        obj=conversation,
        actor=actor,
        role=Role.GUARDIAN,
        request=request,
        payload={"student": child.student.pk, "school": enrollment.school_id},
        new_chain=True,
    )
    _tell_school(
        conversation,
        template="family_message_to_school",
        context={
            "student_name": child.student.person.full_name,
            "subject": subject,
            "message": body,
        },
        link=conversation.work_item_url,
    )
    return conversation


@transaction.atomic
def message_post(
    *, actor: Any, conversation: Conversation, body: str, request: Any = None
) -> Message:
    """A reply in an open conversation, by its family or by the school.

    ``conversation`` comes from ``selectors.conversation_get`` (or either side's ``_get``);
    the actor's side is decided again here. A family message makes the school owe an answer
    (its earlier due time stays); a school message settles it.
    """
    body = _text(body, limit=BODY_MAX, label=_("el mensaje"))
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    from_family = locked.guardian_id == actor.pk
    role = Role.GUARDIAN if from_family else selectors.staff_role(actor, conversation)
    if role is None:
        raise PermissionDenied
    if locked.status != ConversationStatus.OPEN:
        raise Conflict(
            _("La conversación está cerrada; abra una nueva para seguir."),
            code="conversation_closed",
        )
    now = timezone.now()
    message = Message.objects.create(
        conversation=locked, author=actor, from_family=from_family, body=body
    )
    due_at = (locked.due_at or answer_due(now)) if from_family else None
    Conversation.objects.filter(pk=locked.pk).update(last_message_at=now, due_at=due_at)
    conversation.last_message_at, conversation.due_at = now, due_at
    audit_record(
        action="family.message_sent",
        obj=locked,
        actor=actor,
        role=role,
        request=request,
        payload={"message": message.pk, "from_family": from_family},
    )
    context = {
        "student_name": conversation.student.person.full_name,
        "subject": conversation.subject,
        "message": body,
    }
    if from_family:
        _tell_school(
            conversation,
            template="family_message_to_school",
            context=context,
            link=conversation.work_item_url,
        )
    else:
        _tell_family(
            conversation,
            template="family_message_to_family",
            context={**context, "school_name": conversation.school.name},
            link=conversation.work_item_url,
        )
    return message


def conversation_close(
    *, actor: Any, conversation: Conversation, request: Any = None
) -> Conversation:
    """Either side closes the conversation (it leaves the Bandeja)."""
    if conversation.guardian_id == actor.pk:
        role = Role.GUARDIAN
    else:
        role = selectors.staff_role(actor, conversation)
        if role is None:
            raise PermissionDenied
    return transition(
        actor=actor,
        obj=conversation,
        name="close",
        request=request,
        role=role,
        now=timezone.now(),
    )


# --- Absence permissions ----------------------------------------------------------------------


@transaction.atomic
def permission_request(
    *,
    actor: Any,
    student_id: int,
    date_from: date,
    date_to: date,
    reason: str,
    document: Any = None,
    request: Any = None,
) -> PermissionRequest:
    """A guardian asks the school to excuse one of their children from ``date_from`` to
    ``date_to`` (both included), within the enrollment's school year, optionally with a
    supporting document (PDF, PNG or JPEG up to 5 MB, checked by its content)."""
    child = _current_child(actor, student_id)
    reason = _text(reason, limit=REASON_MAX, label=_("el motivo"))
    enrollment = child.enrollment
    errors = []
    if date_to < date_from:
        errors.append(_("La fecha final no puede ser anterior a la inicial."))
    elif date_to - date_from >= timedelta(days=PERMISSION_MAX_DAYS):
        errors.append(
            _("Un permiso abarca como máximo %(days)s días; pida otro para el resto.")
            % {"days": PERMISSION_MAX_DAYS}
        )
    if date_from.year != enrollment.school_year_id or date_to.year != enrollment.school_year_id:
        errors.append(
            _("Las fechas deben estar dentro del año lectivo %(year)s.")
            % {"year": enrollment.school_year_id}
        )
    fields: dict[str, Any] = {}
    if document:
        checked = check_upload(document, limits=DOCUMENT_LIMITS)
        if checked.content_type not in DOCUMENT_TYPES:
            errors.append(_("Adjunte el documento en PDF, PNG o JPEG."))
        document.seek(0)
        fields = {
            "document": document,
            "document_name": checked.name,
            "document_type": checked.content_type,
            "document_sha256": checked.sha256,
        }
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    permission = PermissionRequest.objects.create(
        **fields,
        student=child.student,
        enrollment=enrollment,
        school=enrollment.school,
        section=enrollment.section,
        guardian=actor,
        date_from=date_from,
        date_to=date_to,
        reason=reason,
        due_at=answer_due(now),
    )
    audit_record(
        action="family.permission_requested",
        obj=permission,
        actor=actor,
        role=Role.GUARDIAN,
        request=request,
        payload={
            "student": child.student.pk,
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
        },
        new_chain=True,
    )
    _tell_school(
        permission,
        template="family_permission_requested",
        context={
            "student_name": child.student.person.full_name,
            "dates": permission.dates_label,
            "reason": reason,
        },
        link=permission.work_item_url,
    )
    return permission


def _justify_attendance(permission: PermissionRequest, actor: Any, request: Any) -> int:
    """Mark the child justified, with the permission's reason, on every day of the range whose
    attendance is already recorded with the child absent or present; days recorded later start
    justified on the attendance page (``selectors.approved_permissions_on``). Through the
    academics service (audited). Returns how many days changed."""
    section = permission.section
    days = list(
        AttendanceRecord.objects.filter(
            enrollment_id=permission.enrollment_id,
            date__gte=permission.date_from,
            date__lte=permission.date_to,
            day__section_id=section.pk,
        )
        # A day already justified keeps the reason the school wrote.
        .exclude(presence=AttendanceStatus.JUSTIFIED)
        .order_by("date")
        .values_list("day_id", "date")
    )
    changed = 0
    for day_id, day in days:
        if not is_class_day(section, day):
            continue
        # The day's sheet is locked before it is read (the correction below locks it again):
        # a teacher's correction committed between the read and the write would be undone.
        AttendanceDay.objects.select_for_update().filter(pk=day_id).values_list("pk").get()
        marks = {
            enrollment_id: Mark(presence, reason)
            for enrollment_id, presence, reason in AttendanceRecord.objects.filter(
                day_id=day_id, date=day
            )
            .exclude(presence=AttendanceStatus.PRESENT)
            .values_list("enrollment_id", "presence", "reason")
        }
        marks[permission.enrollment_id] = Mark(AttendanceStatus.JUSTIFIED, permission.reason)
        attendance_record(actor=actor, section=section, day=day, marks=marks, request=request)
        changed += 1
    return changed


def permission_decide(
    *,
    actor: Any,
    permission: PermissionRequest,
    approve: bool,
    comment: str = "",
    request: Any = None,
) -> PermissionRequest:
    """The school approves or rejects a request (409 once decided or cancelled). Approval marks
    the child's recorded attendance of those days justified, in the same transaction."""
    role = selectors.staff_role(actor, permission)
    if role is None:
        raise PermissionDenied
    comment = _text(comment, limit=COMMENT_MAX, label=_("el comentario"), required=not approve)

    def justify(obj: PermissionRequest) -> None:
        # ``obj`` is the locked row; its new value reaches ``permission`` when transition syncs.
        if approve:
            count = _justify_attendance(obj, actor, request)
            if count:
                PermissionRequest.objects.filter(pk=obj.pk).update(days_justified=count)
                obj.days_justified = count

    def tell(obj: PermissionRequest) -> None:
        _tell_family(
            obj,
            template="family_permission_decided",
            context={
                "student_name": permission.student.person.full_name,
                "dates": obj.dates_label,
                "approved": approve,
                "comment": comment,
                "school_name": permission.school.name,
            },
            link=obj.work_item_url,
        )

    return transition(
        actor=actor,
        obj=permission,
        name="approve" if approve else "reject",
        request=request,
        role=role,
        now=timezone.now(),
        comment=comment,
        in_transaction=[justify, tell],
    )


def permission_cancel(
    *, actor: Any, permission: PermissionRequest, request: Any = None
) -> PermissionRequest:
    """The guardian who asked withdraws a request not decided yet (409 afterwards)."""
    return transition(
        actor=actor,
        obj=permission,
        name="cancel",
        request=request,
        role=Role.GUARDIAN,
        now=timezone.now(),
    )
