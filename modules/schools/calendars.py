"""Class days of a section's calendar (docs/domain.md §4).

A class day is a day of the section's regimen (Monday to Friday, or Saturday and Sunday for the
weekend regimen) between the start and end of its calendar (the school's own for that year,
else the national one), that is not a public holiday of El Salvador (the ``holidays``
package) and falls in no event that suspends classes, in either calendar.
"""

from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays
from django.db.models import Exists, F, OuterRef, Q, Subquery

from .choices import Regimen
from .models import Calendar, CalendarEvent, Section

_WEEKDAYS = frozenset(range(5))
# The school's own calendar (a school id) before the national one (no school).
_OWN_FIRST = F("school_id").asc(nulls_last=True)
_WEEKEND = frozenset({5, 6})


@lru_cache(maxsize=16)
def public_holidays(year: int) -> frozenset[date]:
    """El Salvador's national public holidays of a calendar year (no query; cached)."""
    return frozenset(holidays.country_holidays("SV", years=year))


def regimen_days(regimen: str) -> frozenset[int]:
    return _WEEKEND if regimen == Regimen.WEEKEND else _WEEKDAYS


def _calendars(section: Section) -> Q:
    return Q(school_year_id=section.school_year_id) & (
        Q(school_id=section.school_id) | Q(school__isnull=True)
    )


def may_have_class(section: Section, day: date) -> bool:
    """Whether ``day`` is a day of the section's regimen and no public holiday (no query): the
    part of ``is_class_day`` that does not depend on the calendars."""
    return day.weekday() in regimen_days(section.regimen) and day not in public_holidays(day.year)


def class_day_annotations(section: Section, day: date) -> dict[str, Any]:
    """The calendar part of ``is_class_day`` as three annotations for any queryset:
    ``calendar_start`` and ``calendar_end`` (the section's own calendar for the year, else the
    national one) and ``classes_suspended`` (an event of either suspends classes on ``day``).

    They depend only on ``section`` and ``day``, not on the rows they annotate, so the database
    evaluates each once per query (PostgreSQL: an InitPlan). ``in_class_period`` reads them.
    """
    calendars = Calendar.objects.filter(_calendars(section))
    own_first = calendars.order_by(_OWN_FIRST)
    return {
        "calendar_start": Subquery(own_first.values("start_date")[:1]),
        "calendar_end": Subquery(own_first.values("end_date")[:1]),
        "classes_suspended": Exists(
            CalendarEvent.objects.filter(
                calendar__in=calendars.values("pk"),
                start_date__lte=day,
                end_date__gte=day,
                suspends_classes=True,
            )
        ),
    }


def in_class_period(day: date, start: date | None, end: date | None, suspended: bool) -> bool:
    """``class_day_annotations`` read back: ``day`` lies in the calendar, unsuspended."""
    return start is not None and end is not None and start <= day <= end and not suspended


def is_class_day(section: Section, day: date) -> bool:
    """Whether ``day`` is a class day for ``section``: one query whatever the calendar size.

    The query reads the section's candidate calendars (school override first) with a flag
    saying whether any of them holds an event that suspends classes on ``day``.
    """
    if not may_have_class(section, day):
        return False
    suspended = CalendarEvent.objects.filter(
        calendar_id=OuterRef("pk"), start_date__lte=day, end_date__gte=day, suspends_classes=True
    )
    rows = list(
        Calendar.objects.filter(_calendars(section))
        .annotate(suspended=Exists(suspended))
        .order_by(_OWN_FIRST)
        .values_list("school_id", "start_date", "end_date", "suspended", named=True)
    )
    if not rows:
        return False
    own = rows[0]
    if not own.start_date <= day <= own.end_date:
        return False
    return not any(row.suspended for row in rows)


def class_days(section: Section, start: date | None = None, end: date | None = None) -> list[date]:
    """The section's class days, in order, optionally limited to ``start``..``end`` (2 queries)."""
    calendars = list(
        Calendar.objects.filter(_calendars(section))
        .order_by(_OWN_FIRST)
        .values_list("pk", "start_date", "end_date", named=True)
    )
    if not calendars:
        return []
    own = calendars[0]
    first = max(own.start_date, start) if start else own.start_date
    last = min(own.end_date, end) if end else own.end_date
    closed: set[date] = set()
    events = CalendarEvent.objects.filter(
        calendar_id__in=[c.pk for c in calendars],
        suspends_classes=True,
        start_date__lte=last,
        end_date__gte=first,
    ).values_list("start_date", "end_date")
    for event_start, event_end in events:
        day = event_start
        while day <= event_end:
            closed.add(day)
            day += timedelta(days=1)
    allowed = regimen_days(section.regimen)
    days = []
    day = first
    while day <= last:
        if day.weekday() in allowed and day not in public_holidays(day.year) and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return days
