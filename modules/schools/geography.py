"""The shipped geography (docs/domain.md §2): 14 departments and the 44 municipalities of the 2024
reform, read from ``data/geography.json``, plus the district catalogue ``data/districts.csv``.

The loaders take the model classes as arguments so the data migration can pass its historical
models and ``seed_demo`` the real ones: one source of truth for both.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
GEOGRAPHY_FILE = DATA_DIR / "geography.json"
DISTRICTS_FILE = DATA_DIR / "districts.csv"


@dataclass(frozen=True)
class MunicipalityData:
    code: str
    name: str
    department_code: str


@dataclass(frozen=True)
class DepartmentData:
    code: str
    name: str
    municipalities: tuple[MunicipalityData, ...]


@cache
def shipped_geography() -> tuple[DepartmentData, ...]:
    """The departments, in official order, each with its municipalities."""
    raw = json.loads(GEOGRAPHY_FILE.read_text(encoding="utf-8"))
    return tuple(
        DepartmentData(
            code=department["code"],
            name=department["name"],
            municipalities=tuple(
                MunicipalityData(
                    code=municipality["code"],
                    name=municipality["name"],
                    department_code=department["code"],
                )
                for municipality in department["municipalities"]
            ),
        )
        for department in raw["departments"]
    )


def geography_upsert(department_model: Any, municipality_model: Any) -> tuple[int, int]:
    """Create or correct the shipped departments and municipalities (matched by code).

    Rows already equal to the data are not written, so running it twice changes nothing.
    Returns how many departments and municipalities were created or changed.
    """
    departments_written = municipalities_written = 0
    for department_data in shipped_geography():
        department, created = department_model.objects.get_or_create(
            code=department_data.code, defaults={"name": department_data.name}
        )
        renamed = not created and department.name != department_data.name
        if renamed:
            department.name = department_data.name
            department.save(update_fields=["name"])
        departments_written += created or renamed
        for data in department_data.municipalities:
            municipality, created = municipality_model.objects.get_or_create(
                code=data.code, defaults={"name": data.name, "department": department}
            )
            changed = not created and (
                municipality.name != data.name or municipality.department_id != department.pk
            )
            if changed:
                municipality.name = data.name
                municipality.department = department
                municipality.save(update_fields=["name", "department"])
            municipalities_written += created or changed
    return departments_written, municipalities_written


@dataclass(frozen=True)
class DistrictRow:
    """One data row of a district catalogue file; ``line`` is its line number in the file."""

    line: int
    municipality_code: str
    code: str
    name: str
    department_code: str = ""
