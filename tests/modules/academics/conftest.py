"""A small world for the academic tests: a school year with the national structure (shipped by
migration), sections with enrolled students, and a teacher, a director and officers."""

from datetime import date

import pytest

from core.accounts.choices import Role
from core.accounts.models import RoleGrant
from modules.schools.models import Grade, SchoolYear, Section
from modules.students.models import Enrollment
from modules.students.services import enrollment_create, student_create
from tests.factories import PersonFactory, SchoolFactory, create_user

# A Monday of the 2026 class period that is neither a holiday nor a school event.
CLASS_DAY = date(2026, 3, 2)
ENROLLED_ON = date(2026, 2, 2)


def make_section(*, school=None, grade_code: str = "G1", name: str = "A") -> Section:
    grade = Grade.objects.get(code=grade_code)
    year = SchoolYear.objects.get(pk=2026)
    return Section.objects.create(
        school=school or SchoolFactory(),
        school_year=year,
        grade=grade,
        study_plan=grade.study_plans.get(school_year=year),
        name=name,
        shift="matutino",
        capacity=50,
    )


def enroll(section: Section, n: int, *, on: date = ENROLLED_ON) -> list[Enrollment]:
    """``n`` confirmed enrollments in ``section``, made by its school's director."""
    director = _registrar(section.school)
    return [
        enrollment_create(
            actor=director,
            student=student_create(actor=director, person=PersonFactory(dui=None)),
            section=section,
            enrolled_on=on,
        )
        for _ in range(n)
    ]


def _registrar(school):
    grant = RoleGrant.objects.filter(role=Role.DIRECTOR, school=school).first()
    if grant is not None:
        return grant.user
    return create_user(role=Role.DIRECTOR, scope_kind="school", target=school)


@pytest.fixture
def section(db) -> Section:
    return make_section()


@pytest.fixture
def teacher(section):
    return create_user(role=Role.TEACHER, scope_kind="section", target=section)


@pytest.fixture
def director(section):
    return create_user(role=Role.DIRECTOR, scope_kind="school", target=section.school)
