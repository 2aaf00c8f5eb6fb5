"""Importers of schools and sections (docs/imports.md §7), registered from ``apps.py``.

Schools are matched by their code, sections by school, year, grade, name and shift: a row that
matches an existing record updates it when something differs and counts as «sin cambios»
otherwise. A departmental officer may only touch schools of their department.
"""

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.imports import cells
from core.imports.registry import Column, ImportContext, Importer, UpsertCounts

from .choices import SchoolClassification, SchoolSector, Shift, Zone
from .models import Grade, Municipality, School, SchoolYear, Section

_OUT_OF_SCOPE = gettext_lazy("El centro educativo pertenece a un departamento fuera de su alcance.")
_OUT_OF_SCOPE_HINT = gettext_lazy(
    "Quite esta fila: solo puede importar centros de su departamento."
)


def _municipalities(ctx: ImportContext) -> dict[str, Municipality]:
    if "municipalities" not in ctx.cache:
        ctx.cache["municipalities"] = {m.code: m for m in Municipality.objects.all()}
    return ctx.cache["municipalities"]


def _duplicate(errors: cells.Errors, column: str) -> None:
    errors.add(
        column,
        _("Este registro ya aparece en una fila anterior del archivo."),
        _("Deje una sola fila por registro."),
    )


class SchoolImporter(Importer):
    kind = "schools"
    label = gettext_lazy("Centros educativos")
    description = gettext_lazy("Crea o actualiza centros educativos por su código.")
    position = 10
    columns = (
        Column(
            "codigo",
            gettext_lazy("Código"),
            gettext_lazy("Código del centro educativo (único)."),
            "10234",
        ),
        Column(
            "nombre",
            gettext_lazy("Nombre"),
            gettext_lazy("Nombre oficial."),
            "Centro Escolar Las Flores",
        ),
        Column(
            "sector",
            gettext_lazy("Sector"),
            gettext_lazy(
                "public, private, subsidised o early_childhood (o su nombre: Oficial, Privado…)."
            ),
            "public",
        ),
        Column(
            "clasificacion",
            gettext_lazy("Clasificación"),
            gettext_lazy(
                "parvularia, centro_escolar, instituto_nacional, complejo_educativo, colegio "
                "u other."
            ),
            "centro_escolar",
        ),
        Column(
            "zona", gettext_lazy("Zona"), gettext_lazy("urban o rural (Urbana, Rural)."), "rural"
        ),
        Column(
            "codigo_municipio",
            gettext_lazy("Código de municipio"),
            gettext_lazy("Código de cuatro dígitos del municipio."),
            "0604",
        ),
        Column(
            "direccion",
            gettext_lazy("Dirección"),
            gettext_lazy("Opcional."),
            "Cantón El Rosario",
            required=False,
        ),
        Column(
            "telefono",
            gettext_lazy("Teléfono"),
            gettext_lazy("Opcional."),
            "2222-0000",
            required=False,
        ),
    )

    def prepare(self, ctx: ImportContext, rows: Sequence[dict[str, Any]]) -> None:
        codes = {str(row.get("codigo", "")).strip() for row in rows}
        ctx.cache["schools"] = School.objects.select_related("municipality").in_bulk(
            codes, field_name="code"
        )

    def parse(self, ctx: ImportContext, row: dict[str, Any]) -> dict[str, Any]:
        errors = cells.Errors()
        code = cells.text(row, "codigo", errors, max_length=15)
        values = {
            "name": cells.text(row, "nombre", errors, max_length=200),
            "sector": cells.choice(row, "sector", errors, SchoolSector.choices),
            "classification": cells.choice(
                row, "clasificacion", errors, SchoolClassification.choices
            ),
            "zone": cells.choice(row, "zona", errors, Zone.choices),
            "address": cells.text(row, "direccion", errors, max_length=250, required=False),
            "phone": cells.text(row, "telefono", errors, max_length=20, required=False),
        }
        municipality_code = cells.text(row, "codigo_municipio", errors, max_length=4)
        municipality = _municipalities(ctx).get(municipality_code.zfill(4))
        if municipality_code and municipality is None:
            errors.add(
                "codigo_municipio",
                _("No existe el municipio «%(code)s».") % {"code": municipality_code},
                _("Use el código de cuatro dígitos del municipio (por ejemplo 0604)."),
            )
        existing = ctx.cache["schools"].get(code)
        if municipality is not None and not ctx.may_touch_department(municipality.department_id):
            errors.add("codigo_municipio", str(_OUT_OF_SCOPE), str(_OUT_OF_SCOPE_HINT))
        elif existing is not None and not ctx.may_touch_department(
            existing.municipality.department_id
        ):
            errors.add("codigo", str(_OUT_OF_SCOPE), str(_OUT_OF_SCOPE_HINT))
        if code and not ctx.first_time("school", code):
            _duplicate(errors, "codigo")
        errors.raise_if_any()
        values["municipality_id"] = municipality.pk
        return {"code": code, "values": values, "existing": existing}

    def upsert(self, ctx: ImportContext, items: Sequence[dict[str, Any]]) -> UpsertCounts:
        counts = UpsertCounts()
        new, changed = [], []
        for item in items:
            school = item["existing"]
            if school is None:
                new.append(School(code=item["code"], **item["values"]))
                continue
            differs = [f for f, v in item["values"].items() if getattr(school, f) != v]
            if differs:
                for field in differs:
                    setattr(school, field, item["values"][field])
                changed.append(school)
            else:
                counts.unchanged += 1
        School.objects.bulk_create(new)
        fields = ["name", "sector", "classification", "zone", "municipality_id", "address", "phone"]
        School.objects.bulk_update(changed, fields)
        counts.created, counts.updated = len(new), len(changed)
        return counts


def grade_by_text(ctx: ImportContext, value: str) -> Grade | None:
    """A grade by its code (G1, BG2) or its name («1.º grado»)."""
    if "grades" not in ctx.cache:
        grades = {}
        for grade in Grade.objects.all():
            grades[grade.code.casefold()] = grade
            grades[grade.name.casefold()] = grade
        ctx.cache["grades"] = grades
    return ctx.cache["grades"].get(value.strip().casefold())


def school_years(ctx: ImportContext) -> set[int]:
    if "years" not in ctx.cache:
        ctx.cache["years"] = set(SchoolYear.objects.values_list("year", flat=True))
    return ctx.cache["years"]


def section_key_cells(
    ctx: ImportContext, row: dict[str, Any], errors: cells.Errors
) -> tuple[School | None, int | None, Grade | None, str, str]:
    """The school, year, grade, section name and shift a row names (shared with students)."""
    code = cells.text(row, "codigo_centro", errors, max_length=15)
    school = ctx.cache["schools"].get(code)
    if code and school is None:
        errors.add(
            "codigo_centro",
            _("No existe el centro educativo «%(code)s».") % {"code": code},
            _("Revise el código o importe primero el centro educativo."),
        )
    elif school is not None and not ctx.may_touch_department(school.municipality.department_id):
        errors.add("codigo_centro", str(_OUT_OF_SCOPE), str(_OUT_OF_SCOPE_HINT))
        school = None
    year = cells.integer(row, "año", errors, minimum=1990, maximum=2100)
    if year is not None and year not in school_years(ctx):
        errors.add(
            "año",
            _("El año lectivo %(year)s no está registrado.") % {"year": year},
            _("Use un año lectivo existente."),
        )
        year = None
    grade_text = cells.text(row, "grado", errors, max_length=60)
    grade = grade_by_text(ctx, grade_text) if grade_text else None
    if grade_text and grade is None:
        errors.add(
            "grado",
            _("No existe el grado «%(grade)s».") % {"grade": grade_text},
            _("Use el código del grado (P4…P6, G1…G9, BG1, BG2, BT1…BT3)."),
        )
    name = cells.text(row, "seccion", errors, max_length=10).upper()
    if "shift_map" not in ctx.cache:
        ctx.cache["shift_map"] = cells.option_map(Shift.choices)
    shift = cells.choice(row, "turno", errors, ctx.cache["shift_map"])
    return school, year, grade, name, shift


def _load_schools(ctx: ImportContext, rows: Sequence[dict[str, Any]]) -> None:
    codes = {str(row.get("codigo_centro", "")).strip() for row in rows}
    ctx.cache["schools"] = School.objects.select_related("municipality").in_bulk(
        codes, field_name="code"
    )


class SectionImporter(Importer):
    kind = "sections"
    label = gettext_lazy("Secciones")
    description = gettext_lazy("Crea secciones de un año lectivo o actualiza su cupo.")
    position = 20
    columns = (
        Column(
            "codigo_centro",
            gettext_lazy("Código del centro"),
            gettext_lazy("Código del centro educativo."),
            "10234",
        ),
        Column(
            "año", gettext_lazy("Año lectivo"), gettext_lazy("Año lectivo de la sección."), "2026"
        ),
        Column(
            "grado",
            gettext_lazy("Grado"),
            gettext_lazy("Código del grado (G1…G9, BG1…) o su nombre."),
            "G1",
        ),
        Column(
            "seccion", gettext_lazy("Sección"), gettext_lazy("Letra o nombre de la sección."), "A"
        ),
        Column(
            "turno",
            gettext_lazy("Turno"),
            gettext_lazy("matutino, vespertino o nocturno."),
            "matutino",
        ),
        Column(
            "cupo",
            gettext_lazy("Cupo"),
            gettext_lazy("Opcional; 40 si se deja vacío."),
            "35",
            required=False,
        ),
    )

    def prepare(self, ctx: ImportContext, rows: Sequence[dict[str, Any]]) -> None:
        _load_schools(ctx, rows)
        school_ids = [school.pk for school in ctx.cache["schools"].values()]
        ctx.cache["sections"] = {
            (s.school_id, s.school_year_id, s.grade_id, s.name, s.shift): s
            for s in Section.objects.filter(school_id__in=school_ids)
        }

    def parse(self, ctx: ImportContext, row: dict[str, Any]) -> dict[str, Any]:
        errors = cells.Errors()
        school, year, grade, name, shift = section_key_cells(ctx, row, errors)
        capacity = cells.integer(row, "cupo", errors, minimum=1, maximum=200, required=False)
        errors.raise_if_any()
        key = (school.pk, year, grade.pk, name, shift)
        if not ctx.first_time("section", key):
            _duplicate(errors, "seccion")
            errors.raise_if_any()
        return {"key": key, "capacity": capacity, "existing": ctx.cache["sections"].get(key)}

    def upsert(self, ctx: ImportContext, items: Sequence[dict[str, Any]]) -> UpsertCounts:
        counts = UpsertCounts()
        new, changed = [], []
        for item in items:
            section = item["existing"]
            school_id, year, grade_id, name, shift = item["key"]
            if section is None:
                new.append(
                    Section(
                        school_id=school_id,
                        school_year_id=year,
                        grade_id=grade_id,
                        name=name,
                        shift=shift,
                        capacity=item["capacity"] or 40,
                    )
                )
            elif item["capacity"] is not None and item["capacity"] != section.capacity:
                section.capacity = item["capacity"]
                changed.append(section)
            else:
                counts.unchanged += 1
        Section.objects.bulk_create(new)
        Section.objects.bulk_update(changed, ["capacity"])
        counts.created, counts.updated = len(new), len(changed)
        return counts
