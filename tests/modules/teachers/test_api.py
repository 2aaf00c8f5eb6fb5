"""The teachers API: scoped lists (404 outside the scope), timetable periods added and removed
with the clash rule (409), all in the OpenAPI schema."""

import pytest
from rest_framework.test import APIClient

from core.accounts.choices import Role
from modules.teachers.models import TimetableSlot
from modules.teachers.services import timetable_slot_add
from tests.factories import SchoolFactory, create_user

from .conftest import assign, make_section, make_teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_lists_are_scoped(api, school, section, director):
    mine = make_teacher(school)
    far = make_teacher(SchoolFactory())
    assign(section, mine)
    api.force_authenticate(director)

    teachers = api.get("/api/v1/teachers/").json()["results"]
    appointments = api.get("/api/v1/appointments/").json()["results"]
    assignments = api.get("/api/v1/subject-assignments/").json()["results"]

    assert [row["id"] for row in teachers] == [mine.pk]
    assert [row["teacher"] for row in appointments] == [mine.pk]
    assert [row["teacher"] for row in assignments] == [mine.pk]
    assert api.get(f"/api/v1/teachers/{mine.pk}/").json()["nip"] == mine.nip
    assert api.get(f"/api/v1/teachers/{far.pk}/").status_code == 404


def test_adding_a_period_and_the_clash(api, school, section, director):
    teacher = make_teacher(school)
    assignment = assign(section, teacher)
    other = assign(make_section(school=school, name="B"), teacher, 1)
    timetable_slot_add(assignment=other, weekday=1, period=1)
    api.force_authenticate(director)

    created = api.post(
        "/api/v1/timetable-slots/",
        {"assignment": assignment.pk, "weekday": 2, "period": 1},
        format="json",
    )
    clash = api.post(
        "/api/v1/timetable-slots/",
        {"assignment": assignment.pk, "weekday": 1, "period": 1},
        format="json",
    )
    bad = api.post(
        "/api/v1/timetable-slots/",
        {"assignment": assignment.pk, "weekday": 9, "period": "x"},
        format="json",
    )

    assert created.status_code == 201
    assert created.json()["weekday"] == 2
    assert clash.status_code == 409
    assert clash.json()["code"] == "timetable_clash"
    assert bad.status_code == 400
    assert TimetableSlot.objects.filter(section=section).count() == 1
    listed = api.get(f"/api/v1/timetable-slots/?teacher={teacher.pk}").json()["results"]
    assert sorted((row["weekday"], row["period"]) for row in listed) == [(1, 1), (2, 1)]


def test_outsiders_cannot_add_or_remove_periods(api, school, section):
    teacher = make_teacher(school)
    slot = timetable_slot_add(assignment=assign(section, teacher), weekday=1, period=1)
    stranger = create_user(role=Role.DIRECTOR, scope_kind="school", target=SchoolFactory())
    api.force_authenticate(stranger)

    added = api.post(
        "/api/v1/timetable-slots/",
        {"assignment": slot.assignment_id, "weekday": 2, "period": 2},
        format="json",
    )
    removed = api.delete(f"/api/v1/timetable-slots/{slot.pk}/")

    assert (added.status_code, removed.status_code) == (404, 404)
    assert list(TimetableSlot.objects.values_list("pk", flat=True)) == [slot.pk]


def test_a_bad_filter_is_a_400_not_a_500(api, director):
    api.force_authenticate(director)
    assert api.get("/api/v1/teachers/?school=abc").status_code == 400


def test_the_endpoints_are_in_the_schema(api, director):
    api.force_authenticate(director)
    schema = api.get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/teachers/",
        "/api/v1/teachers/{id}/",
        "/api/v1/appointments/",
        "/api/v1/subject-assignments/",
        "/api/v1/timetable-slots/",
        "/api/v1/timetable-slots/{id}/",
        "/api/v1/leaves/",
    ):
        assert path in schema["paths"], path
