"""A small staff world: schools with sections of grade 1 (which has a study plan), teachers
created and appointed through the services, and the people who read their staff."""

from datetime import date

import pytest

from core.accounts.choices import Role
from modules.schools.models import Grade, SchoolYear, Section
from modules.teachers.services import (
    appointment_create,
    assignment_set,
    teacher_create,
    timetable_slot_add,
)
from tests.factories import PersonFactory, SchoolFactory, create_user

APPOINTED_ON = date(2020, 1, 15)
_nips = iter(range(2_000_000, 3_000_000))


def make_section(*, school=None, grade_code: str = "G1", name: str = "A", shift="matutino"):
    grade = Grade.objects.get(code=grade_code)
    year = SchoolYear.objects.get(pk=2026)
    return Section.objects.create(
        school=school or SchoolFactory(),
        school_year=year,
        grade=grade,
        study_plan=grade.study_plans.get(school_year=year),
        name=name,
        shift=shift,
    )


def make_teacher(school, *, person=None, level="1", category=4, shift="matutino"):
    teacher = teacher_create(
        person=person or PersonFactory(),
        nip=str(next(_nips)),
        escalafon_level=level,
        escalafon_category=category,
        specialty="Educación Básica",
    )
    appointment_create(
        teacher=teacher,
        school=school,
        position="docente",
        shift=shift,
        contract_type="ley_salarios",
        funding="fondo_general",
        start_date=APPOINTED_ON,
    )
    return teacher


def subjects(section):
    return list(section.study_plan.subjects.order_by("position"))


def assign(section, teacher, subject_index=0):
    return assignment_set(
        section=section, subject=subjects(section)[subject_index], teacher=teacher
    )


def fill_timetable(section, teacher, periods: int):
    """``periods`` classes of ``teacher`` in ``section`` across the week (one subject)."""
    assignment = assign(section, teacher)
    for n in range(periods):
        timetable_slot_add(assignment=assignment, weekday=1 + n % 5, period=1 + n // 5)
    return assignment


@pytest.fixture
def school(db):
    return SchoolFactory()


@pytest.fixture
def section(school):
    return make_section(school=school)


@pytest.fixture
def director(school):
    return create_user(role=Role.DIRECTOR, scope_kind="school", target=school)


@pytest.fixture
def officer(school):
    return create_user(
        role=Role.DEPARTMENTAL_OFFICER,
        scope_kind="department",
        target=school.municipality.department,
    )
