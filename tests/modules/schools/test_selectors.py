"""Reads of the school registry: the public directory and the scoped lists."""

from datetime import date

import pytest

from core.accounts.choices import Role, ScopeKind
from modules.schools.selectors import (
    SCHOOL_PATHS,
    SECTION_PATHS,
    school_list,
    school_list_for,
    section_list_for,
)
from modules.schools.services import school_update, school_year_create, section_create


@pytest.fixture
def registry(geography, make_school):
    """Four schools: two in San Salvador (one rural private), one inactive, one in La Libertad."""
    return {
        "almendros": make_school(code="10001", name="Centro Escolar Los Almendros"),
        "zapote": make_school(
            code="10002",
            name="Colegio El Zapote",
            sector="private",
            zone="rural",
            municipality=geography["ss_este"],
        ),
        "closed": school_update(
            school=make_school(code="10003", name="Centro Escolar Cerrado"), is_active=False
        ),
        "laureles": make_school(
            code="20001", name="Centro Escolar Los Laureles", municipality=geography["ll_sur"]
        ),
    }


def codes(schools):
    return [school.code for school in schools]


def test_paths_describe_how_schools_and_sections_reach_scopes():
    assert SCHOOL_PATHS.department == "municipality__department"
    assert SCHOOL_PATHS.municipality == "municipality"
    assert SCHOOL_PATHS.school == "id"
    assert SECTION_PATHS.section == "id"
    assert SECTION_PATHS.school == "school"


def test_public_list_has_every_active_school_by_name_without_an_actor(registry):
    assert codes(school_list()) == ["10001", "20001", "10002"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"q": "laureles"}, ["20001"]),
        ({"q": "1000"}, ["10001", "10002"]),  # code prefix
        ({"q": "cerrado"}, []),  # inactive schools are not public
        ({"departamento": "06"}, ["10001", "10002"]),
        ({"departamento": "05"}, ["20001"]),
        ({"municipio": "0603"}, ["10002"]),
        ({"sector": "private"}, ["10002"]),
        ({"zona": "urban"}, ["10001", "20001"]),
        ({"departamento": "06", "zona": "rural"}, ["10002"]),
        # Invalid values are ignored, never an error.
        ({"departamento": "99", "sector": "martian"}, ["10001", "20001", "10002"]),
    ],
)
def test_public_list_filters(registry, filters, expected):
    assert codes(school_list(filters=filters)) == expected


def test_public_list_is_the_same_for_any_actor(registry, make_user):
    teacher = make_user(role=Role.TEACHER)

    assert codes(school_list(actor=teacher)) == codes(school_list())


def test_scoped_list_by_department_includes_inactive_schools_in_it(registry, geography, make_user):
    officer = make_user(
        role=Role.DEPARTMENTAL_OFFICER,
        scope_kind=ScopeKind.DEPARTMENT,
        target=geography["san_salvador"],
    )

    assert codes(school_list_for(officer, [Role.DEPARTMENTAL_OFFICER])) == [
        "10001",
        "10002",
        "10003",
    ]
    # A role the user does not hold reaches nothing.
    assert codes(school_list_for(officer, [Role.DIRECTOR])) == []


def test_scoped_list_by_municipality_school_and_nation(registry, geography, make_user):
    by_municipality = make_user(
        role=Role.TECHNICIAN, scope_kind=ScopeKind.MUNICIPALITY, target=geography["ss_este"]
    )
    director = make_user(
        role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=registry["laureles"]
    )
    auditor = make_user(role=Role.AUDITOR)

    assert codes(school_list_for(by_municipality, [Role.TECHNICIAN])) == ["10002"]
    assert codes(school_list_for(director, [Role.DIRECTOR])) == ["20001"]
    assert codes(school_list_for(auditor, [Role.AUDITOR])) == [
        "10001",
        "10002",
        "10003",
        "20001",
    ]


def test_scoped_sections_follow_section_school_and_department_grants(
    registry, geography, make_user
):
    almendros_a = section_create(
        school=registry["almendros"],
        school_year=2026,
        grade="1.º grado",
        name="A",
        shift="matutino",
    )
    almendros_b = section_create(
        school=registry["almendros"],
        school_year=2026,
        grade="1.º grado",
        name="B",
        shift="matutino",
    )
    school_year_create(year=2025, start_date=date(2025, 2, 3), end_date=date(2025, 11, 14))
    almendros_old = section_create(
        school=registry["almendros"],
        school_year=2025,
        grade="1.º grado",
        name="A",
        shift="matutino",
    )
    laureles_a = section_create(
        school=registry["laureles"], school_year=2026, grade="2.º grado", name="A", shift="matutino"
    )
    teacher = make_user(role=Role.TEACHER, scope_kind=ScopeKind.SECTION, target=almendros_a)
    director = make_user(
        role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=registry["almendros"]
    )
    officer = make_user(
        role=Role.DEPARTMENTAL_OFFICER,
        scope_kind=ScopeKind.DEPARTMENT,
        target=geography["la_libertad"],
    )

    assert list(section_list_for(teacher, [Role.TEACHER])) == [almendros_a]
    assert set(section_list_for(director, [Role.DIRECTOR], school_year=2026)) == {
        almendros_a,
        almendros_b,
    }
    assert set(section_list_for(director, [Role.DIRECTOR])) == {
        almendros_a,
        almendros_b,
        almendros_old,
    }
    assert list(section_list_for(officer, [Role.DEPARTMENTAL_OFFICER])) == [laureles_a]
