"""Class days: the regimen's days inside the calendar, minus public holidays (``holidays``, SV)
and events that suspend classes, national or the school's own."""

from datetime import date

import pytest

from modules.schools.calendars import class_days, is_class_day
from modules.schools.models import Calendar, CalendarEvent
from modules.schools.services import section_create
from tests.national_data import ensure_national_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(make_school):
    ensure_national_data()
    return section_create(
        school=make_school(), school_year=2026, grade="G4", name="A", shift="matutino"
    )


def test_an_ordinary_weekday_inside_the_year_is_a_class_day(section):
    assert is_class_day(section, date(2026, 3, 10)) is True  # a Tuesday


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2026, 5, 1), "Labour Day, a public holiday (Friday)"),
        (date(2026, 9, 15), "Independence Day (Tuesday)"),
        (date(2026, 3, 14), "a Saturday"),
        (date(2026, 1, 30), "before classes start on 2 February"),
        (date(2026, 11, 16), "after classes end on 13 November"),
        (date(2026, 3, 31), "Holy Week vacation, a national calendar event"),
    ],
)
def test_days_that_are_not_class_days(section, day, why):
    assert is_class_day(section, day) is False, why


def test_a_school_event_without_classes_closes_only_that_school(section, make_school):
    other = section_create(
        school=make_school(), school_year=2026, grade="G4", name="A", shift="matutino"
    )
    own = Calendar.objects.create(
        school_year_id=2026,
        school=section.school,
        start_date=date(2026, 2, 2),
        end_date=date(2026, 11, 13),
    )
    CalendarEvent.objects.create(
        calendar=own,
        name="Jornada de salud",
        start_date=date(2026, 3, 10),
        end_date=date(2026, 3, 10),
    )

    assert is_class_day(section, date(2026, 3, 10)) is False
    assert is_class_day(other, date(2026, 3, 10)) is True


def test_a_school_calendar_override_moves_the_dates(section):
    Calendar.objects.create(
        school_year_id=2026,
        school=section.school,
        start_date=date(2026, 8, 3),
        end_date=date(2027, 6, 25),
    )

    assert is_class_day(section, date(2026, 3, 10)) is False
    assert is_class_day(section, date(2026, 8, 11)) is True


def test_weekend_regimen_sections_have_classes_on_saturdays(make_school):
    ensure_national_data()
    weekend = section_create(
        school=make_school(),
        school_year=2026,
        grade="G7",
        name="F",
        shift="matutino",
        regimen="weekend",
    )

    assert is_class_day(weekend, date(2026, 3, 14)) is True
    assert is_class_day(weekend, date(2026, 3, 10)) is False


def test_is_class_day_costs_one_query_whatever_the_number_of_events(
    section, django_assert_num_queries
):
    # One query reads the candidate calendars with a flag for a suspending event that day.
    with django_assert_num_queries(1):
        is_class_day(section, date(2026, 3, 10))
    national = Calendar.objects.get(school__isnull=True, school_year_id=2026)
    CalendarEvent.objects.bulk_create(
        CalendarEvent(
            calendar=national,
            name=f"Evento {n}",
            start_date=date(2026, 10, n),
            end_date=date(2026, 10, n),
        )
        for n in range(1, 29)
    )
    with django_assert_num_queries(1):
        is_class_day(section, date(2026, 3, 10))


def test_the_2026_national_calendar_has_about_190_class_days(section):
    days = class_days(section)

    assert days[0] == date(2026, 2, 2)
    assert days[-1] == date(2026, 11, 13)
    assert date(2026, 5, 1) not in days
    # 205 weekdays, minus 7 public holidays on weekdays (Holy Thursday and Friday, 1 May,
    # 17 June, 6 August, 15 September, 2 November), minus 8 more weekdays of national calendar
    # events (Holy Week 30 Mar-1 Apr, 3-7 August but the 6th, Teachers' Day 22 June).
    assert len(days) == 190
