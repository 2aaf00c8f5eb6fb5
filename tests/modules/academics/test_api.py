"""The academic API: same services, same scopes (404 outside, nothing changed)."""

from unittest import mock

import pytest
from rest_framework.test import APIClient

from core.accounts.choices import Role
from modules.academics.models import AttendanceRecord, ConductEntry, GradeEntry, SectionClosing
from tests.factories import SchoolFactory, create_user

from .conftest import CLASS_DAY, enroll, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _state():
    return (
        AttendanceRecord.objects.count(),
        GradeEntry.objects.count(),
        ConductEntry.objects.count(),
        SectionClosing.objects.count(),
    )


def test_a_teacher_records_attendance_through_the_api(api, section, teacher):
    present, absent = enroll(section, 2)
    api.force_authenticate(teacher)

    response = api.put(
        f"/api/v1/academico/secciones/{section.pk}/asistencia/{CLASS_DAY}/",
        {"marks": [{"enrollment": absent.pk, "status": "absent"}]},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["recorded"], body["present"], body["absent"]) == (True, 1, 1)
    assert {row["enrollment"]: row["status"] for row in body["students"]} == {
        present.pk: "present",
        absent.pk: "absent",
    }


def test_a_day_without_classes_answers_409(api, section, teacher):
    enroll(section, 1)
    api.force_authenticate(teacher)

    response = api.put(
        f"/api/v1/academico/secciones/{section.pk}/asistencia/2026-03-07/",
        {"marks": []},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "not_class_day"
    assert _state() == (0, 0, 0, 0)


def test_an_invalid_grade_answers_400_per_cell_and_saves_nothing(api, section, teacher):
    (student,) = enroll(section, 1)
    subject = section.study_plan.subjects.first()
    first, second, _third = section.study_plan.periods.all()
    api.force_authenticate(teacher)

    response = api.put(
        f"/api/v1/academico/secciones/{section.pk}/notas/{subject.pk}/",
        {
            "cells": [
                {"enrollment": student.pk, "period": first.pk, "value": "8"},
                {"enrollment": student.pk, "period": second.pk, "value": "12"},
            ]
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["cells"] == [
        {
            "enrollment": student.pk,
            "period": second.pk,
            "message": "La calificación debe estar entre 0 y 10.",
        }
    ]
    assert _state() == (0, 0, 0, 0)


def test_conduct_and_an_incomplete_closing(api, section, teacher, director):
    (student,) = enroll(section, 1)
    api.force_authenticate(teacher)

    conduct = api.post(
        f"/api/v1/academico/matriculas/{student.pk}/conducta/",
        {"demerits": 3, "reason": "Llegadas tarde"},
        format="json",
    )
    api.force_authenticate(director)
    closing = api.post(f"/api/v1/academico/secciones/{section.pk}/cierre/")

    assert conduct.status_code == 201
    assert conduct.json()["demerits"] == 3
    assert closing.status_code == 409
    assert closing.json()["code"] == "grades_missing"
    assert _state() == (0, 0, 1, 0)


@pytest.mark.parametrize("role", ["teacher", "guardian"])
def test_outside_the_scope_the_api_answers_404_and_changes_nothing(api, section, role):
    (student,) = enroll(section, 1)
    subject = section.study_plan.subjects.first()
    period = section.study_plan.periods.first()
    outsider = (
        create_user(role=Role.TEACHER, scope_kind="section", target=make_section(name="Z"))
        if role == "teacher"
        else create_user(role=Role.GUARDIAN, scope_kind="person", target=student.student.person)
    )
    api.force_authenticate(outsider)
    base = f"/api/v1/academico/secciones/{section.pk}"

    answers = [
        api.get(f"{base}/asistencia/{CLASS_DAY}/").status_code,
        api.put(f"{base}/asistencia/{CLASS_DAY}/", {"marks": []}, format="json").status_code,
        api.get(f"{base}/notas/{subject.pk}/").status_code,
        api.put(
            f"{base}/notas/{subject.pk}/",
            {"cells": [{"enrollment": student.pk, "period": period.pk, "value": "9"}]},
            format="json",
        ).status_code,
        api.get(f"{base}/resultados/").status_code,
        api.post(f"{base}/cierre/").status_code,
        api.post(
            f"/api/v1/academico/matriculas/{student.pk}/conducta/",
            {"demerits": 15, "reason": "x"},
            format="json",
        ).status_code,
    ]

    assert answers == [404] * 7
    assert _state() == (0, 0, 0, 0)
    listed = [row["id"] for row in api.get("/api/v1/academico/secciones/").json()]
    assert section.pk not in listed


@pytest.mark.parametrize("sections", [1, 6])
def test_my_sections_api_costs_the_same_for_one_or_many(api, sections, django_assert_num_queries):
    school = SchoolFactory()
    director = create_user(role=Role.DIRECTOR, scope_kind="school", target=school)
    made = [make_section(school=school, name=chr(ord("A") + i)) for i in range(sections)]
    for section in made:
        enroll(section, 2)
    api.force_authenticate(director)

    # "Today" is a class day (the grants stay in force as of the real date)
    today = mock.Mock(localdate=mock.Mock(return_value=CLASS_DAY))

    # grants (1) · the sections with everything the rows show, the calendar included (1)
    with (
        mock.patch("modules.academics.api.timezone", today),
        mock.patch("modules.academics.selectors.timezone", today),
        django_assert_num_queries(2),
    ):
        response = api.get("/api/v1/academico/secciones/")

    assert [row["id"] for row in response.json()] == [section.pk for section in made]
    assert response.json()[0] == {
        "id": made[0].pk,
        "school": school.name,
        "school_code": school.code,
        "school_year": 2026,
        "grade": "1.º grado",
        "name": "A",
        "shift": "matutino",
        "enrolled": 2,
        "attendance_taken_today": False,
        "class_today": True,
    }
