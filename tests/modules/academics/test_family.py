"""The guardian's pages and API ("Mis hijos"): only their own children (404 for any other, with
nothing changed), what each part shows, and query counts that do not grow with the history."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from core.accounts.choices import Role
from modules.academics.models import AttendanceRecord, ConductEntry, GradeEntry
from modules.academics.services import Mark, attendance_record, conduct_record, grades_save
from modules.students.models import Enrollment
from modules.students.services import guardian_link
from tests.factories import create_user

from .conftest import CLASS_DAY, enroll

pytestmark = pytest.mark.django_db


def _guardian_of(*enrollments):
    guardian = create_user(role=Role.CITIZEN)
    for enrollment in enrollments:
        guardian_link(student=enrollment.student, person=guardian.person, relationship="mother")
    guardian.refresh_from_db()
    return guardian


def _state():
    return (
        AttendanceRecord.objects.count(),
        GradeEntry.objects.count(),
        ConductEntry.objects.count(),
        list(Enrollment.objects.order_by("pk").values_list("status", flat=True)),
    )


def _class_days(count):
    """``count`` weekdays of March 2026 from CLASS_DAY (none is a holiday)."""
    days, day = [], CLASS_DAY
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _history(section, teacher, child, *, days):
    """``days`` class days of attendance (the child absent on the first, justified on the
    second), every period of the first subject graded, and one conduct entry."""
    for number, day in enumerate(_class_days(days)):
        marks = {}
        if number == 0:
            marks[child.pk] = Mark("absent")
        elif number == 1:
            marks[child.pk] = Mark("justified", "Cita médica")
        attendance_record(actor=teacher, section=section, day=day, marks=marks)
    subject = section.study_plan.subjects.order_by("position").first()
    periods = list(section.study_plan.periods.order_by("number"))
    grades_save(
        actor=teacher,
        section=section,
        subject_id=subject.pk,
        cells={(child.pk, period.pk): value for period, value in zip(periods, "574", strict=True)},
    )
    conduct_record(
        actor=teacher, enrollment=child, demerits=3, reason="Llegó tarde", day=date(2026, 3, 3)
    )
    return subject


def test_the_list_shows_only_the_guardians_own_children(client, section):
    mine, other = enroll(section, 2)
    guardian = _guardian_of(mine)
    client.force_login(guardian)

    response = client.get(reverse("academics:family"))

    assert response.status_code == 200
    assert [row.student.pk for row in response.context["children"]] == [mine.student_id]
    page = response.content.decode()
    assert mine.student.person.full_name in page
    assert other.student.person.full_name not in page
    assert "4.º grado" not in page  # the conftest section is 1.º grado
    assert f"NIE {mine.student.nie}" in page


def test_the_child_page_shows_enrollment_attendance_grades_conduct_and_record(
    client, section, teacher
):
    child, _classmate = enroll(section, 2)
    subject = _history(section, teacher, child, days=3)
    client.force_login(_guardian_of(child))

    response = client.get(reverse("academics:family_child", args=[child.student_id]))

    assert response.status_code == 200
    context = response.context
    assert context["enrollment"].pk == child.pk
    attendance = context["attendance"]
    assert (attendance.month, attendance.present, attendance.absent, attendance.justified) == (
        date(2026, 3, 1),
        1,
        1,
        1,
    )
    assert [(a.date, a.presence, a.reason) for a in attendance.absences] == [
        (date(2026, 3, 3), "justified", "Cita médica"),
        (date(2026, 3, 2), "absent", ""),
    ]
    row = next(r for r in context["grades"].subjects if r.subject == subject.name)
    # 5, 7 and 4: the mean 5.33 is 5.3 on the 0-10 scale of one decimal, which passes (5).
    assert (row.cells, row.final, row.passed) == (["5.0", "7.0", "4.0"], "5.3", True)
    assert all(r.passed is None for r in context["grades"].subjects if r is not row)
    assert (context["conduct"].total, context["conduct"].limit) == (3, 15)
    assert [year.enrollment_id for year in context["record"].years] == [child.pk]
    page = response.content.decode()
    assert "02/03/2026" in page  # dd/mm/yyyy
    assert "Cita médica" in page
    assert "Llegó tarde" in page
    assert "Aprobada" in page


def test_another_childs_page_is_404_and_changes_nothing(client, section, teacher):
    mine, other = enroll(section, 2)
    _history(section, teacher, other, days=1)
    client.force_login(_guardian_of(mine))
    before = _state()

    responses = [
        client.get(reverse("academics:family_child", args=[other.student_id])),
        client.get(reverse("v1:family-child", args=[other.student_id])),
        client.get(reverse("v1:family-attendance", args=[other.student_id])),
        client.get(reverse("v1:family-grades", args=[other.student_id])),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert _state() == before


def test_school_staff_do_not_reach_the_family_pages(client, section, teacher):
    (child,) = enroll(section, 1)
    client.force_login(teacher)

    response = client.get(reverse("academics:family_child", args=[child.student_id]))

    assert response.status_code == 404
    assert client.get(reverse("academics:family")).context["children"] == []


def test_the_month_parameter_picks_the_month_and_bad_input_falls_back(client, section, teacher):
    (child,) = enroll(section, 1)
    attendance_record(actor=teacher, section=section, day=date(2026, 2, 27), marks={})
    attendance_record(actor=teacher, section=section, day=CLASS_DAY, marks={})
    client.force_login(_guardian_of(child))
    url = reverse("academics:family_child", args=[child.student_id])

    february = client.get(f"{url}?mes=2026-02").context["attendance"]
    garbage = client.get(f"{url}?mes=febrero")

    assert (february.month, february.present) == (date(2026, 2, 1), 1)
    assert garbage.status_code == 200
    assert garbage.context["attendance"].month == date(2026, 3, 1)
    assert february.months == [date(2026, 2, 1), date(2026, 3, 1)]


@pytest.mark.parametrize("days", [2, 12])
def test_the_child_page_reads_a_fixed_number_of_queries(
    client, section, teacher, days, django_assert_num_queries
):
    child, _classmate = enroll(section, 2)
    _history(section, teacher, child, days=days)
    guardian = _guardian_of(child)
    client.force_login(guardian)
    url = reverse("academics:family_child", args=[child.student_id])
    client.get(url)  # warm the session

    # user 1 (the session comes from the cache), grants 1, the child 1, its latest enrollment
    # 1, attendance months 1,
    # month counts 1, absences 1, subjects 1, periods 1, scale concepts 1, grades 1,
    # recoveries 1, conduct 1, promotion rule 1, record: student 1, enrollments 1, results 1,
    # the shell's unread-messages count 1, and the parts other apps add (modules/family: the
    # child's conversations 1, permission requests 1)
    with django_assert_num_queries(20):
        response = client.get(url)

    assert response.status_code == 200


def test_api_lists_children_and_serves_attendance_and_grades(client, section, teacher):
    child, classmate = enroll(section, 2)
    subject = _history(section, teacher, child, days=2)
    client.force_login(_guardian_of(child))

    children = client.get(reverse("v1:family-children")).json()
    detail = client.get(reverse("v1:family-child", args=[child.student_id])).json()
    attendance = client.get(
        reverse("v1:family-attendance", args=[child.student_id]) + "?mes=2026-03"
    ).json()
    grades = client.get(reverse("v1:family-grades", args=[child.student_id])).json()
    record = client.get(reverse("v1:academic-record", args=[child.student_id]))

    assert [c["id"] for c in children] == [child.student_id]
    assert children[0]["enrollment"]["id"] == child.pk
    assert children[0]["enrollment"]["shift"] == "matutino"
    assert detail["conduct"]["total"] == 3
    assert detail["conduct"]["entries"][0]["reason"] == "Llegó tarde"
    assert (attendance["absent"], attendance["justified"], attendance["present"]) == (1, 1, 0)
    assert attendance["absences"][0] == {
        "date": "2026-03-03",
        "status": "justified",
        "reason": "Cita médica",
    }
    first = next(s for s in grades["subjects"] if s["subject"] == subject.name)
    assert (first["cells"], first["final"], first["passed"]) == (["5.0", "7.0", "4.0"], "5.3", True)
    assert grades["scale"]["passing_value"] == "5.00"
    assert record.status_code == 200
    assert classmate.student_id not in [c["id"] for c in children]


@pytest.mark.parametrize("children", [1, 3])
def test_api_children_list_is_a_fixed_number_of_queries(
    client, section, children, django_assert_num_queries
):
    guardian = _guardian_of(*enroll(section, children))
    client.force_login(guardian)
    url = reverse("v1:family-children")
    client.get(url)

    # user 1 (the session comes from the cache), grants 1, the children 1, their enrollments 1
    with django_assert_num_queries(4):
        response = client.get(url)

    assert len(response.json()) == children


def test_the_family_schema_documents_the_endpoints(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()

    for suffix in ("", "{id}/", "{id}/asistencia/", "{id}/notas/"):
        assert f"/api/v1/familia/hijos/{suffix}" in schema["paths"]
