"""Leave approved but not yet registered, offered by the process that approves it.

A leave request is approved by the school's director and only later registered by the
departmental HR officer (``services.leave_register`` writes ``Leave``). In between, the teacher
is already entitled to be absent, so the teacher's record and the school's staff view show that
leave too, labelled «aprobada, pendiente de registro» (docs/domain.md §11). The records of those
requests belong to a higher layer (``workflows/hr``), which registers here, from its
``AppConfig.ready()``, a function returning them as a queryset: this module reads it without
importing that layer (docs/architecture.md §8).

The queryset must have the fields ``teacher_id``, ``school_id``, ``start_date``, ``end_date``
and a foreign key ``leave_type`` to ``LeaveType``; it is used as a subquery of the staff view
(no extra query) and read once for a teacher's record.
"""

from collections.abc import Callable

from django.db.models import QuerySet

_SOURCE: dict[str, Callable[[], QuerySet]] = {}


def register_pending_leave_source(source: Callable[[], QuerySet]) -> None:
    """Use ``source()`` as the approved leave awaiting registration (replaces any earlier)."""
    _SOURCE["pending"] = source


def unregister_pending_leave_source() -> None:
    _SOURCE.pop("pending", None)


def pending_leave() -> QuerySet | None:
    """Approved leave awaiting registration, or None when no process offers it."""
    source = _SOURCE.get("pending")
    return source() if source is not None else None
