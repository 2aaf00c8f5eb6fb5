"""The Bandeja source "attendance not taken today" (core/work): one item per section whose
attendance of today, a class day of its calendar, is not recorded yet. A teacher gets their
sections, a director every section of their school; the item links to the attendance page and
disappears once the attendance is saved. Two queries: the items and their count.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.accounts.choices import Role
from core.work import (
    QueueCount,
    SourceResult,
    WorkFilters,
    WorkItem,
    WorkItemSource,
    due_state,
)

from .selectors import section_list_attendance_pending

QUEUE_KEY = "asistencia-del-dia"


class AttendancePendingSource(WorkItemSource):
    key = "asistencia"
    label = gettext_lazy("Asistencia")
    position = 40
    roles = (Role.TEACHER, Role.DIRECTOR)

    def collect(
        self, *, actor: Any, filters: WorkFilters, limit: int, now: datetime
    ) -> SourceResult:
        # Nothing here is overdue before the day ends, and these items carry no priority.
        if filters.kind not in ("", self.key) or filters.priority or filters.overdue_only:
            return SourceResult([], [], [])
        today = timezone.localdate(now)
        sections = section_list_attendance_pending(actor, day=today)
        if filters.text:
            sections = sections.filter(
                Q(grade__name__icontains=filters.text)
                | Q(name__iexact=filters.text)
                | Q(school__name__icontains=filters.text)
                | Q(school__code__iexact=filters.text)
            )
        total = sections.count()
        label = _("Asistencia del día")
        counts = [QueueCount(QUEUE_KEY, label, total, 0)] if total else []
        if not total or filters.queue not in ("", QUEUE_KEY):
            return SourceResult([], [], counts)
        # Due at the end of the class day, local time.
        due_at = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
        items = [
            WorkItem(
                kind=self.key,
                id=str(section.pk),
                title=_("Tomar la asistencia de %(grade)s «%(section)s»")
                % {"grade": section.grade.name, "section": section.name},
                subtitle=f"{section.school.name} · {section.get_shift_display()}",
                queue_key=QUEUE_KEY,
                queue_label=label,
                due_at=due_at,
                status_label=_("Pendiente hoy"),
                url=f"{reverse('academics:attendance', args=[section.pk])}?fecha={today}",
                assigned_to_me=True,
                claimable=False,
                source=str(self.label),
                due_state=due_state(due_at, now),
            )
            for section in sections[:limit]
        ]
        return SourceResult(items, [], counts)
