"""What a Bandeja shows and what its actions answer: items, filters, counts and results.

Plain data, no queries: sources build these, the Bandeja merges them, pages and the API show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

DUE_OVERDUE = "overdue"
DUE_NEAR = "near_due"


def page_size() -> int:
    """Items shown per section before "ver más" (``SIGES_BANDEJA_PAGE_SIZE``, 50)."""
    return int(getattr(settings, "SIGES_BANDEJA_PAGE_SIZE", DEFAULT_LIMIT))


def near_due_window() -> timedelta:
    """Items due within this time get the "por vencer" badge (``SIGES_BANDEJA_NEAR_DUE``)."""
    return getattr(settings, "SIGES_BANDEJA_NEAR_DUE", timedelta(hours=4))


def clamp_limit(value: Any, default: int = DEFAULT_LIMIT) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(1, min(number, MAX_LIMIT))


def due_state(due_at: datetime | None, now: datetime) -> str:
    """``"overdue"``, ``"near_due"`` or ``""`` for a due time seen at ``now``."""
    if due_at is None:
        return ""
    if due_at < now:
        return DUE_OVERDUE
    if due_at - now <= near_due_window():
        return DUE_NEAR
    return ""


@dataclass(frozen=True)
class WorkItem:
    """One thing to do, whatever its origin.

    ``kind`` is the key of the source it comes from and, with ``id``, what a bulk action sends
    back; ``source`` is that kind in words ("Caso", "Tarea"…). ``claimable``: the actor may
    take it now (it is available and the source supports claiming); ``assignable``: a
    supervisor may try to assign it to a technician (the owning service has the last word).
    """

    kind: str
    id: str
    title: str
    subtitle: str
    queue_key: str
    queue_label: str
    due_at: datetime | None
    status_label: str
    url: str
    assigned_to_me: bool
    claimable: bool
    source: str
    priority: str = ""
    priority_label: str = ""
    due_state: str = ""
    assignable: bool = False

    @property
    def selection_value(self) -> str:
        """What a checkbox of the bulk-action form carries: ``<kind>:<id>``."""
        return f"{self.kind}:{self.id}"

    @property
    def overdue(self) -> bool:
        return self.due_state == DUE_OVERDUE

    @property
    def near_due(self) -> bool:
        return self.due_state == DUE_NEAR


@dataclass(frozen=True)
class WorkFilters:
    """What the actor narrowed the Bandeja to. Empty values filter nothing."""

    queue: str = ""
    kind: str = ""
    priority: str = ""
    overdue_only: bool = False
    text: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", " ".join((self.text or "").split())[:100])


@dataclass
class QueueCount:
    """A chip: a queue (or a flow) and how many of its items are assigned to / available to
    the actor under the current filters (the queue filter excepted)."""

    key: str
    label: str
    assigned: int = 0
    available: int = 0

    @property
    def total(self) -> int:
        return self.assigned + self.available


@dataclass(frozen=True)
class SourceResult:
    assigned: list[WorkItem]
    available: list[WorkItem]
    counts: list[QueueCount]


@dataclass(frozen=True)
class ActionResult:
    """What a bulk action did to one item: ``ok`` and a Spanish ``message``; ``code`` is
    ``claimed``/``assigned`` on success, otherwise why not (``already_claimed``, ``not_found``…)."""

    kind: str
    id: str
    ok: bool
    code: str
    message: str


@dataclass(frozen=True)
class ItemRef:
    kind: str
    id: str

    @classmethod
    def parse(cls, value: str) -> ItemRef | None:
        """``"ticket:MA-2026-000001"`` → ItemRef; ``None`` when malformed."""
        kind, sep, item_id = (value or "").partition(":")
        if not sep or not kind or not item_id or len(value) > 120:
            return None
        return cls(kind=kind, id=item_id)


def not_found(ref: ItemRef) -> ActionResult:
    return ActionResult(
        ref.kind, ref.id, False, "not_found", _("No existe o no está en sus colas.")
    )


def not_supported(ref: ItemRef, message: str) -> ActionResult:
    return ActionResult(ref.kind, ref.id, False, "not_supported", message)
