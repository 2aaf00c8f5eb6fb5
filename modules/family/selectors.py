"""Every scoped read of family messages and absence permissions.

Two sides reach them:

- the guardian who raised them, while the child is still theirs (the guardian grant over the
  child, through ``modules.students.selectors.student_scope``);
- the school that answers: its director (a director grant covering the school) and the homeroom
  teacher of the section (a teacher grant covering the section, held by the section's
  ``homeroom_teacher``). Anyone else — another section's teacher, another school's director,
  another family — finds nothing: 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from core.accounts.choices import Role
from core.accounts.scopes import ScopePaths, any_of, covers, grants_with_roles, scope_q
from modules.academics.family import FAMILY_ROLES
from modules.students.selectors import student_scope

from .choices import ConversationStatus, PermissionStatus
from .models import Conversation, Message, PermissionRequest

SCHOOL_PATHS = ScopePaths(school="school_id")
SECTION_PATHS = ScopePaths(school="school_id", section="section_id")


def staff_q(actor: Any) -> Q | None:
    """What ``actor`` answers for the school, as a filter; None when nothing (no query once the
    actor's grants are loaded)."""
    teachers = scope_q(actor, [Role.TEACHER], SECTION_PATHS)
    homeroom = (
        teachers & Q(section__homeroom_teacher_id=actor.person_id)
        if teachers is not None and getattr(actor, "person_id", None)
        else None
    )
    return any_of([scope_q(actor, [Role.DIRECTOR], SCHOOL_PATHS), homeroom])


def staff_role(actor: Any, obj: Any) -> str | None:
    """The role under which ``actor`` answers ``obj`` (read with its section), or None."""
    for grant in grants_with_roles(actor, [Role.DIRECTOR]):
        if covers(grant, school_id=obj.school_id):
            return grant.role
    if obj.section.homeroom_teacher_id and obj.section.homeroom_teacher_id == actor.person_id:
        for grant in grants_with_roles(actor, [Role.TEACHER]):
            if covers(grant, school_id=obj.school_id, section_id=obj.section_id):
                return grant.role
    return None


def _staff_filter(actor: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    condition = staff_q(actor)
    return queryset.none() if condition is None else queryset.filter(condition)


def _family_filter(actor: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    # The guardian who raised it, while the child is still theirs (one subquery).
    if not getattr(actor, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(
        guardian=actor, student__in=student_scope(actor, roles=FAMILY_ROLES).values("pk")
    )


# --- Conversations ----------------------------------------------------------------------------


def _conversations() -> QuerySet[Conversation]:
    return Conversation.objects.select_related(
        "student__person", "school", "section__grade", "guardian__person"
    )


def conversation_list_for_child(actor: Any, student_id: int) -> list[Conversation]:
    """The guardian's conversations about one of their children, newest first: one query."""
    return list(_family_filter(actor, _conversations()).filter(student_id=student_id))


def conversation_list_family(actor: Any) -> QuerySet[Conversation]:
    """Every conversation the guardian raised, about children still theirs."""
    return _family_filter(actor, _conversations())


def conversation_get_family(actor: Any, pk: int) -> Conversation:
    found = _family_filter(actor, _conversations()).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def conversation_get_staff(actor: Any, pk: int) -> Conversation:
    found = _staff_filter(actor, _conversations()).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def conversation_get(actor: Any, pk: int) -> tuple[Conversation, bool]:
    """The conversation from either side, and whether ``actor`` reads it as its family."""
    found = _family_filter(actor, _conversations()).filter(pk=pk).first()
    if found is not None:
        return found, True
    return conversation_get_staff(actor, pk), False


def conversation_list_staff(actor: Any) -> QuerySet[Conversation]:
    return _staff_filter(actor, _conversations())


def conversations_waiting_for(*, actor: Any) -> QuerySet[Conversation]:
    """Open conversations whose last word is the family's: the school's Bandeja items."""
    return conversation_list_staff(actor).filter(
        status=ConversationStatus.OPEN, due_at__isnull=False
    )


def message_list(conversation: Conversation) -> list[Message]:
    """The conversation's messages, oldest first, with their authors: one query."""
    return list(conversation.messages.select_related("author__person").order_by("created_at", "pk"))


# --- Absence permissions ----------------------------------------------------------------------


def _permissions() -> QuerySet[PermissionRequest]:
    return PermissionRequest.objects.select_related(
        "student__person", "school", "section__grade", "guardian__person", "decided_by__person"
    )


def permission_list_for_child(actor: Any, student_id: int) -> list[PermissionRequest]:
    """The guardian's permission requests for one of their children, newest first: one query."""
    return list(_family_filter(actor, _permissions()).filter(student_id=student_id))


def permission_list_family(actor: Any) -> QuerySet[PermissionRequest]:
    return _family_filter(actor, _permissions())


def permission_get_family(actor: Any, pk: int) -> PermissionRequest:
    found = _family_filter(actor, _permissions()).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def permission_get_staff(actor: Any, pk: int) -> PermissionRequest:
    found = _staff_filter(actor, _permissions()).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def permission_list_staff(actor: Any) -> QuerySet[PermissionRequest]:
    return _staff_filter(actor, _permissions())


def permissions_waiting_for(*, actor: Any) -> QuerySet[PermissionRequest]:
    """Requests still to decide: the school's Bandeja items."""
    return permission_list_staff(actor).filter(status=PermissionStatus.REQUESTED)


def approved_permissions_on(section: Any, day: Any) -> dict[int, str]:
    """Enrollment id → reason of the approved permissions of ``section``'s students covering
    ``day``: what the attendance sheet of a day not yet recorded starts from (one query)."""
    rows = PermissionRequest.objects.filter(
        section=section,
        status=PermissionStatus.APPROVED,
        date_from__lte=day,
        date_to__gte=day,
    ).values_list("enrollment_id", "reason")
    return dict(rows)


# --- Either side (the API's lists) ------------------------------------------------------------


def _either_side(actor: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    family_side = Q(
        guardian=actor, student__in=student_scope(actor, roles=FAMILY_ROLES).values("pk")
    )
    school_side = staff_q(actor)
    return queryset.filter(family_side if school_side is None else family_side | school_side)


def conversation_list_any(actor: Any) -> QuerySet[Conversation]:
    """Every conversation ``actor`` reaches, as a family or for the school."""
    return _either_side(actor, _conversations())


def permission_list_any(actor: Any) -> QuerySet[PermissionRequest]:
    return _either_side(actor, _permissions())


def permission_get(actor: Any, pk: int) -> PermissionRequest:
    found = _either_side(actor, _permissions()).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
