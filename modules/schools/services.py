"""Every write to the geography catalogue, the school registry and sections."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit.services import audit_record

from .choices import Regimen
from .geography import DistrictRow
from .models import Calendar, District, Grade, Municipality, School, SchoolYear, Section, StudyPlan

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
SECTION_EDITABLE_FIELDS = ("grade", "name", "shift", "regimen", "homeroom_teacher", "capacity")


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
def school_year_create(
    *,
    actor: Any = None,
    year: int,
    start_date: date,
    end_date: date,
    is_current: bool = False,
) -> SchoolYear:
    """Register a school year with its national calendar (docs/domain.md §4)."""
    if SchoolYear.objects.filter(pk=year).exists():
        raise ValidationError({"year": _("El año lectivo %(year)s ya existe.") % {"year": year}})
    if end_date < start_date:
        raise ValidationError(
            {"end_date": _("El fin de clases no puede ser anterior a su inicio.")}
        )
    if is_current:
        SchoolYear.objects.filter(is_current=True).update(is_current=False)
    school_year = SchoolYear.objects.create(year=year, is_current=is_current)
    calendar = Calendar.objects.create(
        school_year=school_year, start_date=start_date, end_date=end_date
    )
    audit_record(
        action="schoolyear.created",
        obj=school_year,
        actor=actor,
        payload={
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat(),
            "is_current": is_current,
            "calendar_id": calendar.pk,
        },
    )
    return school_year


def grade_resolve(grade: Grade | str) -> Grade:
    """A grade row from itself, its code ("G1") or its name ("1.º grado")."""
    if isinstance(grade, Grade):
        return grade
    text = grade.strip()
    found = Grade.objects.filter(code__iexact=text).first() or (
        Grade.objects.filter(name__iexact=text).first()
    )
    if found is None:
        raise ValidationError({"grade": _("El grado «%(grade)s» no existe.") % {"grade": text}})
    return found


def study_plan_for(*, grade: Grade, school_year: int) -> StudyPlan | None:
    """The regular-modality plan of a grade for a year, if the ministry has published one."""
    return (
        StudyPlan.objects.filter(grade=grade, school_year_id=school_year, modality__code="regular")
        .select_related("scale")
        .first()
    )


@transaction.atomic
def section_create(
    *,
    actor: Any = None,
    school: School,
    school_year: int | SchoolYear,
    grade: Grade | str,
    name: str,
    shift: str,
    regimen: str = Regimen.WEEKDAYS,
    capacity: int = 40,
    homeroom_teacher: Any = None,
    study_plan: StudyPlan | None = None,
) -> Section:
    year = school_year.pk if isinstance(school_year, SchoolYear) else school_year
    if not SchoolYear.objects.filter(pk=year).exists():
        raise ValidationError(
            {"school_year": _("El año lectivo %(year)s no está registrado.") % {"year": year}}
        )
    grade_row = grade_resolve(grade)
    section = Section(
        school=school,
        school_year_id=year,
        grade=grade_row,
        study_plan=study_plan or study_plan_for(grade=grade_row, school_year=year),
        name=name.strip(),
        shift=shift,
        regimen=regimen,
        capacity=capacity,
        homeroom_teacher=homeroom_teacher,
    )
    section.full_clean()
    section.save()
    audit_record(
        action="section.created",
        obj=section,
        actor=actor,
        payload={
            "school_id": school.pk,
            "school_year": year,
            "grade": grade_row.name,
            "name": section.name,
            "shift": shift,
            "regimen": regimen,
            "capacity": capacity,
        },
    )
    return section


@transaction.atomic
def section_update(*, actor: Any = None, section: Section, **changes: Any) -> Section:
    """Change a section's grade, name, shift or regimen (school and year are fixed)."""
    unknown = set(changes) - set(SECTION_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"section_update cannot change {sorted(unknown)}")
    if "grade" in changes:
        changes["grade"] = grade_resolve(changes["grade"])
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
            "before": {f: _plain(before[f]) for f in changed},
            "after": {f: _plain(getattr(locked, f)) for f in changed},
        },
    )
    return locked


def _plain(value: Any) -> Any:
    """A JSON-friendly value for an audit payload (related rows by primary key)."""
    return value.pk if hasattr(value, "_meta") else value
