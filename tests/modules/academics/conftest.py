"""A small world for the academic tests: a school year with the national structure (shipped by
migration), sections with enrolled students, and a teacher, a director and officers."""

from datetime import date
from itertools import count

import pytest

from core.accounts.choices import Role
from core.workflow import transition
from modules.schools.models import Grade, SchoolYear, Section
from modules.students.models import Enrollment, Student
from tests.factories import PersonFactory, SchoolFactory, create_user

# A Monday of the 2026 class period that is neither a holiday nor a school event.
CLASS_DAY = date(2026, 3, 2)
ENROLLED_ON = date(2026, 2, 2)
_nie = count(20_000_000)


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
    )


def enroll(section: Section, n: int, *, on: date = ENROLLED_ON) -> list[Enrollment]:
    """``n`` active enrollments in ``section`` (confirmed through core.workflow)."""
    enrollments = []
    for _ in range(n):
        student = Student.objects.create(person=PersonFactory(dui=None), nie=next(_nie))
        enrollment = Enrollment.objects.create(
            student=student,
            section=section,
            school=section.school,
            school_year=section.school_year,
            enrolled_on=on,
        )
        transition(actor=None, obj=enrollment, name="confirm")
        enrollments.append(enrollment)
    return enrollments


@pytest.fixture
def section(db) -> Section:
    return make_section()


@pytest.fixture
def teacher(section):
    return create_user(role=Role.TEACHER, scope_kind="section", target=section)


@pytest.fixture
def director(section):
    return create_user(role=Role.DIRECTOR, scope_kind="school", target=section.school)
