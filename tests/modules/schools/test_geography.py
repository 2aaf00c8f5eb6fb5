"""The shipped geography (docs/domain.md §2) and the shipped district catalogue."""

import csv
from collections import Counter

import pytest

from modules.schools.catalogue import read_district_file
from modules.schools.geography import DISTRICTS_FILE, geography_upsert, shipped_geography
from modules.schools.models import Department, Municipality

# Written out from docs/domain.md §2 (not read from the data file), so a wrong data file fails here.
EXPECTED_DEPARTMENTS = [
    ("01", "Ahuachapán", ["Norte", "Centro", "Sur"]),
    ("02", "Santa Ana", ["Norte", "Centro", "Este", "Oeste"]),
    ("03", "Sonsonate", ["Norte", "Centro", "Este", "Oeste"]),
    ("04", "Chalatenango", ["Norte", "Centro", "Sur"]),
    ("05", "La Libertad", ["Norte", "Centro", "Oeste", "Este", "Costa", "Sur"]),
    ("06", "San Salvador", ["Norte", "Oeste", "Este", "Centro", "Sur"]),
    ("07", "Cuscatlán", ["Norte", "Sur"]),
    ("08", "La Paz", ["Oeste", "Centro", "Este"]),
    ("09", "Cabañas", ["Este", "Oeste"]),
    ("10", "San Vicente", ["Norte", "Sur"]),
    ("11", "Usulután", ["Norte", "Este", "Oeste"]),
    ("12", "San Miguel", ["Norte", "Centro", "Oeste"]),
    ("13", "Morazán", ["Norte", "Sur"]),
    ("14", "La Unión", ["Norte", "Sur"]),
]
# Former municipalities per department before the 2024 reform.
EXPECTED_DISTRICTS_PER_DEPARTMENT = {
    "01": 12, "02": 13, "03": 16, "04": 33, "05": 22, "06": 19, "07": 16,
    "08": 22, "09": 9, "10": 13, "11": 23, "12": 20, "13": 26, "14": 18,
}  # fmt: skip


def test_migration_ships_the_14_departments_in_official_order(db):
    assert list(Department.objects.order_by("code").values_list("code", "name")) == [
        (code, name) for code, name, _ in EXPECTED_DEPARTMENTS
    ]


def test_migration_ships_the_44_municipalities_with_codes_and_departments(db):
    expected = [
        (f"{code}{index:02d}", f"{name} {point}", code)
        for code, name, points in EXPECTED_DEPARTMENTS
        for index, point in enumerate(points, start=1)
    ]

    stored = list(
        Municipality.objects.order_by("code").values_list("code", "name", "department__code")
    )

    assert len(expected) == 44
    assert stored == expected


def test_geography_upsert_is_idempotent_and_repairs_drift(db):
    # Given the shipped rows, one municipality renamed by hand
    Municipality.objects.filter(code="0604").update(name="Nombre equivocado")

    # When the upsert runs twice
    first = geography_upsert(Department, Municipality)
    second = geography_upsert(Department, Municipality)

    # Then the first run repaired exactly that row and the second changed nothing
    assert first == (0, 1)
    assert second == (0, 0)
    assert Municipality.objects.get(code="0604").name == "San Salvador Centro"
    assert Department.objects.count() == 14
    assert Municipality.objects.count() == 44


def test_shipped_geography_file_matches_the_data_migration(db):
    from_file = [
        (municipality.code, municipality.name, municipality.department_code)
        for department in shipped_geography()
        for municipality in department.municipalities
    ]
    assert from_file == list(
        Municipality.objects.order_by("code").values_list("code", "name", "department__code")
    )


def test_shipped_district_file_has_262_districts_in_44_municipalities():
    rows, errors = read_district_file(DISTRICTS_FILE)

    assert errors == []
    assert len(rows) == 262
    assert len({row.code for row in rows}) == 262
    assert len({row.municipality_code for row in rows}) == 44


def test_shipped_district_file_is_consistent_with_the_geography():
    municipality_department = {
        municipality.code: municipality.department_code
        for department in shipped_geography()
        for municipality in department.municipalities
    }
    rows, _ = read_district_file(DISTRICTS_FILE)

    for row in rows:
        # every district's municipality exists and lies in the department the row names
        assert municipality_department[row.municipality_code] == row.department_code, row
        # district codes extend their municipality's code
        assert row.code.startswith(row.municipality_code), row
    assert set(municipality_department) == {row.municipality_code for row in rows}
    per_department = Counter(row.department_code for row in rows)
    assert dict(per_department) == EXPECTED_DISTRICTS_PER_DEPARTMENT


@pytest.mark.parametrize(
    ("municipality", "district"),
    [
        ("Ahuachapán Norte", "Atiquizaya"),
        ("Santa Ana Centro", "Santa Ana"),
        ("Sonsonate Oeste", "Acajutla"),
        ("Chalatenango Norte", "La Palma"),
        ("La Libertad Sur", "Santa Tecla"),
        ("La Libertad Este", "Antiguo Cuscatlán"),
        ("San Salvador Centro", "Mejicanos"),
        ("San Salvador Este", "Soyapango"),
        ("San Salvador Sur", "Panchimalco"),
        ("Cuscatlán Norte", "Suchitoto"),
        ("La Paz Este", "Zacatecoluca"),
        ("Cabañas Oeste", "Ilobasco"),
        ("San Vicente Sur", "Tecoluca"),
        ("Usulután Oeste", "Jiquilisco"),
        ("San Miguel Centro", "San Miguel"),
        ("Morazán Sur", "San Francisco Gotera"),
        ("La Unión Norte", "Santa Rosa de Lima"),
    ],
)
def test_shipped_district_file_places_well_known_districts(municipality, district):
    names = {m.code: m.name for d in shipped_geography() for m in d.municipalities}
    with DISTRICTS_FILE.open(encoding="utf-8") as handle:
        placed = {(names[row["municipality_code"]], row["name"]) for row in csv.DictReader(handle)}
    assert (municipality, district) in placed
