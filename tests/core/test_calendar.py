"""Business time (core/calendar.py): working hours 7:30-16:30, Monday to Friday, SV holidays."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calendar import (
    add_business_time,
    business_day_length,
    business_days_after,
    business_time_between,
    is_business_day,
    is_business_time,
    next_business_moment,
)

SV = ZoneInfo("America/El_Salvador")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SV)


# --- is_business_time / is_business_day ---------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(2026, 3, 2, 7, 30), True),  # Monday, opening minute counts
        (local(2026, 3, 2, 7, 29, 59), False),
        (local(2026, 3, 2, 16, 29, 59), True),
        (local(2026, 3, 2, 16, 30), False),  # closing time is already outside
        (local(2026, 3, 7, 10, 0), False),  # Saturday
        (local(2026, 3, 8, 10, 0), False),  # Sunday
        (local(2026, 9, 15, 10, 0), False),  # Independence Day (Tuesday)
        (local(2026, 8, 6, 10, 0), False),  # Fiestas agostinas (Thursday)
        (local(2026, 4, 2, 10, 0), False),  # Maundy Thursday
    ],
)
def test_is_business_time(moment, expected):
    assert is_business_time(moment) is expected


def test_is_business_time_compares_on_the_salvadoran_clock_whatever_the_input_zone():
    # 13:30 UTC is 07:30 in El Salvador (UTC-6): open. 13:29 UTC is 07:29: closed.
    assert is_business_time(datetime(2026, 3, 2, 13, 30, tzinfo=UTC)) is True
    assert is_business_time(datetime(2026, 3, 2, 13, 29, tzinfo=UTC)) is False
    # 22:30 UTC on Monday is 16:30 in San Salvador: closed, although it is "Monday" in both.
    assert is_business_time(datetime(2026, 3, 2, 22, 29, tzinfo=UTC)) is True
    assert is_business_time(datetime(2026, 3, 2, 22, 30, tzinfo=UTC)) is False


def test_is_business_time_rejects_naive_datetimes():
    with pytest.raises(ValueError, match="timezone-aware"):
        is_business_time(datetime(2026, 3, 2, 10, 0))  # noqa: DTZ001 - the point of the test


def test_is_business_day_knows_weekends_and_salvadoran_holidays():
    assert is_business_day(date(2026, 9, 14)) is True
    assert is_business_day(date(2026, 9, 15)) is False
    assert is_business_day(date(2026, 9, 19)) is False  # Saturday
    assert is_business_day(date(2026, 12, 25)) is False
    assert is_business_day(date(2026, 5, 1)) is False


def test_the_time_zone_has_no_daylight_saving_time():
    # America/El_Salvador is UTC-6 all year: a January and a July moment have the same offset.
    assert local(2026, 1, 15, 9, 0).utcoffset() == timedelta(hours=-6)
    assert local(2026, 7, 15, 9, 0).utcoffset() == timedelta(hours=-6)
    # So nine business hours always span exactly one working day.
    assert add_business_time(local(2026, 7, 15, 7, 30), timedelta(hours=9)) == local(
        2026, 7, 15, 16, 30
    )


# --- add_business_time ------------------------------------------------------------------------


def test_add_within_the_same_day():
    assert add_business_time(local(2026, 3, 2, 9, 0), timedelta(hours=2)) == local(
        2026, 3, 2, 11, 0
    )


def test_add_ending_exactly_at_closing_time_returns_the_closing_time():
    assert add_business_time(local(2026, 3, 2, 14, 30), timedelta(hours=2)) == local(
        2026, 3, 2, 16, 30
    )


def test_add_across_a_weekend():
    # Friday 15:00 + 3 h: 1.5 h on Friday, 1.5 h on Monday from 7:30.
    assert add_business_time(local(2026, 3, 6, 15, 0), timedelta(hours=3)) == local(
        2026, 3, 9, 9, 0
    )


def test_add_across_a_holiday():
    # Monday 14 Sep 2026 at 16:00 + 1 h: Tuesday 15 Sep is Independence Day, so Wednesday 8:00.
    assert add_business_time(local(2026, 9, 14, 16, 0), timedelta(hours=1)) == local(
        2026, 9, 16, 8, 0
    )


def test_add_across_the_august_holiday_and_a_weekend():
    # Wednesday 5 Aug 16:00 + 1 h: Thursday 6 Aug (holiday), Friday 7 Aug 8:00.
    assert add_business_time(local(2026, 8, 5, 16, 0), timedelta(hours=1)) == local(
        2026, 8, 7, 8, 0
    )
    # Wednesday 5 Aug 16:00 + 10 h: 0.5 h Wed, 9 h Fri, 0.5 h on Monday 10 Aug → 8:00.
    assert add_business_time(local(2026, 8, 5, 16, 0), timedelta(hours=10)) == local(
        2026, 8, 10, 8, 0
    )


def test_add_starting_before_opening_counts_from_opening():
    assert add_business_time(local(2026, 3, 2, 5, 0), timedelta(minutes=30)) == local(
        2026, 3, 2, 8, 0
    )


def test_add_starting_after_closing_counts_from_next_opening():
    assert add_business_time(local(2026, 3, 2, 19, 45), timedelta(hours=1)) == local(
        2026, 3, 3, 8, 30
    )


def test_add_starting_on_a_saturday_counts_from_monday():
    assert add_business_time(local(2026, 3, 7, 11, 0), timedelta(hours=9)) == local(
        2026, 3, 9, 16, 30
    )


def test_add_keeps_the_input_time_zone():
    start = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 09:00 local
    result = add_business_time(start, timedelta(hours=1))
    assert result == datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    assert result.tzinfo is UTC


def test_add_zero_returns_start_even_outside_hours():
    start = local(2026, 3, 7, 23, 0)
    assert add_business_time(start, timedelta(0)) == start


def test_add_rejects_negative_deltas():
    with pytest.raises(ValueError, match="negative"):
        add_business_time(local(2026, 3, 2, 9, 0), timedelta(minutes=-1))


def test_add_many_days_spans_the_christmas_holiday():
    # Thursday 24 Dec 2026 7:30 + 2 working days (18 h): 24 Dec, (25 Dec holiday, weekend), 28 Dec.
    assert add_business_time(local(2026, 12, 24, 7, 30), timedelta(hours=18)) == local(
        2026, 12, 28, 16, 30
    )


# --- business_time_between --------------------------------------------------------------------


def test_between_across_a_weekend():
    assert business_time_between(local(2026, 3, 6, 15, 0), local(2026, 3, 9, 9, 0)) == timedelta(
        hours=3
    )


def test_between_across_a_holiday_week():
    # Monday 14 Sep 7:30 → Friday 18 Sep 16:30: 4 working days (Tuesday is a holiday).
    assert business_time_between(
        local(2026, 9, 14, 7, 30), local(2026, 9, 18, 16, 30)
    ) == timedelta(hours=36)


def test_between_outside_hours_is_zero():
    assert business_time_between(local(2026, 3, 2, 17, 0), local(2026, 3, 3, 7, 0)) == timedelta(0)
    assert business_time_between(local(2026, 3, 7, 8, 0), local(2026, 3, 8, 18, 0)) == timedelta(0)


def test_between_is_antisymmetric():
    a, b = local(2026, 3, 2, 9, 0), local(2026, 3, 3, 9, 0)
    assert business_time_between(b, a) == -business_time_between(a, b) == -timedelta(hours=9)


# --- configuration ----------------------------------------------------------------------------


def test_lunch_break_windows_from_settings(settings):
    settings.SIGES_BUSINESS_HOURS = [("08:00", "12:00"), ("13:00", "17:00")]
    assert is_business_time(local(2026, 3, 2, 12, 30)) is False
    assert add_business_time(local(2026, 3, 2, 11, 0), timedelta(hours=2)) == local(
        2026, 3, 2, 14, 0
    )
    assert business_day_length() == timedelta(hours=8)


def test_extra_holidays_and_working_days_from_settings(settings):
    settings.SIGES_EXTRA_HOLIDAYS = ["2026-03-03"]
    settings.SIGES_EXTRA_WORKING_DAYS = ["2026-03-07"]  # a Saturday worked
    assert is_business_day(date(2026, 3, 3)) is False
    assert is_business_day(date(2026, 3, 7)) is True
    assert add_business_time(local(2026, 3, 2, 16, 0), timedelta(hours=1)) == local(
        2026, 3, 4, 8, 0
    )


def test_working_days_and_holiday_country_from_settings(settings):
    settings.SIGES_BUSINESS_DAYS = [0, 1, 2, 3, 4, 5]
    settings.SIGES_HOLIDAY_COUNTRY = ""
    assert is_business_day(date(2026, 3, 7)) is True  # Saturday now worked
    assert is_business_day(date(2026, 9, 15)) is True  # no holiday calendar


def test_invalid_business_hours_are_refused(settings):
    settings.SIGES_BUSINESS_HOURS = [("16:30", "07:30")]
    with pytest.raises(ValueError, match="closes before it opens"):
        is_business_time(local(2026, 3, 2, 9, 0))


def test_a_calendar_without_working_days_fails_instead_of_looping(settings):
    settings.SIGES_BUSINESS_DAYS = []
    with pytest.raises(ValueError, match="no working day"):
        add_business_time(local(2026, 3, 2, 9, 0), timedelta(hours=1))


def test_a_zone_with_daylight_saving_time_counts_real_elapsed_time(settings):
    # 8 March 2026: clocks in New York jump from 2:00 to 3:00. With a window covering the jump,
    # the lost hour is not business time.
    settings.SIGES_BUSINESS_TIME_ZONE = "America/New_York"
    settings.SIGES_BUSINESS_HOURS = [("00:00", "06:00")]
    settings.SIGES_BUSINESS_DAYS = [6]
    settings.SIGES_HOLIDAY_COUNTRY = ""
    ny = ZoneInfo("America/New_York")
    start = datetime(2026, 3, 8, 0, 0, tzinfo=ny)
    end = datetime(2026, 3, 8, 6, 0, tzinfo=ny)
    assert business_time_between(start, end) == timedelta(hours=5)


# --- helpers ----------------------------------------------------------------------------------


def test_next_business_moment():
    assert next_business_moment(local(2026, 3, 6, 18, 0)) == local(2026, 3, 9, 7, 30)
    assert next_business_moment(local(2026, 3, 6, 10, 0)) == local(2026, 3, 6, 10, 0)


def test_business_days_after_skips_weekends_and_holidays():
    assert business_days_after(date(2026, 9, 11), 2) == date(2026, 9, 16)


# --- property ---------------------------------------------------------------------------------

_starts = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001 - hypothesis attaches the zone below
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(SV),
)
_deltas = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40))


@settings(max_examples=300, deadline=None)
@given(start=_starts, delta=_deltas)
def test_between_undoes_add(start, delta):
    end = add_business_time(start, delta)
    assert end >= start
    assert business_time_between(start, end) == delta


@settings(max_examples=200, deadline=None)
@given(start=_starts, first=_deltas, second=_deltas)
def test_add_is_additive(start, first, second):
    assert add_business_time(add_business_time(start, first), second) == add_business_time(
        start, first + second
    )
