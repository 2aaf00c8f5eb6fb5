"""The Bandeja source "attendance not taken today": an item per section of the actor whose
attendance of a class day is missing; gone once taken; nothing on a day without classes;
scoped (a teacher their sections, a director their school's); two queries at any size."""

from datetime import date, datetime, time
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from core.accounts.choices import Role
from core.accounts.scopes import active_grants
from core.work import WorkFilters, work_queue
from modules.academics.services import attendance_record
from modules.academics.work import AttendancePendingSource
from modules.schools.models import Calendar, CalendarEvent
from tests.factories import create_user

from .conftest import CLASS_DAY, enroll, make_section

pytestmark = pytest.mark.django_db

SATURDAY = date(2026, 3, 7)
LABOUR_DAY = date(2026, 5, 1)  # a public holiday of El Salvador, a Friday in 2026


def _at(day):
    return timezone.make_aware(datetime.combine(day, time(9, 30)))


def _pending(actor, day=CLASS_DAY):
    return [
        item
        for item in work_queue(actor=actor, now=_at(day)).assigned.items
        if item.kind == "asistencia"
    ]


def test_a_teacher_gets_an_item_for_their_section_linking_to_the_attendance_page(section, teacher):
    enroll(section, 2)

    (item,) = _pending(teacher)

    assert item.id == str(section.pk)
    assert item.url == f"{reverse('academics:attendance', args=[section.pk])}?fecha=2026-03-02"
    assert item.title == "Tomar la asistencia de 1.º grado «A»"
    assert item.assigned_to_me
    assert not item.claimable


def test_the_item_disappears_once_the_attendance_is_taken(section, teacher):
    enroll(section, 2)
    assert len(_pending(teacher)) == 1

    attendance_record(actor=teacher, section=section, day=CLASS_DAY, marks={})

    assert _pending(teacher) == []


@pytest.mark.parametrize("day", [SATURDAY, LABOUR_DAY], ids=["weekend", "holiday"])
def test_nothing_on_a_day_without_classes(section, teacher, day):
    enroll(section, 2)

    assert _pending(teacher, day) == []


def test_nothing_on_a_day_a_calendar_event_suspends_classes(section, teacher):
    enroll(section, 2)
    national = Calendar.objects.get(school_year_id=2026, school__isnull=True)
    CalendarEvent.objects.create(
        calendar=national, name="Jornada", start_date=CLASS_DAY, end_date=CLASS_DAY
    )

    assert _pending(teacher) == []


def test_nothing_outside_the_class_period_of_the_schools_own_calendar(section, teacher):
    enroll(section, 2)
    Calendar.objects.create(
        school_year_id=2026,
        school=section.school,
        start_date=date(2026, 3, 9),
        end_date=date(2026, 11, 6),
    )

    assert _pending(teacher) == []
    assert len(_pending(teacher, date(2026, 3, 9))) == 1


def test_a_section_without_students_has_nothing_to_take(section, teacher):
    assert _pending(teacher) == []


def test_scoped_teacher_sees_their_section_director_the_schools(section, teacher, director):
    enroll(section, 1)
    sibling = make_section(school=section.school, name="B")
    enroll(sibling, 1)
    elsewhere = make_section()
    enroll(elsewhere, 1)
    other_teacher = create_user(role=Role.TEACHER, scope_kind="section", target=elsewhere)

    assert [item.id for item in _pending(teacher)] == [str(section.pk)]
    assert sorted(item.id for item in _pending(director)) == sorted(
        [str(section.pk), str(sibling.pk)]
    )
    assert [item.id for item in _pending(other_teacher)] == [str(elsewhere.pk)]


def test_the_bandeja_filters_by_kind_and_queue(section, teacher):
    enroll(section, 1)

    queue = work_queue(actor=teacher, now=_at(CLASS_DAY), filters=WorkFilters(kind="ticket"))
    chips = work_queue(actor=teacher, now=_at(CLASS_DAY)).queues

    assert queue.assigned.items == []
    assert [(chip.key, chip.assigned) for chip in chips] == [("asistencia-del-dia", 1)]


@pytest.mark.parametrize("sections", [1, 4])
def test_the_source_reads_two_queries_whatever_the_number_of_sections(
    section, director, sections, django_assert_num_queries
):
    enroll(section, 1)
    for letter in "BCDE"[:sections]:
        enroll(make_section(school=section.school, name=letter), 1)
    active_grants(director)  # loaded once per request by the shell

    # the count, then the items with their school and grade
    with django_assert_num_queries(2):
        result = AttendancePendingSource().collect(
            actor=director, filters=WorkFilters(), limit=50, now=_at(CLASS_DAY)
        )

    assert len(result.assigned) == sections + 1  # with the fixture's own section


@pytest.mark.parametrize(
    ("day", "badge"),
    [(CLASS_DAY, "Asistencia de hoy pendiente"), (SATURDAY, "Hoy no hay clases")],
    ids=["class-day", "weekend"],
)
def test_my_sections_tells_a_pending_attendance_from_a_day_without_classes(
    client, section, teacher, day, badge
):
    enroll(section, 1)
    client.force_login(teacher)

    # "Today" for the page only (the grants stay in force as of the real date).
    today = mock.Mock(localdate=mock.Mock(return_value=day))
    with (
        mock.patch("modules.academics.views.timezone", today),
        mock.patch("modules.academics.selectors.timezone", today),
    ):
        page = client.get(reverse("academics:my_sections")).content.decode()

    assert badge in page
    (other,) = {"Asistencia de hoy pendiente", "Hoy no hay clases"} - {badge}
    assert other not in page
