"""``ModelWorkItemSource``: records of a higher layer that expose the work-item interface."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from core.parsers import plain_int

from .items import (
    ActionResult,
    ItemRef,
    QueueCount,
    SourceResult,
    WorkFilters,
    WorkItem,
    due_state,
    not_supported,
)
from .registry import WorkItemSource

if TYPE_CHECKING:
    from core.accounts.models import User


class ModelWorkItemSource(WorkItemSource):
    """Records of a higher layer that expose ``work_item_title``, ``work_item_due_at`` and
    ``work_item_url``, listed through their own scoped selector ``selector(actor=...)``.

    They belong to one queue (``queue_key``: use a help-desk queue's code to share its chip)
    and have no owner: every record is "available" and is worked on its own page (no claim).
    ``roles``: who can have them (default: every role that can have work). Two queries: the
    items and their count.
    """

    def __init__(
        self,
        *,
        key: str,
        label: Any,
        selector: Callable[..., QuerySet[Any]],
        queue_key: str,
        queue_label: Any,
        due_field: str,
        search_fields: Sequence[str] = (),
        claim_message: Any = None,
        roles: Sequence[str] | None = None,
    ) -> None:
        self.key = key
        self.label = label
        self.selector = selector
        self.queue_key = queue_key
        self.queue_label = queue_label
        self.due_field = due_field
        self.search_fields = tuple(search_fields)
        self.claim_message = claim_message
        if roles is not None:
            self.roles = tuple(roles)

    def _queryset(self, actor: User, filters: WorkFilters, now: datetime) -> QuerySet[Any]:
        records = self.selector(actor=actor)
        if filters.text:
            condition = Q()
            for name in self.search_fields:
                condition |= Q(**{f"{name}__icontains": filters.text})
            number = plain_int(filters.text)
            if number is not None:
                condition |= Q(pk=number)
            records = records.filter(condition) if condition else records.none()
        if filters.overdue_only:
            records = records.filter(**{f"{self.due_field}__lt": now})
        return records

    def collect(
        self, *, actor: User, filters: WorkFilters, limit: int, now: datetime
    ) -> SourceResult:
        if filters.kind not in ("", self.key) or filters.priority:
            return SourceResult([], [], [])
        records = self._queryset(actor, filters, now)
        total = records.count()
        counts = [QueueCount(self.queue_key, str(self.queue_label), 0, total)] if total else []
        if not total or filters.queue not in ("", self.queue_key):
            return SourceResult([], [], counts)
        ordered = records.order_by(F(self.due_field).asc(nulls_last=True), "pk")[:limit]
        return SourceResult([], [self._item(record, now) for record in ordered], counts)

    def _item(self, record: Any, now: datetime) -> WorkItem:
        due_at = record.work_item_due_at
        status = getattr(record, "get_status_display", None)
        return WorkItem(
            kind=self.key,
            id=str(record.pk),
            title=str(record.work_item_title),
            subtitle=str(
                getattr(record, "work_item_subtitle", "")
                or _("%(kind)s n.º %(number)s") % {"kind": self.label, "number": record.pk}
            ),
            queue_key=self.queue_key,
            queue_label=str(self.queue_label),
            due_at=due_at,
            status_label=str(status()) if status else "",
            url=str(record.work_item_url),
            assigned_to_me=False,
            claimable=False,
            source=str(self.label),
            due_state=due_state(due_at, now),
        )

    def claim(self, *, actor: User, ref: ItemRef, request: HttpRequest | None) -> ActionResult:
        message = self.claim_message or _("Se resuelve desde su propia página; no se toma.")
        return not_supported(ref, str(message))

    def assign(
        self, *, actor: User, ref: ItemRef, assignee: User, request: HttpRequest | None
    ) -> ActionResult:
        message = self.claim_message or _("Se resuelve desde su propia página; no se asigna.")
        return not_supported(ref, str(message))
