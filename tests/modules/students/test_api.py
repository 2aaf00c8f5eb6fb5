"""The students and schools API: scoped lists with fixed query counts at two sizes, enrollment
transitions, the academic record, 404 outside the scope with nothing changed."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.accounts.models import User
from core.audit.models import AuditEvent
from modules.students.choices import EnrollmentStatus as S
from modules.students.models import Enrollment
from modules.students.services import enrollment_create

pytestmark = pytest.mark.django_db


def _api(user):
    """A client for a fresh copy of ``user`` (no grants cached from the test's setup)."""
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user.pk))
    return client


def _enroll(campus, make_student, count, section="first_b"):
    return [
        enrollment_create(actor=campus["director"], student=make_student(), section=campus[section])
        for _ in range(count)
    ]


@pytest.mark.parametrize("count", [2, 25])
def test_the_enrollment_list_runs_a_fixed_number_of_queries(
    campus, make_student, count, django_assert_num_queries
):
    _enroll(campus, make_student, count)
    api = _api(campus["director"])

    # Two queries: the caller's grants (scope), then one page of named rows with the student,
    # person, section and grade joined in. No COUNT: cursor pagination.
    with django_assert_num_queries(2):
        response = api.get("/api/v1/enrollments/")

    assert response.status_code == 200
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [2, 25])
def test_the_student_list_runs_a_fixed_number_of_queries(
    campus, make_student, count, django_assert_num_queries
):
    _enroll(campus, make_student, count)
    api = _api(campus["officer"])

    # Grants, then the page (the scope is a subquery inside the same statement).
    with django_assert_num_queries(2):
        response = api.get("/api/v1/students/")

    assert response.status_code == 200
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_the_section_list_runs_a_fixed_number_of_queries(campus, count, django_assert_num_queries):
    from modules.schools.services import section_create

    for letter in "CDE"[:count]:
        section_create(
            school=campus["almendros"], school_year=2026, grade="G2", name=letter, shift="matutino"
        )
    api = _api(campus["director"])

    with django_assert_num_queries(2):  # grants, the page
        response = api.get("/api/v1/sections/", {"year": 2026})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 2 + count


def test_a_list_row_equals_the_detail_answer(campus, make_student):
    enrollment = _enroll(campus, make_student, 1)[0]
    api = _api(campus["director"])

    listed = api.get("/api/v1/enrollments/").json()["results"][0]
    student = enrollment.student

    assert listed == {
        "id": enrollment.pk,
        "student": student.pk,
        "nie": student.nie,
        "first_names": student.person.first_names,
        "last_names": student.person.last_names,
        "section": campus["first_b"].pk,
        "section_name": "B",
        "grade": "1.º grado",
        "school": campus["almendros"].pk,
        "school_year": 2026,
        "status": "active",
        "enrolled_on": enrollment.enrolled_on.isoformat(),
        "ended_on": None,
        "withdrawal_motive": None,
        "is_repeater": False,
    }
    detail = api.get(f"/api/v1/students/{student.pk}/").json()
    assert detail["nie"] == listed["nie"]


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("director", 3),
        ("teacher", 1),
        ("officer", 3),
        ("other_officer", 0),
        ("laureles_director", 0),
    ],
)
def test_each_role_sees_its_scope(campus, make_student, who, sees):
    _enroll(campus, make_student, 1, section="first_a")
    _enroll(campus, make_student, 2, section="first_b")

    response = _api(campus[who]).get("/api/v1/enrollments/")

    assert len(response.json()["results"]) == sees


def test_a_guardian_sees_only_their_child_and_the_record(campus, make_student, make_user):
    from modules.students.services import guardian_link

    child, other = _enroll(campus, make_student, 2)
    parent = make_user(role="citizen")
    guardian_link(student=child.student, person=parent.person, relationship="mother")

    api = _api(parent)
    listed = api.get("/api/v1/students/").json()["results"]
    record = api.get(f"/api/v1/students/{child.student_id}/record/")
    hidden = api.get(f"/api/v1/students/{other.student_id}/record/")

    assert [row["id"] for row in listed] == [child.student_id]
    assert record.status_code == 200
    assert [(y["school_year"], y["grade"], y["status"]) for y in record.json()["years"]] == [
        (2026, "1.º grado", "active")
    ]
    assert hidden.status_code == 404


def test_withdraw_through_the_api(campus, make_student):
    enrollment = _enroll(campus, make_student, 1)[0]

    response = _api(campus["director"]).post(
        f"/api/v1/enrollments/{enrollment.pk}/withdraw/",
        {"motive": "06", "note": "Se fue a trabajar"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["withdrawal_motive"]) == ("withdrawn", "06")


def test_transfer_through_the_api_answers_the_new_enrollment(campus, make_student):
    enrollment = _enroll(campus, make_student, 1)[0]

    response = _api(campus["director"]).post(
        f"/api/v1/enrollments/{enrollment.pk}/transfer/",
        {"motive": "22", "to_section": campus["first_a"].pk},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["section"] == campus["first_a"].pk
    enrollment.refresh_from_db()
    assert enrollment.status == S.TRANSFERRED


def test_enroll_through_the_api_and_a_duplicate_is_a_409(campus, make_student):
    student = make_student()
    api = _api(campus["director"])
    # The director sees the student once enrolled; a brand-new student is reached by the
    # ministry's national grant. Enroll first through the service, then try again.
    enrollment_create(actor=campus["director"], student=student, section=campus["first_a"])

    again = api.post(
        "/api/v1/enrollments/",
        {"student": student.pk, "section": campus["first_b"].pk},
        format="json",
    )

    assert again.status_code == 409
    assert again.json() == {
        "detail": "El estudiante ya tiene una matrícula vigente en el año 2026.",
        "code": "already_enrolled",
    }
    assert Enrollment.objects.filter(student=student).count() == 1


@pytest.mark.parametrize("action", ["withdraw", "annul", "confirm"])
def test_actions_outside_the_scope_answer_404_and_change_nothing(campus, make_student, action):
    enrollment = _enroll(campus, make_student, 1)[0]
    events = AuditEvent.objects.count()

    response = _api(campus["laureles_director"]).post(
        f"/api/v1/enrollments/{enrollment.pk}/{action}/",
        {"motive": "06", "note": "x"},
        format="json",
    )

    assert response.status_code == 404
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.withdrawal_motive_id) == (S.ACTIVE, None)
    assert AuditEvent.objects.count() == events


def test_a_teacher_cannot_withdraw_a_student_of_their_section(campus, make_student):
    enrollment = _enroll(campus, make_student, 1, section="first_a")[0]

    response = _api(campus["teacher"]).post(
        f"/api/v1/enrollments/{enrollment.pk}/withdraw/", {"motive": "06"}, format="json"
    )

    assert response.status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.status == S.ACTIVE


# "²" and "٢٠٢٥" (Arabic-Indic) are digits to str.isdigit(): int("²") failed (a 500) and
# int("٢٠٢٥") is 2025. Only ASCII digits filter; anything else is ignored like "abc".
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize("param", ["section", "year"])
def test_an_enrollment_filter_that_is_not_plain_digits_is_ignored(campus, make_student, param):
    _enroll(campus, make_student, 1, section="first_a")
    _enroll(campus, make_student, 1, section="first_b")
    api = _api(campus["director"])
    # In ASCII digits, each filter leaves fewer rows: one section, a year with none
    plain, filtered = (str(campus["first_a"].pk), 1) if param == "section" else ("2025", 0)
    assert len(api.get("/api/v1/enrollments/", {param: plain}).json()["results"]) == filtered

    for value in ("²", plain.translate(ARABIC_INDIC)):
        response = api.get("/api/v1/enrollments/", {param: value})
        assert response.status_code == 200
        assert len(response.json()["results"]) == 2


def test_a_section_list_year_that_is_not_plain_digits_is_ignored(campus):
    api = _api(campus["director"])
    assert api.get("/api/v1/sections/", {"year": "2025"}).json()["results"] == []

    for value in ("²", "2025".translate(ARABIC_INDIC)):
        response = api.get("/api/v1/sections/", {"year": value})
        assert response.status_code == 200
        assert len(response.json()["results"]) == 2


def test_structure_endpoints(campus):
    api = _api(campus["teacher"])

    grades = api.get("/api/v1/structure/grades/").json()
    scales = api.get("/api/v1/structure/scales/").json()
    years = api.get("/api/v1/school-years/").json()
    plan = api.get(f"/api/v1/structure/plans/{campus['first_a'].study_plan_id}/").json()

    assert [g["code"] for g in grades][:4] == ["P4", "P5", "P6", "G1"]
    assert len(grades) == 17
    media = next(s for s in scales if s["code"] == "media-0-10")
    assert (media["passing_value"], media["max_value"]) == ("6.00", "10.00")
    assert years[0] == {
        "year": 2026,
        "is_current": True,
        "start_date": "2026-02-02",
        "end_date": "2026-11-13",
    }
    assert plan["scale"]["code"] == "basica-0-10"
    assert [p["number"] for p in plan["periods"]] == [1, 2, 3]


def test_the_endpoints_are_in_the_openapi_schema(client):
    response = client.get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    for expected in (
        "/api/v1/school-years/",
        "/api/v1/structure/grades/",
        "/api/v1/sections/",
        "/api/v1/students/",
        "/api/v1/students/{id}/record/",
        "/api/v1/enrollments/",
        "/api/v1/enrollments/{id}/transfer/",
    ):
        assert expected in paths
