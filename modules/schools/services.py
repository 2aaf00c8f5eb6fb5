"""Every write to the geography catalogue, the school registry and sections."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit.services import audit_record

from .choices import Regimen
from .geography import DistrictRow
from .models import District, Municipality, School, Section

DISTRICT_CATALOGUE_CHAIN = "schools.district:catalogue"

SCHOOL_EDITABLE_FIELDS = (
    "name",
    "sector",
    "classification",
    "zone",
    "municipality",
    "district",
    "address",
    "phone",
    "attached_to",
    "is_active",
)
SECTION_EDITABLE_FIELDS = ("grade", "name", "shift", "regimen")


@dataclass(frozen=True)
class DistrictImportResult:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def districts_import(
    *, rows: Sequence[DistrictRow], actor: Any = None, source: str = ""
) -> DistrictImportResult:
    """Upsert districts by code, all or nothing.

    Every row is checked before anything is written; any bad row raises ``ValidationError``
    with one Spanish message per problem (with its line number) and nothing is imported.
    Rows equal to what is stored are not written, so a re-run changes nothing.
    """
    municipalities = {
        municipality.code: municipality
        for municipality in Municipality.objects.select_related("department").filter(
            code__in={row.municipality_code for row in rows}
        )
    }
    file_codes = {row.code for row in rows}
    taken_names = {
        (municipality_id, name.casefold()): code
        for municipality_id, name, code in District.objects.exclude(code__in=file_codes)
        .filter(municipality__in=municipalities.values())
        .values_list("municipality_id", "name", "code")
    }
    errors = []
    for row in rows:
        municipality = municipalities.get(row.municipality_code)
        context = {
            "line": row.line,
            "municipality": row.municipality_code,
            "department": row.department_code,
            "name": row.name,
        }
        if municipality is None:
            errors.append(_("Línea %(line)s: el municipio «%(municipality)s» no existe.") % context)
            continue
        if row.department_code and municipality.department.code != row.department_code:
            errors.append(
                _(
                    "Línea %(line)s: el municipio «%(municipality)s» pertenece al departamento "
                    "«%(actual)s», no al «%(department)s»."
                )
                % {**context, "actual": municipality.department.code}
            )
        other_code = taken_names.get((municipality.pk, row.name.casefold()))
        if other_code is not None:
            errors.append(
                _(
                    "Línea %(line)s: ya existe el distrito «%(name)s» en ese municipio "
                    "(código %(other)s)."
                )
                % {**context, "other": other_code}
            )
    if errors:
        raise ValidationError(errors)

    existing = {
        district.code: district for district in District.objects.filter(code__in=file_codes)
    }
    to_create: list[District] = []
    updated = unchanged = 0
    try:
        with transaction.atomic():
            for row in rows:
                municipality = municipalities[row.municipality_code]
                district = existing.get(row.code)
                if district is None:
                    to_create.append(
                        District(code=row.code, name=row.name, municipality=municipality)
                    )
                elif district.name != row.name or district.municipality_id != municipality.pk:
                    district.name = row.name
                    district.municipality = municipality
                    district.save(update_fields=["name", "municipality"])
                    updated += 1
                else:
                    unchanged += 1
            District.objects.bulk_create(to_create)
    except IntegrityError as exc:
        raise ValidationError(
            _("El catálogo contradice los distritos ya registrados; no se importó nada.")
        ) from exc
    result = DistrictImportResult(created=len(to_create), updated=updated, unchanged=unchanged)
    if result.created or result.updated:
        audit_record(
            action="district.catalogue_imported",
            chain_key=DISTRICT_CATALOGUE_CHAIN,
            object_type="schools.district",
            actor=actor,
            payload={
                "source": source,
                "rows": len(rows),
                "created": result.created,
                "updated": result.updated,
            },
        )
    return result


def _school_payload(school: School, fields: Sequence[str]) -> dict[str, Any]:
    return {field: getattr(school, School._meta.get_field(field).attname) for field in fields}


@transaction.atomic
def school_create(
    *,
    actor: Any = None,
    code: str,
    name: str,
    sector: str,
    classification: str,
    zone: str,
    municipality: Municipality,
    district: District | None = None,
    address: str = "",
    phone: str = "",
    attached_to: School | None = None,
    is_active: bool = True,
) -> School:
    school = School(
        code=code.strip(),
        name=name.strip(),
        sector=sector,
        classification=classification,
        zone=zone,
        municipality=municipality,
        district=district,
        address=address.strip(),
        phone=phone.strip(),
        attached_to=attached_to,
        is_active=is_active,
    )
    school.full_clean()
    school.save()
    audit_record(
        action="school.created",
        obj=school,
        actor=actor,
        to_state="active" if is_active else "inactive",
        payload={"code": school.code, **_school_payload(school, SCHOOL_EDITABLE_FIELDS)},
    )
    return school


@transaction.atomic
def school_update(*, actor: Any = None, school: School, **changes: Any) -> School:
    """Change the editable fields named in ``changes``; the code never changes."""
    unknown = set(changes) - set(SCHOOL_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"school_update cannot change {sorted(unknown)}")
    locked = School.objects.select_for_update().get(pk=school.pk)
    before = _school_payload(locked, list(changes))
    for field, value in changes.items():
        setattr(locked, field, value)
    after = _school_payload(locked, list(changes))
    changed = [field for field in changes if before[field] != after[field]]
    if not changed:
        return locked
    locked.full_clean()
    locked.save(update_fields=changed)
    was_active, is_active = before.get("is_active"), after.get("is_active")
    audit_record(
        action="school.updated",
        obj=locked,
        actor=actor,
        from_state="" if was_active is None else ("active" if was_active else "inactive"),
        to_state="" if is_active is None else ("active" if is_active else "inactive"),
        payload={
            "before": {f: before[f] for f in changed},
            "after": {f: after[f] for f in changed},
        },
    )
    return locked


@transaction.atomic
def section_create(
    *,
    actor: Any = None,
    school: School,
    school_year: int,
    grade: str,
    name: str,
    shift: str,
    regimen: str = Regimen.WEEKDAYS,
) -> Section:
    section = Section(
        school=school,
        school_year=school_year,
        grade=grade.strip(),
        name=name.strip(),
        shift=shift,
        regimen=regimen,
    )
    section.full_clean()
    section.save()
    audit_record(
        action="section.created",
        obj=section,
        actor=actor,
        payload={
            "school_id": school.pk,
            "school_year": school_year,
            "grade": section.grade,
            "name": section.name,
            "shift": shift,
            "regimen": regimen,
        },
    )
    return section


@transaction.atomic
def section_update(*, actor: Any = None, section: Section, **changes: Any) -> Section:
    """Change a section's grade, name, shift or regimen (school and year are fixed)."""
    unknown = set(changes) - set(SECTION_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"section_update cannot change {sorted(unknown)}")
    locked = Section.objects.select_for_update().get(pk=section.pk)
    before = {field: getattr(locked, field) for field in changes}
    for field, value in changes.items():
        setattr(locked, field, value)
    changed = [field for field in changes if before[field] != getattr(locked, field)]
    if not changed:
        return locked
    locked.full_clean()
    locked.save(update_fields=changed)
    audit_record(
        action="section.updated",
        obj=locked,
        actor=actor,
        payload={
            "before": {f: before[f] for f in changed},
            "after": {f: getattr(locked, f) for f in changed},
        },
    )
    return locked
