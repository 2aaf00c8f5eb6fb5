"""Migration 0005/0006 moves existing sections from a free-text grade and a year number onto the
shipped grade and school-year rows, keeping every row."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("schools", "0003_shipped_geography"), ("students", None)]
AFTER = [("schools", "0006_section_references"), ("students", "0002_nie_sequence_and_motives")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.fixture
def old_schema():
    """The schema before the academic structure; put back to the latest whatever happens."""
    try:
        yield _migrate(BEFORE)
    finally:
        # Every app's latest migration: going back also unapplied the apps that depend on
        # schools (students, academics), which later tests need.
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_existing_sections_keep_their_grade_and_year(old_schema):
    # Given two sections written before the academic structure existed
    old = old_schema
    department = old.get_model("schools", "Department").objects.create(code="99", name="Prueba")
    municipality = old.get_model("schools", "Municipality").objects.create(
        department=department, code="9901", name="Prueba Centro"
    )
    school = old.get_model("schools", "School").objects.create(
        code="M0001",
        name="Escuela Antigua",
        sector="public",
        classification="centro_escolar",
        zone="urban",
        municipality=municipality,
    )
    Section = old.get_model("schools", "Section")
    basic = Section.objects.create(
        school=school, school_year=2025, grade="7º grado", name="A", shift="matutino"
    )
    media = Section.objects.create(
        school=school,
        school_year=2026,
        grade="2.º año de bachillerato",
        name="B",
        shift="vespertino",
    )

    # When the migrations run
    new = _migrate(AFTER)

    # Then each points at its grade, year and (for 2026) the year's study plan
    rows = {
        row.pk: row
        for row in new.get_model("schools", "Section").objects.select_related("grade", "study_plan")
    }
    assert (rows[basic.pk].grade.code, rows[basic.pk].school_year_id) == ("G7", 2025)
    assert rows[basic.pk].study_plan is None  # no plan was published for 2025
    assert (rows[media.pk].grade.code, rows[media.pk].school_year_id) == ("BG2", 2026)
    assert rows[media.pk].study_plan.grade_id == rows[media.pk].grade_id
    years = new.get_model("schools", "SchoolYear").objects.values_list("year", "is_current")
    assert sorted(years) == [(2025, False), (2026, True)]
