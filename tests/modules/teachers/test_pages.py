"""Who sees a school's staff, a teacher's record and timetables: the school's director, the
department's officers, the teacher themself; everyone else gets 404 and nothing changes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.accounts.choices import Role
from core.audit.models import AuditEvent
from modules.teachers.models import LeaveType, TimetableSlot
from modules.teachers.services import leave_register, timetable_slot_add
from tests.factories import SchoolFactory, create_user

from .conftest import assign, make_section, make_teacher

pytestmark = pytest.mark.django_db


def test_the_director_sees_the_staff_and_the_count_per_level(client, school, section, director):
    # Given two teachers of the school, one teaching first grade, one on leave today
    first = make_teacher(school)
    second = make_teacher(school)
    assign(section, first)
    today = timezone.localdate()
    leave_register(
        teacher=second,
        school=school,
        leave_type=LeaveType.objects.get(code="enfermedad"),
        start_date=today - timedelta(days=1),
        end_date=today + timedelta(days=1),
    )
    client.force_login(director)

    response = client.get(reverse("teachers:school", args=[school.pk]))

    assert response.status_code == 200
    staff = response.context["staff"]
    assert {row.teacher_id: row.on_leave for row in staff.rows} == {
        first.pk: False,
        second.pk: True,
    }
    assert [(row[0], row[1]) for row in staff.per_level] == [(section.grade.level.name, 1)]
    assert staff.on_leave == 1
    assert "Con licencia: Enfermedad" in response.content.decode()


def test_another_schools_director_gets_404(client, school):
    make_teacher(school)
    stranger = create_user(role=Role.DIRECTOR, scope_kind="school", target=SchoolFactory())
    client.force_login(stranger)

    assert client.get(reverse("teachers:school", args=[school.pk])).status_code == 404


def test_the_departmental_officer_sees_their_department_only(client, school, officer):
    teacher = make_teacher(school)
    far = SchoolFactory()
    far_teacher = make_teacher(far)
    client.force_login(officer)

    assert client.get(reverse("teachers:school", args=[school.pk])).status_code == 200
    assert client.get(reverse("teachers:detail", args=[teacher.pk])).status_code == 200
    assert client.get(reverse("teachers:school", args=[far.pk])).status_code == 404
    assert client.get(reverse("teachers:detail", args=[far_teacher.pk])).status_code == 404


def test_a_teacher_sees_their_own_record_and_not_a_colleagues(client, school, section):
    teacher = make_teacher(school)
    colleague = make_teacher(school)
    user = create_user(role=Role.TEACHER, scope_kind="section", target=section)
    # The teacher record belongs to the account's person.
    teacher.person = user.person
    teacher.save(update_fields=["person"])
    client.force_login(user)

    mine = client.get(reverse("teachers:mine"))
    assert mine.status_code == 302
    assert mine["Location"] == reverse("teachers:detail", args=[teacher.pk])
    assert client.get(reverse("teachers:detail", args=[teacher.pk])).status_code == 200
    assert client.get(reverse("teachers:timetable", args=[teacher.pk])).status_code == 200
    assert client.get(reverse("teachers:detail", args=[colleague.pk])).status_code == 404


def test_the_director_adds_a_period_and_a_clash_is_shown(client, school, section, director):
    teacher = make_teacher(school)
    assignment = assign(section, teacher)
    other = make_section(school=school, name="B")
    timetable_slot_add(assignment=assign(other, teacher, 1), weekday=1, period=1)
    client.force_login(director)
    url = reverse("teachers:section_timetable", args=[section.pk])

    added = client.post(url, {"asignacion": assignment.pk, "dia": 2, "hora": 1})
    clash = client.post(url, {"asignacion": assignment.pk, "dia": 1, "hora": 1})

    assert added.status_code == 302
    assert clash.status_code == 409
    assert "un docente no puede estar en dos lugares a la vez" in clash.content.decode()
    assert list(TimetableSlot.objects.filter(section=section).values_list("weekday", "period")) == [
        (2, 1)
    ]


def test_someone_outside_the_school_cannot_change_its_timetable(client, school, section):
    teacher = make_teacher(school)
    assignment = assign(section, teacher)
    stranger = create_user(role=Role.DIRECTOR, scope_kind="school", target=SchoolFactory())
    client.force_login(stranger)
    before = (TimetableSlot.objects.count(), AuditEvent.objects.count())

    url = reverse("teachers:section_timetable", args=[section.pk])
    response = client.post(url, {"asignacion": assignment.pk, "dia": 2, "hora": 1})

    assert response.status_code == 404
    assert (TimetableSlot.objects.count(), AuditEvent.objects.count()) == before


def test_a_teacher_of_the_section_reads_but_cannot_change_it(client, school, section):
    teacher = make_teacher(school)
    assignment = assign(section, teacher)
    user = create_user(role=Role.TEACHER, scope_kind="section", target=section)
    client.force_login(user)
    url = reverse("teachers:section_timetable", args=[section.pk])

    assert client.get(url).status_code == 200
    assert client.post(url, {"asignacion": assignment.pk, "dia": 2, "hora": 1}).status_code == 404
    assert TimetableSlot.objects.count() == 0


def test_the_staff_page_shows_leave_on_the_days_it_covers(client, school, director):
    teacher = make_teacher(school)
    start = timezone.localdate() + timedelta(days=10)
    leave_register(
        teacher=teacher,
        school=school,
        leave_type=LeaveType.objects.get(code="duelo"),
        start_date=start,
        end_date=start + timedelta(days=2),
    )
    client.force_login(director)
    url = reverse("teachers:school", args=[school.pk])

    def on_leave(day: str) -> list[bool]:
        response = client.get(url, {"fecha": day})
        assert response.status_code == 200
        return [row.on_leave for row in response.context["staff"].rows]

    assert on_leave(start.isoformat()) == [True]
    assert on_leave((start + timedelta(days=2)).isoformat()) == [True]
    assert on_leave((start + timedelta(days=3)).isoformat()) == [False]
    assert on_leave("no-es-fecha") == [False]  # bad input: today, never a 500
