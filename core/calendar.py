"""Business time: the ministry's working hours, working days and public holidays.

SLA targets and workflow timers are counted in business time, not wall-clock time: a ticket opened
on Friday at 16:00 with a two-hour target is due on Monday at 9:00. Everything is configurable
in settings (defaults below); values are read at call time so tests can override them.

Settings:

``SIGES_BUSINESS_TIME_ZONE``  the zone whose wall clock defines the working hours.
``SIGES_BUSINESS_HOURS``      working windows of a day, ``[("07:30", "16:30")]``; several
                              windows model a lunch break:
                              ``[("07:30", "12:00"), ("13:00", "16:30")]``.
``SIGES_BUSINESS_DAYS``       working weekdays, Monday = 0.
``SIGES_HOLIDAY_COUNTRY``     country code for the ``holidays`` package (``"SV"``), or ``""``.
``SIGES_HOLIDAY_SUBDIVISION`` optional subdivision code for regional holidays.
``SIGES_EXTRA_HOLIDAYS``      extra days off (ISO dates), e.g. decreed national mourning.
``SIGES_EXTRA_WORKING_DAYS``  dates worked although the rules above say otherwise.

All functions take and return timezone-aware datetimes; results keep the input's time zone.
Arithmetic is done in UTC, so a configured zone with daylight saving time also counts correctly.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

DEFAULT_TIME_ZONE = "America/El_Salvador"
DEFAULT_BUSINESS_HOURS: tuple[tuple[str, str], ...] = (("07:30", "16:30"),)
DEFAULT_BUSINESS_DAYS: tuple[int, ...] = (0, 1, 2, 3, 4)
DEFAULT_HOLIDAY_COUNTRY = "SV"

# A guard against misconfiguration (no working day at all) turning a search into an endless loop.
_MAX_DAYS_WITHOUT_WORK = 366


@dataclass(frozen=True)
class BusinessCalendar:
    """A resolved configuration. Build one with ``current_calendar()``."""

    tz: ZoneInfo
    windows: tuple[tuple[time, time], ...]
    weekdays: frozenset[int]
    country: str
    subdivision: str | None
    extra_holidays: frozenset[date]
    extra_working_days: frozenset[date]

    def is_business_day(self, day: date) -> bool:
        if day in self.extra_working_days:
            return True
        if day in self.extra_holidays or day.weekday() not in self.weekdays:
            return False
        return not (self.country and day in _holiday_calendar(self.country, self.subdivision))

    def day_windows(self, day: date) -> list[tuple[datetime, datetime]]:
        """The working windows of ``day`` as UTC datetimes (empty on a day off)."""
        if not self.is_business_day(day):
            return []
        return [
            (
                datetime.combine(day, opens, tzinfo=self.tz).astimezone(UTC),
                datetime.combine(day, closes, tzinfo=self.tz).astimezone(UTC),
            )
            for opens, closes in self.windows
        ]

    def windows_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working windows (UTC) that end after ``moment``, in order, starting on its local day."""
        day = moment.astimezone(self.tz).date()
        idle_days = 0
        while True:
            windows = self.day_windows(day)
            if windows:
                idle_days = 0
                for opens, closes in windows:
                    if closes > moment:
                        yield opens, closes
            else:
                idle_days += 1
                if idle_days > _MAX_DAYS_WITHOUT_WORK:
                    raise ValueError("The business calendar has no working day within a year.")
            day += timedelta(days=1)


def _parse_time(value: str | time) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


def _parse_date(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


@functools.lru_cache(maxsize=8)
def _holiday_calendar(country: str, subdivision: str | None) -> holidays.HolidayBase:
    # ``expand=True`` (the default) fills in each year on first lookup, so one object serves all.
    return holidays.country_holidays(country, subdiv=subdivision)


def _windows(raw: Sequence[Sequence[str | time]]) -> tuple[tuple[time, time], ...]:
    windows = tuple((_parse_time(opens), _parse_time(closes)) for opens, closes in raw)
    if not windows:
        raise ValueError("SIGES_BUSINESS_HOURS needs at least one (opens, closes) window.")
    previous_close: time | None = None
    for opens, closes in windows:
        if opens >= closes:
            raise ValueError(f"Business window {opens}-{closes} closes before it opens.")
        if previous_close is not None and opens < previous_close:
            raise ValueError("SIGES_BUSINESS_HOURS windows must be ordered and not overlap.")
        previous_close = closes
    return windows


def current_calendar() -> BusinessCalendar:
    """The calendar described by the current settings."""
    return BusinessCalendar(
        tz=ZoneInfo(getattr(settings, "SIGES_BUSINESS_TIME_ZONE", DEFAULT_TIME_ZONE)),
        windows=_windows(getattr(settings, "SIGES_BUSINESS_HOURS", DEFAULT_BUSINESS_HOURS)),
        weekdays=frozenset(getattr(settings, "SIGES_BUSINESS_DAYS", DEFAULT_BUSINESS_DAYS)),
        country=getattr(settings, "SIGES_HOLIDAY_COUNTRY", DEFAULT_HOLIDAY_COUNTRY) or "",
        subdivision=getattr(settings, "SIGES_HOLIDAY_SUBDIVISION", None) or None,
        extra_holidays=frozenset(
            _parse_date(d) for d in getattr(settings, "SIGES_EXTRA_HOLIDAYS", ())
        ),
        extra_working_days=frozenset(
            _parse_date(d) for d in getattr(settings, "SIGES_EXTRA_WORKING_DAYS", ())
        ),
    )


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


def is_business_day(day: date) -> bool:
    """Whether ``day`` (a local calendar date) is a working day."""
    return current_calendar().is_business_day(day)


def is_business_time(moment: datetime) -> bool:
    """Whether ``moment`` falls inside working hours (opening time included, closing excluded)."""
    _require_aware(moment, "moment")
    calendar = current_calendar()
    local = moment.astimezone(calendar.tz)
    return any(opens <= moment < closes for opens, closes in calendar.day_windows(local.date()))


def next_business_moment(moment: datetime) -> datetime:
    """``moment`` itself during working hours, otherwise the next opening time."""
    _require_aware(moment, "moment")
    opens, _closes = next(current_calendar().windows_from(moment))
    return max(opens, moment).astimezone(moment.tzinfo)


def add_business_time(start: datetime, delta: timedelta) -> datetime:
    """The moment when ``delta`` of business time has elapsed after ``start``.

    Time outside working hours does not count; a zero ``delta`` returns ``start`` unchanged.
    When the target falls exactly on a closing time, that closing time is returned (not the
    next opening).
    """
    _require_aware(start, "start")
    if delta < timedelta(0):
        raise ValueError("delta must not be negative")
    if delta == timedelta(0):
        return start
    remaining = delta
    moment = start.astimezone(UTC)
    for opens, closes in current_calendar().windows_from(moment):
        begin = max(opens, moment)
        available = closes - begin
        if remaining <= available:
            return (begin + remaining).astimezone(start.tzinfo)
        remaining -= available
    raise AssertionError("unreachable")  # pragma: no cover - windows_from never ends


def business_time_between(start: datetime, end: datetime) -> timedelta:
    """Business time elapsed from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    if end < start:
        return -business_time_between(end, start)
    total = timedelta(0)
    begin_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
    for opens, closes in current_calendar().windows_from(begin_utc):
        if opens >= end_utc:
            break
        total += min(closes, end_utc) - max(opens, begin_utc)
    return total


def business_days_after(day: date, count: int) -> date:
    """The ``count``-th working day after ``day`` (``count`` ≥ 1)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    calendar = current_calendar()
    found = 0
    idle = 0
    while True:
        day += timedelta(days=1)
        if calendar.is_business_day(day):
            found += 1
            idle = 0
            if found == count:
                return day
        else:
            idle += 1
            if idle > _MAX_DAYS_WITHOUT_WORK:
                raise ValueError("The business calendar has no working day within a year.")


def business_day_length() -> timedelta:
    """The amount of business time in one full working day (9 hours by default)."""

    def seconds(moment: time) -> int:
        return moment.hour * 3600 + moment.minute * 60 + moment.second

    return sum(
        (
            timedelta(seconds=seconds(closes) - seconds(opens))
            for opens, closes in current_calendar().windows
        ),
        timedelta(0),
    )


__all__ = [
    "BusinessCalendar",
    "add_business_time",
    "business_day_length",
    "business_days_after",
    "business_time_between",
    "current_calendar",
    "is_business_day",
    "is_business_time",
    "next_business_moment",
]
