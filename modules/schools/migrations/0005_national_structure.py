"""Ship the national education structure, grading scales, the 2026 school year and calendar,
and move existing sections from their free-text grade and year number onto the new rows.

The data is written here (not read from app code) so the migration keeps meaning the same
thing whatever the code becomes. See docs/domain.md §4.
"""

import re
from datetime import date
from decimal import Decimal

from django.db import migrations

LEVELS = (
    ("inicial", "Educación Inicial", 1),
    ("parvularia", "Educación Parvularia", 2),
    ("basica", "Educación Básica", 3),
    ("media", "Educación Media", 4),
)
CYCLES = (
    ("basica", "ciclo-1", "Primer ciclo", 1),
    ("basica", "ciclo-2", "Segundo ciclo", 2),
    ("basica", "ciclo-3", "Tercer ciclo", 3),
)
MODALITIES = (
    ("regular", "Regular", "regular", False),
    ("distancia", "Educación a distancia", "flexible", True),
    ("semipresencial", "Semipresencial", "flexible", True),
    ("nocturna", "Nocturna", "flexible", False),
    ("acelerada", "Educación acelerada", "flexible", True),
    ("virtual", "Virtual", "flexible", True),
    ("suficiencia", "Pruebas de suficiencia", "flexible", True),
)
# (code, name, level, cycle, track, intended age, next grade code)
GRADES = (
    ("P4", "Parvularia 4 años", "parvularia", None, "", 4, "P5"),
    ("P5", "Parvularia 5 años", "parvularia", None, "", 5, "P6"),
    ("P6", "Parvularia 6 años", "parvularia", None, "", 6, "G1"),
    ("G1", "1.º grado", "basica", "ciclo-1", "", 7, "G2"),
    ("G2", "2.º grado", "basica", "ciclo-1", "", 8, "G3"),
    ("G3", "3.º grado", "basica", "ciclo-1", "", 9, "G4"),
    ("G4", "4.º grado", "basica", "ciclo-2", "", 10, "G5"),
    ("G5", "5.º grado", "basica", "ciclo-2", "", 11, "G6"),
    ("G6", "6.º grado", "basica", "ciclo-2", "", 12, "G7"),
    ("G7", "7.º grado", "basica", "ciclo-3", "", 13, "G8"),
    ("G8", "8.º grado", "basica", "ciclo-3", "", 14, "G9"),
    ("G9", "9.º grado", "basica", "ciclo-3", "", 15, None),
    ("BG1", "1.º año de bachillerato", "media", None, "general", 16, "BG2"),
    ("BG2", "2.º año de bachillerato", "media", None, "general", 17, None),
    ("BT1", "1.º año de bachillerato técnico", "media", None, "technical", 16, "BT2"),
    ("BT2", "2.º año de bachillerato técnico", "media", None, "technical", 17, "BT3"),
    ("BT3", "3.º año de bachillerato técnico", "media", None, "technical", 18, None),
)
# Passing mark 5 in Básica is a project decision, kept as data (docs/domain.md §4).
SCALES = (
    ("basica-0-10", "Escala 0–10 (Educación Básica)", "numeric", "0", "10", "5", 1),
    ("media-0-10", "Escala 0–10 (Educación Media)", "numeric", "0", "10", "6", 1),
    ("parvularia-conceptual", "Escala conceptual (Educación Parvularia)", "conceptual", None,
     None, None, 0),
)
CONCEPTS = (
    ("EX", "Lo hace con excelencia", True),
    ("LH", "Lo hace", True),
    ("EP", "En proceso", True),
    ("NL", "Necesita apoyo", False),
)
SUBJECTS = {
    "parvularia": (
        ("DPS", "Desarrollo personal y social"),
        ("ECR", "Expresión, comunicación y representación"),
        ("RE", "Relación con el entorno"),
    ),
    "basica": (
        ("LEN", "Lenguaje y Literatura"),
        ("MAT", "Matemática"),
        ("CSM", "Ciencia, Salud y Medio Ambiente"),
        ("SOC", "Estudios Sociales"),
        ("ING", "Inglés"),
        ("ART", "Educación Artística"),
        ("EFI", "Educación Física"),
        ("MUC", "Moral, Urbanidad y Cívica"),
    ),
    "general": (
        ("LEN", "Lenguaje y Literatura"),
        ("MAT", "Matemática"),
        ("CNA", "Ciencias Naturales"),
        ("SOC", "Estudios Sociales y Cívica"),
        ("ING", "Inglés"),
        ("INF", "Informática"),
        ("OPV", "Orientación para la Vida"),
    ),
    "technical": (
        ("LEN", "Lenguaje y Literatura"),
        ("MAT", "Matemática"),
        ("CNA", "Ciencias Naturales"),
        ("SOC", "Estudios Sociales y Cívica"),
        ("ING", "Inglés"),
        ("INF", "Informática"),
        ("MTE", "Módulos técnicos de la especialidad"),
    ),
}
TRIMESTERS_2026 = (
    (1, "Primer trimestre", date(2026, 2, 2), date(2026, 4, 30)),
    (2, "Segundo trimestre", date(2026, 5, 4), date(2026, 7, 31)),
    (3, "Tercer trimestre", date(2026, 8, 3), date(2026, 11, 13)),
)
PERIODS_2026 = (
    (1, "Primer período", date(2026, 2, 2), date(2026, 3, 27)),
    (2, "Segundo período", date(2026, 4, 6), date(2026, 6, 12)),
    (3, "Tercer período", date(2026, 6, 15), date(2026, 8, 28)),
    (4, "Cuarto período", date(2026, 8, 31), date(2026, 11, 13)),
)
# Vacations that are not public holidays; the holidays themselves come from the ``holidays``
# package (country SV) when class days are computed.
EVENTS_2026 = (
    ("Vacación de Semana Santa", date(2026, 3, 30), date(2026, 4, 1)),
    ("Vacación de fiestas agostinas", date(2026, 8, 3), date(2026, 8, 7)),
    ("Día del Maestro", date(2026, 6, 22), date(2026, 6, 22)),
)

_DIGIT = re.compile(r"(\d)")


def _grade_code_for(text: str) -> str | None:
    """Map an old free-text grade ("1.º grado", "2.º año de bachillerato") to a grade code."""
    lowered = text.strip().lower()
    for code, name, *_rest in GRADES:
        if lowered in (code.lower(), name.lower()):
            return code
    digit = _DIGIT.search(lowered)
    if digit is None:
        return None
    number = digit.group(1)
    if "bachillerato" in lowered:
        prefix = "BT" if "técnico" in lowered or "tecnico" in lowered else "BG"
        return f"{prefix}{number}"
    if "parvularia" in lowered:
        return f"P{number}"
    if "grado" in lowered:
        return f"G{number}"
    return None


def forwards(apps, schema_editor):
    Level = apps.get_model("schools", "Level")
    Cycle = apps.get_model("schools", "Cycle")
    Modality = apps.get_model("schools", "Modality")
    Grade = apps.get_model("schools", "Grade")
    GradingScale = apps.get_model("schools", "GradingScale")
    ScaleConcept = apps.get_model("schools", "ScaleConcept")
    SchoolYear = apps.get_model("schools", "SchoolYear")
    Calendar = apps.get_model("schools", "Calendar")
    CalendarEvent = apps.get_model("schools", "CalendarEvent")
    StudyPlan = apps.get_model("schools", "StudyPlan")
    Subject = apps.get_model("schools", "Subject")
    GradingPeriod = apps.get_model("schools", "GradingPeriod")
    Section = apps.get_model("schools", "Section")

    levels = {
        code: Level.objects.create(code=code, name=name, position=position)
        for code, name, position in LEVELS
    }
    cycles = {
        code: Cycle.objects.create(level=levels[level], code=code, name=name, position=position)
        for level, code, name, position in CYCLES
    }
    for code, name, kind, cohorts in MODALITIES:
        Modality.objects.create(code=code, name=name, kind=kind, runs_as_cohorts=cohorts)
    regular = Modality.objects.get(code="regular")
    grades = {}
    for position, (code, name, level, cycle, track, age, _next) in enumerate(GRADES, start=1):
        grades[code] = Grade.objects.create(
            code=code,
            name=name,
            level=levels[level],
            cycle=cycles[cycle] if cycle else None,
            track=track,
            intended_age=age,
            position=position,
        )
    for code, _name, _level, _cycle, _track, _age, next_code in GRADES:
        if next_code:
            Grade.objects.filter(pk=grades[code].pk).update(next_grade=grades[next_code])

    scales = {}
    for code, name, kind, low, high, passing, precision in SCALES:
        scales[code] = GradingScale.objects.create(
            code=code,
            name=name,
            kind=kind,
            min_value=Decimal(low) if low else None,
            max_value=Decimal(high) if high else None,
            passing_value=Decimal(passing) if passing else None,
            precision=precision,
            rounding="half_up",
        )
    for position, (code, label, passes) in enumerate(CONCEPTS, start=1):
        ScaleConcept.objects.create(
            scale=scales["parvularia-conceptual"],
            code=code,
            label=label,
            position=position,
            passes=passes,
        )

    years = set(Section.objects.values_list("school_year", flat=True)) | {2026}
    for year in sorted(years):
        SchoolYear.objects.create(year=year, is_current=year == 2026)
    year_2026 = SchoolYear.objects.get(year=2026)
    calendar = Calendar.objects.create(
        school_year=year_2026, start_date=date(2026, 2, 2), end_date=date(2026, 11, 13)
    )
    for name, start, end in EVENTS_2026:
        CalendarEvent.objects.create(
            calendar=calendar, name=name, start_date=start, end_date=end, suspends_classes=True
        )

    for code, name, level, _cycle, track, _age, _next in GRADES:
        if level == "parvularia":
            scale, subjects, periods = scales["parvularia-conceptual"], "parvularia", TRIMESTERS_2026
        elif level == "basica":
            scale, subjects, periods = scales["basica-0-10"], "basica", TRIMESTERS_2026
        else:
            scale, subjects, periods = scales["media-0-10"], track, PERIODS_2026
        plan = StudyPlan.objects.create(
            grade=grades[code],
            school_year=year_2026,
            modality=regular,
            scale=scale,
            name=f"{name} — plan 2026",
        )
        for position, (subject_code, subject_name) in enumerate(SUBJECTS[subjects], start=1):
            Subject.objects.create(
                plan=plan, code=subject_code, name=subject_name, position=position
            )
        for number, period_name, start, end in periods:
            GradingPeriod.objects.create(
                plan=plan, number=number, name=period_name, start_date=start, end_date=end
            )

    plans = {
        (plan.grade_id, plan.school_year_id): plan.pk
        for plan in StudyPlan.objects.filter(modality=regular)
    }
    for section in Section.objects.all():
        code = _grade_code_for(section.grade)
        if code not in grades:
            raise RuntimeError(
                f"Section {section.pk}: grade {section.grade!r} matches no national grade; "
                "rename it to one of the grade names before migrating."
            )
        grade = grades[code]
        section.new_grade_id = grade.pk
        section.new_school_year_id = section.school_year
        section.study_plan_id = plans.get((grade.pk, section.school_year))
        section.save(update_fields=["new_grade", "new_school_year", "study_plan"])


def backwards(apps, schema_editor):
    Section = apps.get_model("schools", "Section")
    for section in Section.objects.select_related("new_grade"):
        section.grade = section.new_grade.name
        section.school_year = section.new_school_year_id
        section.save(update_fields=["grade", "school_year"])


class Migration(migrations.Migration):
    dependencies = [("schools", "0004_academic_structure")]

    operations = [migrations.RunPython(forwards, backwards)]
