"""The teacher's and the director's pages: scoped (404 outside, nothing changed), typed values
kept on an error, and query counts that do not grow with the section."""

import pytest
from django.urls import reverse

from core.accounts.choices import Role
from modules.academics.models import AttendanceDay, AttendanceRecord, GradeEntry, SectionClosing
from modules.students.models import Enrollment
from tests.factories import DepartmentFactory, MunicipalityFactory, SchoolFactory, create_user

from .conftest import CLASS_DAY, enroll, make_section

pytestmark = pytest.mark.django_db


def _state():
    return (
        AttendanceDay.objects.count(),
        AttendanceRecord.objects.count(),
        GradeEntry.objects.count(),
        SectionClosing.objects.count(),
        list(Enrollment.objects.order_by("pk").values_list("status", flat=True)),
    )


def test_a_teacher_takes_attendance_by_marking_only_the_absent(client, section, teacher):
    present, absent = enroll(section, 2)
    client.force_login(teacher)
    url = reverse("academics:attendance", args=[section.pk])

    response = client.post(
        f"{url}?fecha={CLASS_DAY}",
        {"fecha": CLASS_DAY.isoformat(), f"estado-{absent.pk}": "absent"},
    )

    assert response.status_code == 302
    assert dict(AttendanceRecord.objects.values_list("enrollment_id", "presence")) == {
        present.pk: "present",
        absent.pk: "absent",
    }


def test_a_refused_attendance_keeps_what_was_typed(client, section, teacher):
    _present, justified = enroll(section, 2)
    client.force_login(teacher)
    url = reverse("academics:attendance", args=[section.pk])

    response = client.post(
        f"{url}?fecha={CLASS_DAY}",
        {"fecha": CLASS_DAY.isoformat(), f"estado-{justified.pk}": "justified"},
    )

    assert response.status_code == 400
    assert "Indique el motivo de la ausencia justificada" in response.content.decode()
    row = next(r for r in response.context["rows"] if r.enrollment_id == justified.pk)
    assert row.status == "justified"
    assert AttendanceRecord.objects.count() == 0


def test_a_refused_grade_grid_shows_the_typed_values_again(client, section, teacher):
    (student,) = enroll(section, 1)
    subject = section.study_plan.subjects.first()
    first, second, _third = section.study_plan.periods.all()
    client.force_login(teacher)

    response = client.post(
        reverse("academics:grades", args=[section.pk]),
        {
            "asignatura": subject.pk,
            f"nota-{student.pk}-{first.pk}": "9",
            f"nota-{student.pk}-{second.pk}": "11",
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="9"' in page
    assert 'value="11"' in page
    assert "La calificación debe estar entre 0 y 10." in page
    assert GradeEntry.objects.count() == 0


@pytest.mark.parametrize("size", [5, 30])
def test_the_grade_grid_page_has_fixed_queries(
    client, section, teacher, size, django_assert_num_queries
):
    enroll(section, size)
    client.force_login(teacher)
    url = reverse("academics:grades", args=[section.pk])
    client.get(url)  # warm the session

    # user, grants (2; the session comes from the cache) · section with plan, scale and
    # closing (1) · subjects, periods, concepts, students (4) · stored grades of the subject
    # (1) · unread inbox (1)
    with django_assert_num_queries(9):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["grid"].rows) == size


def _outsiders(section):
    """A user of each role whose scope does not reach ``section``."""
    other_department = DepartmentFactory()
    other_school = SchoolFactory(municipality=MunicipalityFactory(department=other_department))
    return {
        "teacher": create_user(
            role=Role.TEACHER, scope_kind="section", target=make_section(school=other_school)
        ),
        "director": create_user(role=Role.DIRECTOR, scope_kind="school", target=other_school),
        "departmental_officer": create_user(
            role=Role.DEPARTMENTAL_OFFICER, scope_kind="department", target=other_department
        ),
        "guardian": create_user(
            role=Role.GUARDIAN,
            scope_kind="person",
            target=Enrollment.objects.filter(section=section).first().student.person,
        ),
    }


@pytest.mark.parametrize("role", ["teacher", "director", "departmental_officer", "guardian"])
def test_outside_the_scope_every_page_answers_404_and_changes_nothing(client, section, role):
    (student,) = enroll(section, 1)
    client.force_login(_outsiders(section)[role])
    subject = section.study_plan.subjects.first()
    period = section.study_plan.periods.first()
    before = _state()

    answers = [
        client.get(reverse("academics:attendance", args=[section.pk])).status_code,
        client.post(
            reverse("academics:attendance", args=[section.pk]),
            {"fecha": CLASS_DAY.isoformat(), f"estado-{student.pk}": "absent"},
        ).status_code,
        client.get(reverse("academics:grades", args=[section.pk])).status_code,
        client.post(
            reverse("academics:grades", args=[section.pk]),
            {"asignatura": subject.pk, f"nota-{student.pk}-{period.pk}": "9"},
        ).status_code,
        client.get(reverse("academics:results", args=[section.pk])).status_code,
        client.post(reverse("academics:close", args=[section.pk])).status_code,
        client.get(reverse("academics:school", args=[section.school.pk])).status_code,
    ]

    assert answers == [404] * 7
    assert _state() == before


def test_a_departmental_officer_reads_their_department_but_cannot_write(client, section):
    (student,) = enroll(section, 1)
    officer = create_user(
        role=Role.DEPARTMENTAL_OFFICER,
        scope_kind="department",
        target=section.school.municipality.department,
    )
    client.force_login(officer)
    before = _state()

    assert client.get(reverse("academics:school", args=[section.school.pk])).status_code == 200
    assert client.get(reverse("academics:results", args=[section.pk])).status_code == 200
    assert (
        client.post(
            reverse("academics:attendance", args=[section.pk]),
            {"fecha": CLASS_DAY.isoformat(), f"estado-{student.pk}": "absent"},
        ).status_code
        == 404
    )
    assert client.post(reverse("academics:close", args=[section.pk])).status_code == 403
    assert _state() == before


def test_the_director_sees_the_school_overview(client, section, director, teacher):
    enroll(section, 3)
    from modules.academics.services import attendance_record

    attendance_record(actor=teacher, section=section, day=CLASS_DAY, marks={})
    client.force_login(director)

    response = client.get(reverse("academics:school", args=[section.school.pk]))

    assert response.status_code == 200
    (row,) = response.context["sections"]
    assert (row.enrolled, row.present, row.grades_pending) == (3, 3, 3 * 8 * 3)


@pytest.mark.parametrize("sections", [1, 6])
def test_my_sections_costs_the_same_for_one_or_many_sections(
    client, sections, django_assert_num_queries
):
    school = SchoolFactory()
    director = create_user(role=Role.DIRECTOR, scope_kind="school", target=school)
    for index in range(sections):
        enroll(make_section(school=school, name=chr(ord("A") + index)), 2)
    client.force_login(director)
    url = reverse("academics:my_sections")
    client.get(url)

    # user, grants (2; the session comes from the cache) · the sections with school, grade,
    # plan, closing, enrolled count and today's attendance in one query (1) · unread inbox (1)
    with django_assert_num_queries(4):
        response = client.get(url)

    assert len(response.context["sections"]) == sections
    assert [s.enrolled for s in response.context["sections"]] == [2] * sections


@pytest.mark.parametrize("sections", [1, 6])
def test_the_school_overview_costs_the_same_for_one_or_many_sections(
    client, sections, django_assert_num_queries
):
    school = SchoolFactory()
    director = create_user(role=Role.DIRECTOR, scope_kind="school", target=school)
    for index in range(sections):
        enroll(make_section(school=school, name=chr(ord("A") + index)), 2)
    client.force_login(director)
    url = reverse("academics:school", args=[school.pk])
    client.get(url)

    # user, grants (2; the session comes from the cache) · the school (1) · the sections with
    # their enrollment, subject, period and grades-entered counts and attendance totals (1) ·
    # unread inbox (1)
    with django_assert_num_queries(5):
        response = client.get(url)

    assert len(response.context["sections"]) == sections
