"""Fixtures for the schools module: the shipped geography and a few schools made by services."""

import pytest

from modules.schools.geography import DistrictRow, geography_upsert
from modules.schools.models import Department, District, Municipality
from modules.schools.services import districts_import, school_create


@pytest.fixture
def geography(db):
    """The shipped departments and municipalities (already loaded by the data migration; ensured
    again in case a transactional test emptied the tables)."""
    geography_upsert(Department, Municipality)
    return {
        "san_salvador": Department.objects.get(code="06"),
        "la_libertad": Department.objects.get(code="05"),
        "ss_centro": Municipality.objects.get(code="0604"),
        "ss_este": Municipality.objects.get(code="0603"),
        "ll_sur": Municipality.objects.get(code="0506"),
    }


@pytest.fixture
def make_school(geography):
    """Create a school through the service; defaults to a public urban school."""
    counter = iter(range(1, 10_000))

    def make(*, municipality=None, **fields):
        number = next(counter)
        values = {
            "code": f"T{number:05d}",
            "name": f"Centro Escolar Prueba {number:03d}",
            "sector": "public",
            "classification": "centro_escolar",
            "zone": "urban",
            "municipality": municipality or geography["ss_centro"],
        }
        values.update(fields)
        return school_create(**values)

    return make


@pytest.fixture
def district(geography):
    """Mejicanos, a district of San Salvador Centro, imported through the catalogue service."""
    row = DistrictRow(line=2, municipality_code="0604", code="060402", name="Mejicanos")
    districts_import(rows=[row])
    return District.objects.get(code="060402")
