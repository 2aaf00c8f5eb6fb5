"""Fixtures for students and enrollment: two schools in two departments, their sections, and
one user per role, all made through services."""

from datetime import date

import pytest

from core.accounts.services import person_create
from modules.schools.services import section_create
from modules.students.services import student_create
from tests.modules.schools.conftest import geography, make_school  # noqa: F401 - fixtures
from tests.national_data import ensure_national_data


@pytest.fixture
def campus(make_school, geography, make_user):  # noqa: F811 - pytest fixture injection
    ensure_national_data()
    almendros = make_school(name="Centro Escolar Los Almendros")
    laureles = make_school(name="Centro Escolar Los Laureles", municipality=geography["ll_sur"])
    first_a = section_create(
        school=almendros, school_year=2026, grade="G1", name="A", shift="matutino", capacity=3
    )
    first_b = section_create(
        school=almendros, school_year=2026, grade="G1", name="B", shift="matutino"
    )
    laureles_first = section_create(
        school=laureles, school_year=2026, grade="G1", name="A", shift="matutino"
    )
    return {
        "almendros": almendros,
        "laureles": laureles,
        "first_a": first_a,
        "first_b": first_b,
        "laureles_first": laureles_first,
        "director": make_user(role="director", scope_kind="school", target=almendros),
        "laureles_director": make_user(role="director", scope_kind="school", target=laureles),
        "teacher": make_user(role="teacher", scope_kind="section", target=first_a),
        "officer": make_user(
            role="departmental_officer", scope_kind="department", target=geography["san_salvador"]
        ),
        "other_officer": make_user(
            role="departmental_officer", scope_kind="department", target=geography["la_libertad"]
        ),
    }


@pytest.fixture
def make_student(db):
    counter = iter(range(1, 10_000))

    def make(first_names: str = "", last_names: str = "Pérez"):
        number = next(counter)
        person = person_create(
            first_names=first_names or f"Niña {number}",
            last_names=last_names,
            birth_date=date(2019, 3, number % 28 + 1),
        )
        return student_create(person=person)

    return make
