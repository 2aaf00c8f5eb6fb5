"""The merged Bandeja: every source's items for one actor, soonest due first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .access import can_use_workqueue
from .items import QueueCount, WorkFilters, WorkItem, clamp_limit, page_size
from .registry import work_kinds, work_sources

if TYPE_CHECKING:
    from core.accounts.models import User


@dataclass(frozen=True)
class Section:
    items: list[WorkItem]
    total: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.total > len(self.items)


@dataclass(frozen=True)
class WorkQueue:
    assigned: Section
    available: Section
    queues: list[QueueCount]
    kinds: list[tuple[str, str]]
    now: datetime


def _due_key(item: WorkItem) -> tuple[bool, datetime]:
    return (item.due_at is None, item.due_at or datetime.max.replace(tzinfo=UTC))


def work_queue(
    *,
    actor: User,
    filters: WorkFilters | None = None,
    limit: int | None = None,
    assigned_limit: int | None = None,
    available_limit: int | None = None,
    now: datetime | None = None,
) -> WorkQueue:
    """The actor's Bandeja: items assigned to them and available to them from every source,
    soonest due first (items without a due time last), each section cut to its limit, with
    counts per queue. Raises ``PermissionDenied`` for anyone without a role that can have
    work; sources whose roles the actor does not hold are not asked."""
    if not can_use_workqueue(actor):
        raise PermissionDenied
    filters = filters or WorkFilters()
    now = now or timezone.now()
    limit = limit or page_size()
    mine_limit = clamp_limit(assigned_limit or limit)
    free_limit = clamp_limit(available_limit or limit)
    fetch = max(mine_limit, free_limit)
    assigned: list[WorkItem] = []
    available: list[WorkItem] = []
    chips: dict[str, QueueCount] = {}
    for source in work_sources():
        if not source.serves(actor):
            continue
        result = source.collect(actor=actor, filters=filters, limit=fetch, now=now)
        assigned.extend(result.assigned)
        available.extend(result.available)
        for count in result.counts:
            chip = chips.setdefault(count.key, QueueCount(count.key, count.label))
            chip.assigned += count.assigned
            chip.available += count.available
    assigned.sort(key=_due_key)
    available.sort(key=_due_key)
    counted = [chip for chip in chips.values() if not filters.queue or chip.key == filters.queue]
    return WorkQueue(
        assigned=Section(assigned[:mine_limit], sum(chip.assigned for chip in counted), mine_limit),
        available=Section(
            available[:free_limit], sum(chip.available for chip in counted), free_limit
        ),
        queues=sorted(chips.values(), key=lambda chip: str(chip.label).casefold()),
        kinds=work_kinds(actor=actor),
        now=now,
    )
