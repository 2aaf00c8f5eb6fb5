"""The director's enrollment pages: sections with counts, enroll, withdraw, change section,
receive a transfer; 404 outside their school with nothing changed; fixed query counts."""

from datetime import date

import pytest

from core.accounts.models import Person
from modules.students.choices import EnrollmentStatus as S
from modules.students.models import Enrollment, Student
from modules.students.services import enrollment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def director_client(client, campus):
    client.force_login(campus["director"])
    return client


def test_the_director_sees_the_schools_sections_with_counts(director_client, campus, make_student):
    for _ in range(2):
        enrollment_create(
            actor=campus["director"], student=make_student(), section=campus["first_a"]
        )

    response = director_client.get("/matricula/")

    assert response.status_code == 200
    rows = {(section.pk, count) for section, count in response.context["rows"]}
    assert rows == {(campus["first_a"].pk, 2), (campus["first_b"].pk, 0)}


@pytest.mark.parametrize("students", [1, 3])
def test_the_director_home_costs_the_same_queries_at_any_size(
    director_client, campus, make_student, students, django_assert_num_queries
):
    for _ in range(students):
        enrollment_create(
            actor=campus["director"], student=make_student(), section=campus["first_b"]
        )
    director_client.get("/matricula/")  # warm the session

    # 6 queries whatever the number of students: user (the session comes from the cache),
    # grants, their schools, the
    # sections with their grade, the counts (one GROUP BY), and the unread-messages badge of
    # the page header.
    with django_assert_num_queries(6):
        response = director_client.get("/matricula/")
    assert response.status_code == 200


def test_enrolling_a_new_child_gives_them_a_nie(director_client, campus):
    response = director_client.post(
        f"/matricula/secciones/{campus['first_b'].pk}/matricular/",
        {"first_names": "Lucía", "last_names": "Martínez", "birth_date": "2019-04-02", "sex": "F"},
    )

    assert response.status_code == 302
    student = Student.objects.get(person__first_names="Lucía")
    assert student.person.dui is None
    assert student.nie >= 10_000_000
    assert list(Enrollment.objects.filter(student=student).values_list("status", "section_id")) == [
        (S.ACTIVE, campus["first_b"].pk)
    ]


def test_a_bad_enrollment_keeps_what_was_typed(director_client, campus):
    # (the fixtures' random names may include a Lucía: count, do not assume there is none)
    before = Person.objects.filter(first_names="Lucía").count()
    response = director_client.post(
        f"/matricula/secciones/{campus['first_b'].pk}/matricular/",
        {"first_names": "Lucía", "last_names": "", "birth_date": "2019-04-02"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "last_names": ["Obligatorio para un estudiante nuevo."]
    }
    assert 'value="Lucía"' in response.content.decode()
    assert Person.objects.filter(first_names="Lucía").count() == before


def test_enrolling_an_existing_student_by_nie_and_a_duplicate_is_explained(
    director_client, campus, make_student
):
    student = make_student()
    url = f"/matricula/secciones/{campus['first_a'].pk}/matricular/"

    first = director_client.post(url, {"nie": student.nie})
    second = director_client.post(
        f"/matricula/secciones/{campus['first_b'].pk}/matricular/", {"nie": student.nie}
    )

    assert first.status_code == 302
    assert second.status_code == 200
    assert second.context["form"].non_field_errors() == [
        "El estudiante ya tiene una matrícula vigente en el año 2026."
    ]
    assert Enrollment.objects.filter(student=student).count() == 1


def test_withdrawing_with_a_motive(director_client, campus, make_student):
    enrollment = enrollment_create(
        actor=campus["director"], student=make_student(), section=campus["first_a"]
    )

    response = director_client.post(
        f"/matricula/{enrollment.pk}/retirar/",
        {"motive": "06", "on": date.today().isoformat(), "note": ""},  # noqa: DTZ011
    )

    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.withdrawal_motive.code) == (S.WITHDRAWN, "06")


def test_changing_section(director_client, campus, make_student):
    enrollment = enrollment_create(
        actor=campus["director"], student=make_student(), section=campus["first_a"]
    )

    response = director_client.post(
        f"/matricula/{enrollment.pk}/cambiar-seccion/",
        {
            "to_section": campus["first_b"].pk,
            "motive": "22",
            "on": enrollment.enrolled_on.isoformat(),
        },
    )

    assert response.status_code == 302
    assert list(
        Enrollment.objects.filter(student=enrollment.student)
        .order_by("pk")
        .values_list("status", "section_id")
    ) == [(S.TRANSFERRED, campus["first_a"].pk), (S.ACTIVE, campus["first_b"].pk)]


def test_receiving_a_transfer_by_nie(client, campus, make_student):
    origin = enrollment_create(
        actor=campus["director"], student=make_student(), section=campus["first_a"]
    )
    client.force_login(campus["laureles_director"])

    response = client.post(
        "/matricula/recibir-traslado/",
        {
            "nie": origin.student.nie,
            "to_section": campus["laureles_first"].pk,
            "motive": "01",
            "on": origin.enrolled_on.isoformat(),
        },
    )

    assert response.status_code == 302
    origin.refresh_from_db()
    assert origin.status == S.TRANSFERRED
    assert Enrollment.objects.get(student=origin.student, status=S.ACTIVE).school_id == (
        campus["laureles"].pk
    )


@pytest.mark.parametrize("who", ["laureles_director", "teacher", "officer"])
def test_pages_outside_the_directors_school_answer_404_and_change_nothing(
    client, campus, make_student, who
):
    enrollment = enrollment_create(
        actor=campus["director"], student=make_student(), section=campus["first_a"]
    )
    client.force_login(campus[who])

    answers = [
        client.get(f"/matricula/secciones/{campus['first_a'].pk}/").status_code,
        client.post(f"/matricula/{enrollment.pk}/retirar/", {"motive": "06"}).status_code,
        client.post(
            f"/matricula/secciones/{campus['first_a'].pk}/matricular/",
            {"first_names": "X", "last_names": "Y", "birth_date": "2019-01-01"},
        ).status_code,
    ]

    assert answers == [404, 404, 404]
    enrollment.refresh_from_db()
    assert enrollment.status == S.ACTIVE
    assert Enrollment.objects.count() == 1
    assert not Person.objects.filter(first_names="X").exists()
