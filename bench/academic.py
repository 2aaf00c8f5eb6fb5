"""A synthetic country's schools, students, enrollments, a month of attendance and the first
grades, streamed into PostgreSQL with COPY: ``python -m bench generate-academic``.

At ``--scale 1``: 6,000 schools, 45,000 sections, 1,300,000 students (one person, one student,
one active enrollment each), every section's attendance on each class day of one month (about
26 million rows) and each student's grades of the first grading period. The national structure
(grades, study plans, subjects, periods, scales, the school year and its calendar) is the one
the migrations ship; the generator adds nothing to it. Deterministic for a given ``--seed``.

The big tables (attendance rows above all) are loaded with their secondary indexes and
foreign keys dropped, then re-created from their own definitions, as the help-desk generator
does (bench/generate.py). Before they are re-created, PostgreSQL's own COPY rate for the
attendance table is measured in the same state: a sample of the rows just written, read back as
COPY text, is written again (with new ids) inside a savepoint that is rolled back. The two rates,
side by side, say how much of the load time is the generator's Python.
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import IO, Any

from django.db import connections, transaction
from django.utils import timezone

from . import vocab
from .generate import (
    NULL,
    BenchError,
    CopyTable,
    Progress,
    check_migrations,
    drop_secondary,
    recreate_secondary,
    reserve_ids,
    text,
)

FULL_SCHOOLS = 6_000
FULL_SECTIONS = 45_000
FULL_STUDENTS = 1_300_000
MAX_SECTION_SIZE = 45
SCHOOL_CODE_PREFIX = "BA"
# Sections of the same size as the attendance benchmark's: one in this many has exactly 45.
FULL_SECTION_EVERY = 20
# Rows written again to measure PostgreSQL's own COPY rate (at most; fewer on small runs).
REFERENCE_ROWS = 500_000
REFERENCE_RUNS = 3
REBUILD_THRESHOLD = 200_000

# Attendance of one student on one day: present / absent / justified with a reason.
ABSENT_RATE = 0.05
JUSTIFIED_RATE = 0.02
JUSTIFICATIONS = (
    "Cita médica",
    "Enfermedad con constancia",
    "Duelo familiar",
    "Trámite con su responsable",
)


@dataclass
class AcademicOptions:
    scale: float = 1.0
    year: int = 2026
    month: int = 2
    grades: bool = True
    seed: int = 2026
    force: bool = False
    vacuum: bool = True
    rebuild_indexes: str = "auto"

    @property
    def schools(self) -> int:
        return max(1, round(FULL_SCHOOLS * self.scale))

    @property
    def sections(self) -> int:
        return max(self.schools, round(FULL_SECTIONS * self.scale))

    @property
    def students(self) -> int:
        return max(self.sections, round(FULL_STUDENTS * self.scale))


@dataclass
class AcademicReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    attendance_rate: float = 0.0  # rows per second, the generator (Python + COPY)
    reference_rate: float = 0.0  # rows per second, PostgreSQL COPY of pre-rendered rows
    rebuilt_indexes: bool = False

    @property
    def rate_ratio(self) -> float:
        return self.attendance_rate / self.reference_rate if self.reference_rate else 0.0


def _models() -> dict[str, Any]:
    from core.accounts.models import Person
    from modules.academics.models import AttendanceDay, AttendanceRecord, GradeEntry
    from modules.schools.models import (
        Calendar,
        Grade,
        GradingPeriod,
        Municipality,
        School,
        SchoolInfrastructure,
        SchoolYear,
        Section,
        StudyPlan,
        Subject,
    )
    from modules.students.models import Enrollment, Student

    return {
        "Person": Person,
        "School": School,
        "SchoolInfrastructure": SchoolInfrastructure,
        "Section": Section,
        "Student": Student,
        "Enrollment": Enrollment,
        "AttendanceDay": AttendanceDay,
        "AttendanceRecord": AttendanceRecord,
        "GradeEntry": GradeEntry,
        "Calendar": Calendar,
        "Grade": Grade,
        "GradingPeriod": GradingPeriod,
        "Municipality": Municipality,
        "SchoolYear": SchoolYear,
        "StudyPlan": StudyPlan,
        "Subject": Subject,
    }


# --- The plan: which schools teach which grades, how big each section is --------------------------


@dataclass(frozen=True)
class PlanGrade:
    grade_id: int
    plan_id: int
    age: int
    subjects: tuple[int, ...]
    first_period: int
    numeric: bool
    concepts: tuple[str, ...]


# A school's offer by kind: (share of schools, grade codes).
SCHOOL_KINDS = (
    (
        "centro_escolar",
        0.70,
        ("P4", "P5", "P6", "G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8", "G9"),
    ),
    ("instituto_nacional", 0.10, ("BG1", "BG2", "BT1", "BT2", "BT3")),
    (
        "complejo_educativo",
        0.12,
        ("G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8", "G9", "BG1", "BG2"),
    ),
    ("parvularia", 0.08, ("P4", "P5", "P6")),
)
SHIFTS = ("matutino", "vespertino")


def class_days(calendar: Any, year: int, month: int) -> list[date]:
    """Weekdays of ``month`` inside the national calendar, minus SV public holidays and the
    calendar's events that suspend classes (what the application counts as class days)."""
    import holidays

    public = holidays.country_holidays("SV", years=year)
    suspended: set[date] = set()
    for event in calendar.events.filter(suspends_classes=True):
        day = event.start_date
        while day <= event.end_date:
            suspended.add(day)
            day += timedelta(days=1)
    day, days = date(year, month, 1), []
    while day.month == month:
        if (
            day.weekday() < 5
            and calendar.start_date <= day <= calendar.end_date
            and day not in public
            and day not in suspended
        ):
            days.append(day)
        day += timedelta(days=1)
    return days


def _section_sizes(sections: int, students: int, rng: random.Random) -> list[int]:
    """Sizes between 1 and 45 adding up to ``students``; one section in FULL_SECTION_EVERY is
    exactly 45 (when the average allows), so the attendance benchmark has many to choose from."""
    if students > sections * MAX_SECTION_SIZE:
        raise BenchError(
            f"{students:,} estudiantes no caben en {sections:,} secciones de 45 como máximo."
        )
    sizes = [rng.randint(15, MAX_SECTION_SIZE) for _ in range(sections)]
    factor = students / sum(sizes)
    sizes = [min(MAX_SECTION_SIZE, max(1, round(s * factor))) for s in sizes]
    full = set(range(0, sections, FULL_SECTION_EVERY)) if students >= sections * 20 else set()
    for index in full:
        sizes[index] = MAX_SECTION_SIZE
    adjustable = [i for i in range(sections) if i not in full]
    difference = students - sum(sizes)
    while difference:
        index = rng.choice(adjustable)
        if difference > 0 and sizes[index] < MAX_SECTION_SIZE:
            sizes[index] += 1
            difference -= 1
        elif difference < 0 and sizes[index] > 1:
            sizes[index] -= 1
            difference += 1
    return sizes


# --- Loading -------------------------------------------------------------------------------------


def check_academic_database(using: str, force: bool) -> None:
    from modules.schools.models import School

    connection = connections[using]
    if connection.vendor != "postgresql":
        raise BenchError(
            f"El generador solo funciona en PostgreSQL (la base «{using}» es {connection.vendor})."
            " Indique --database-url postgres://…"
        )
    check_migrations(using)
    if (
        not force
        and School.objects.using(using).filter(code__startswith=SCHOOL_CODE_PREFIX).exists()
    ):
        raise BenchError(
            "La base de datos ya tiene centros generados; use una base nueva o --force."
        )


def _plan_grades(models: dict[str, Any], year: int) -> dict[str, PlanGrade]:
    plans = {}
    for plan in (
        models["StudyPlan"]
        .objects.filter(school_year_id=year, modality__code="regular")
        .select_related("grade", "scale")
        .prefetch_related("subjects", "periods", "scale__concepts")
    ):
        periods = sorted(plan.periods.all(), key=lambda p: p.number)
        plans[plan.grade.code] = PlanGrade(
            grade_id=plan.grade_id,
            plan_id=plan.pk,
            age=plan.grade.intended_age or 10,
            subjects=tuple(s.pk for s in sorted(plan.subjects.all(), key=lambda s: s.position)),
            first_period=periods[0].pk,
            numeric=plan.scale.kind == "numeric",
            concepts=tuple(c.code for c in plan.scale.concepts.all()),
        )
    if not plans:
        raise BenchError(f"No hay planes de estudio de {year}: ejecute las migraciones.")
    return plans


def generate_academic(
    options: AcademicOptions, *, out: IO[str] | None = None, using: str = "default"
) -> AcademicReport:
    out = out or sys.stdout
    check_academic_database(using, options.force)
    models = _models()
    rng = random.Random(options.seed)
    report = AcademicReport()
    started = time.perf_counter()
    connection = connections[using]
    year = models["SchoolYear"].objects.get(pk=options.year).pk
    calendar = models["Calendar"].objects.get(school_year_id=year, school__isnull=True)
    days = class_days(calendar, options.year, options.month)
    plans = _plan_grades(models, year)
    municipalities = list(
        models["Municipality"].objects.order_by("pk").values_list("pk", flat=True)
    )
    if not municipalities:
        raise BenchError("No hay municipios: ejecute las migraciones.")
    n_schools, n_sections, n_students = options.schools, options.sections, options.students
    expected_rows = n_students * len(days)
    rebuild = options.rebuild_indexes == "yes" or (
        options.rebuild_indexes == "auto" and expected_rows >= REBUILD_THRESHOLD
    )
    report.rebuilt_indexes = rebuild
    print(
        f"Generating {n_schools:,} schools, {n_sections:,} sections, {n_students:,} students, "
        f"{len(days)} class days of {options.year}-{options.month:02d} (≈{expected_rows:,} "
        f"attendance rows) on «{connection.settings_dict.get('NAME')}»"
        f"{' (dropping and re-creating indexes)' if rebuild else ''}",
        file=out,
        flush=True,
    )
    now = timezone.now().replace(microsecond=0)
    stamp = now.isoformat()
    big_tables = [
        models[name]._meta.db_table
        for name in (
            "Person",
            "Student",
            "Enrollment",
            "AttendanceDay",
            "AttendanceRecord",
            "GradeEntry",
        )
    ]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        saved = drop_secondary(cursor, big_tables) if rebuild else None
        if saved is not None:
            # A partitioned parent's index definition says ON ONLY; re-created, it must span
            # the partitions again.
            saved.indexes = [(n, d.replace(" ON ONLY ", " ON ", 1)) for n, d in saved.indexes]

        # Schools and their infrastructure.
        school_start = reserve_ids(cursor, models["School"]._meta.db_table, n_schools)
        kinds = []
        weights = [share for _k, share, _g in SCHOOL_KINDS]
        school_lines = []
        for index in range(n_schools):
            kind = rng.choices(SCHOOL_KINDS, weights)[0]
            kinds.append(kind)
            school_id = school_start + index
            name = f"{_kind_name(kind[0])} {rng.choice(vocab.LAST_NAMES)} {index + 1}"
            school_lines.append(
                f"{school_id}\t{SCHOOL_CODE_PREFIX}{index + 1:05d}\t{text(name)}\tpublic\t"
                f"{kind[0]}\t"
                f"{'urban' if rng.random() < 0.55 else 'rural'}\t{rng.choice(municipalities)}\t"
                f"Dirección {index + 1}\t\t\\N\tt"
            )
        CopyTable(
            cursor,
            models["School"],
            [
                "id",
                "code",
                "name",
                "sector",
                "classification",
                "zone",
                "municipality_id",
                "address",
                "phone",
                "attached_to_id",
                "is_active",
            ],
        ).load(school_lines, Progress(out, "schools", n_schools))
        infra_start = reserve_ids(cursor, models["SchoolInfrastructure"]._meta.db_table, n_schools)
        CopyTable(
            cursor,
            models["SchoolInfrastructure"],
            [
                "id",
                "school_id",
                "classrooms",
                "laboratories",
                "has_water",
                "has_electricity",
                "has_internet",
                "is_accessible",
                "condition",
                "updated_at",
            ],
        ).load(
            (
                f"{infra_start + i}\t{school_start + i}\t{rng.randint(3, 30)}\t"
                f"{rng.randint(0, 3)}\t"
                f"{_flag(rng, 0.9)}\t{_flag(rng, 0.95)}\t{_flag(rng, 0.6)}\t{_flag(rng, 0.4)}\t"
                f"{rng.choice(('good', 'fair', 'poor'))}\t{stamp}"
                for i in range(n_schools)
            ),
            Progress(out, "infrastructure", n_schools),
        )
        report.counts["schools"] = n_schools

        # Sections: schools take turns, each through its own grades and shifts.
        section_school, section_grade = [], []
        per_school = [0] * n_schools
        for index in range(n_sections):
            school = index % n_schools if index < n_schools else rng.randrange(n_schools)
            grades = kinds[school][2]
            code = grades[per_school[school] % len(grades)]
            per_school[school] += 1
            section_school.append(school)
            section_grade.append(code)
        section_start = reserve_ids(cursor, models["Section"]._meta.db_table, n_sections)
        letters: dict[tuple[int, str], int] = {}
        section_lines = []
        for index in range(n_sections):
            school, code = section_school[index], section_grade[index]
            letter_index = letters.get((school, code), 0)
            letters[(school, code)] = letter_index + 1
            letter = chr(ord("A") + letter_index % 26) + (
                "" if letter_index < 26 else str(letter_index // 26)
            )
            plan = plans[code]
            section_lines.append(
                f"{section_start + index}\t{school_start + school}\t{year}\t{plan.grade_id}\t"
                f"{plan.plan_id}\t{letter}\t{SHIFTS[letter_index % 2]}\tweekdays\t"
                f"{MAX_SECTION_SIZE}"
            )
        CopyTable(
            cursor,
            models["Section"],
            [
                "id",
                "school_id",
                "school_year_id",
                "grade_id",
                "study_plan_id",
                "name",
                "shift",
                "regimen",
                "capacity",
            ],
        ).load(section_lines, Progress(out, "sections", n_sections))
        report.counts["sections"] = n_sections

        # People, students and their enrollments, section by section.
        sizes = _section_sizes(n_sections, n_students, rng)
        person_start = reserve_ids(cursor, models["Person"]._meta.db_table, n_students)
        student_start = reserve_ids(cursor, models["Student"]._meta.db_table, n_students)
        enrollment_start = reserve_ids(cursor, models["Enrollment"]._meta.db_table, n_students)
        student_table = models["Student"]._meta.db_table
        nie_query = f'SELECT GREATEST(COALESCE(MAX(nie), 0) + 1, 10000000) FROM "{student_table}"'  # noqa: S608
        cursor.execute(nie_query)
        nie_start = cursor.fetchone()[0]
        owner = []  # section index of each student, in id order
        for section, size in enumerate(sizes):
            owner.extend([section] * size)
        person_lines, student_lines, enrollment_lines = [], [], []
        enrolled_on = date(options.year, 1, 20).isoformat()
        for index, section in enumerate(owner):
            female = rng.random() < 0.5
            first = rng.choice(vocab.FEMALE_NAMES if female else vocab.MALE_NAMES)
            last = f"{rng.choice(vocab.LAST_NAMES)} {rng.choice(vocab.LAST_NAMES)}"
            age = plans[section_grade[section]].age
            birth = date(options.year - age, 1, 1) + timedelta(days=rng.randrange(365))
            person_lines.append(
                f"{person_start + index}\t{NULL}\t{first}\t{last}\t{birth.isoformat()}\t"
                f"{'F' if female else 'M'}\t\t\t{stamp}"
            )
            student_lines.append(
                f"{student_start + index}\t{person_start + index}\t{nie_start + index}\t{stamp}"
            )
            enrollment_lines.append(
                f"{enrollment_start + index}\t{student_start + index}\t{section_start + section}\t"
                f"{school_start + section_school[section]}\t{year}\t{enrolled_on}\t"
                f"{'t' if rng.random() < 0.03 else 'f'}\tactive\t\t{stamp}\t{stamp}"
            )
        CopyTable(
            cursor,
            models["Person"],
            [
                "id",
                "dui",
                "first_names",
                "last_names",
                "birth_date",
                "sex",
                "email",
                "phone",
                "created_at",
            ],
        ).load(person_lines, Progress(out, "persons", n_students))
        del person_lines
        CopyTable(cursor, models["Student"], ["id", "person_id", "nie", "created_at"]).load(
            student_lines, Progress(out, "students", n_students)
        )
        del student_lines
        CopyTable(
            cursor,
            models["Enrollment"],
            [
                "id",
                "student_id",
                "section_id",
                "school_id",
                "school_year_id",
                "enrolled_on",
                "is_repeater",
                "status",
                "status_note",
                "created_at",
                "updated_at",
            ],
        ).load(enrollment_lines, Progress(out, "enrollments", n_students))
        del enrollment_lines
        _advance_nie_sequence(cursor, nie_start + n_students - 1)
        report.counts["students"] = report.counts["enrollments"] = n_students

        # Attendance: the rows first (counting per section-day), then the section-day headers.
        n_days = len(days)
        day_start = reserve_ids(cursor, models["AttendanceDay"]._meta.db_table, n_sections * n_days)
        record_table = models["AttendanceRecord"]._meta.db_table
        record_start = reserve_ids(cursor, record_table, expected_rows)
        record_columns = ["id", "day_id", "enrollment_id", "presence", "reason"]
        dated = "date" in {f.column for f in models["AttendanceRecord"]._meta.concrete_fields}
        if dated:
            record_columns.append("date")  # the partition key (core/partitions.py)
        counts = [[0, 0, 0] for _ in range(n_sections * n_days)]
        day_texts = [d.isoformat() for d in days]
        firsts = []
        first = 0
        for size in sizes:
            firsts.append(first)
            first += size
        attendance_rng = random.Random(options.seed + 1)
        absent_cut, justified_cut = ABSENT_RATE, ABSENT_RATE + JUSTIFIED_RATE

        def record_lines():
            record_id = record_start
            rand = attendance_rng.random
            for section in range(n_sections):
                first_student, size = firsts[section], sizes[section]
                for d in range(n_days):
                    header = section * n_days + d
                    header_id = day_start + header
                    tally = counts[header]
                    suffix = f"\t{day_texts[d]}" if dated else ""
                    prefix = f"\t{header_id}\t"
                    for student in range(first_student, first_student + size):
                        draw = rand()
                        if draw >= justified_cut:
                            status, reason = "present", ""
                            tally[0] += 1
                        elif draw >= absent_cut:
                            status, reason = "justified", JUSTIFICATIONS[student % 4]
                            tally[2] += 1
                        else:
                            status, reason = "absent", ""
                            tally[1] += 1
                        yield (
                            f"{record_id}{prefix}{enrollment_start + student}\t"
                            f"{status}\t{reason}{suffix}"
                        )
                        record_id += 1

        load_started = time.perf_counter()
        rows = CopyTable(cursor, models["AttendanceRecord"], record_columns).load(
            record_lines(), Progress(out, "attendance rows", expected_rows)
        )
        report.attendance_rate = rows / max(time.perf_counter() - load_started, 1e-9)
        report.counts["attendance_rows"] = rows
        CopyTable(
            cursor,
            models["AttendanceDay"],
            [
                "id",
                "section_id",
                "date",
                "present",
                "absent",
                "justified",
                "taken_at",
                "updated_at",
            ],
        ).load(
            (
                f"{day_start + section * n_days + d}\t{section_start + section}\t{day_texts[d]}\t"
                f"{counts[section * n_days + d][0]}\t{counts[section * n_days + d][1]}\t"
                f"{counts[section * n_days + d][2]}\t{stamp}\t{stamp}"
                for section in range(n_sections)
                for d in range(n_days)
            ),
            Progress(out, "attendance days", n_sections * n_days),
        )
        report.counts["attendance_days"] = n_sections * n_days

        # The first grading period's grades of every student in every subject.
        if options.grades:
            total = sum(sizes[s] * len(plans[section_grade[s]].subjects) for s in range(n_sections))
            grade_start = reserve_ids(cursor, models["GradeEntry"]._meta.db_table, total)
            grade_rng = random.Random(options.seed + 2)

            def grade_lines():
                grade_id = grade_start
                for section in range(n_sections):
                    plan = plans[section_grade[section]]
                    for student in range(firsts[section], firsts[section] + sizes[section]):
                        for subject in plan.subjects:
                            if plan.numeric:
                                value = f"{min(10.0, max(0.0, grade_rng.gauss(7.2, 1.5))):.1f}\t"
                            else:
                                value = f"{NULL}\t{grade_rng.choice(plan.concepts)}"
                            yield (
                                f"{grade_id}\t{enrollment_start + student}\t{subject}\t"
                                f"{plan.first_period}\t{value}\t{stamp}"
                            )
                            grade_id += 1

            report.counts["grades"] = CopyTable(
                cursor,
                models["GradeEntry"],
                [
                    "id",
                    "enrollment_id",
                    "subject_id",
                    "period_id",
                    "score",
                    "concept",
                    "updated_at",
                ],
            ).load(grade_lines(), Progress(out, "grades", total))

        report.reference_rate = _reference_copy_rate(cursor, record_table, rows, out)
        if saved is not None:
            print("Re-creating indexes and constraints…", file=out, flush=True)
            recreate_secondary(cursor, saved, out)
        print("Committing…", file=out, flush=True)
    if options.vacuum:
        with connection.cursor() as cursor:
            for table in (
                models["School"]._meta.db_table,
                models["Section"]._meta.db_table,
                *big_tables,
            ):
                step = time.perf_counter()
                cursor.execute(f'VACUUM (ANALYZE) "{table}"')
                print(
                    f"  ✓ VACUUM (ANALYZE) {table} ({time.perf_counter() - step:.1f} s)",
                    file=out,
                    flush=True,
                )
    report.seconds = time.perf_counter() - started
    summary = ", ".join(f"{name} {value:,}" for name, value in report.counts.items())
    print(f"Done in {report.seconds:.0f} s: {summary}.", file=out, flush=True)
    print(
        f"Attendance rows: generator {report.attendance_rate:,.0f} rows/s, PostgreSQL COPY "
        f"{report.reference_rate:,.0f} rows/s on the same table: {report.rate_ratio:.0%} "
        "(goal ≥ 30 %).",
        file=out,
        flush=True,
    )
    return report


def _reference_copy_rate(cursor: Any, table: str, loaded: int, out: IO[str]) -> float:
    """PostgreSQL's COPY rate for ``table`` as it stands: rows just loaded, read back as COPY
    text with their ids (and ``day_id``, part of a unique key) moved past the last ones, written
    again, then rolled back (with the foreign-key checks they queued)."""
    sample = min(REFERENCE_ROWS, loaded)
    if not sample:
        return 0.0
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum",
        [table],
    )
    columns = [row[0] for row in cursor.fetchall()]
    shifted = [c for c in ("id", "day_id") if c in columns]
    maxima = ", ".join(f'COALESCE(MAX("{c}"), 0)' for c in shifted)
    cursor.execute(f'SELECT {maxima} FROM "{table}"')  # noqa: S608
    offsets = dict(zip(shifted, cursor.fetchone(), strict=True))
    select = ", ".join(f'"{c}" + {offsets[c]}' if c in offsets else f'"{c}"' for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    raw = getattr(cursor, "cursor", cursor)
    query = f'SELECT {select} FROM "{table}" ORDER BY id LIMIT {sample}'  # noqa: S608
    with raw.copy(f"COPY ({query}) TO STDOUT") as copy:
        data = b"".join(bytes(row) for row in copy)
    # Written back in 1 MB pieces, so the time is PostgreSQL's and not per-row Python calls.
    blocks = [data[i : i + (1 << 20)] for i in range(0, len(data), 1 << 20)]
    # The best of three runs: the machine may be busy with something else during one of them.
    best = float("inf")
    for _run in range(REFERENCE_RUNS):
        cursor.execute("SAVEPOINT bench_reference")
        started = time.perf_counter()
        with raw.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for block in blocks:
                copy.write(block)
        best = min(best, time.perf_counter() - started)
        cursor.execute("ROLLBACK TO SAVEPOINT bench_reference")
    rate = sample / max(best, 1e-9)
    print(
        f"  ✓ PostgreSQL COPY of {sample:,} pre-rendered rows into {table}: {rate:,.0f} rows/s",
        file=out,
        flush=True,
    )
    return rate


def _advance_nie_sequence(cursor: Any, last: int) -> None:
    cursor.execute("SELECT to_regclass('students_nie_seq') IS NOT NULL")
    if cursor.fetchone()[0]:
        cursor.execute(
            "SELECT setval('students_nie_seq', "
            "GREATEST(%s, (SELECT last_value FROM students_nie_seq)))",
            [last],
        )


def _flag(rng: random.Random, probability: float) -> str:
    return "t" if rng.random() < probability else "f"


def _kind_name(kind: str) -> str:
    return {
        "centro_escolar": "Centro Escolar",
        "instituto_nacional": "Instituto Nacional",
        "complejo_educativo": "Complejo Educativo",
        "parvularia": "Escuela de Educación Parvularia",
    }[kind]


__all__ = ["AcademicOptions", "AcademicReport", "class_days", "generate_academic"]
