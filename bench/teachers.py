"""Teachers for a generated country, streamed with COPY (``python -m bench generate-teachers``),
and the timings of the teachers' pages (``python -m bench run-teachers``).

``generate-teachers`` adds to a database filled by ``generate-academic``: at ``--scale 1``
50,000 teachers (person, teacher record, appointment), each section of the year with its
homeroom teacher teaching every subject of its study plan, and each section's week (Monday to
Friday, five periods) in the timetable. A homeroom teacher teaches one section per shift, so the
generated timetable never breaks the "never in two places at once" constraint; the teachers
beyond one per section are the schools' directors and support teachers (appointed, without
subjects). The tables are loaded with their secondary indexes and foreign keys dropped and
re-created, in one transaction, as the other generators do.

``run-teachers`` times, as the school's director (DUI 90000003-x, created on the first run,
the help-desk benchmark's password), the staff page of the generated school with the most
appointments and the timetable page of one of its teachers: median, p95 and query count.
"""

from __future__ import annotations

import json
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import IO, Any

from django.db import connections, transaction
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from . import vocab
from .generate import (
    NULL,
    BenchError,
    CopyTable,
    Progress,
    check_migrations,
    drop_secondary,
    dui_bodies,
    dui_with_check,
    recreate_secondary,
    reserve_ids,
    text,
)

FULL_TEACHERS = 50_000
NIP_START = 30_000_000
DAYS, PERIODS = 5, 5
DIRECTOR_DUI_BODY = "90000003"
REBUILD_THRESHOLD = 100_000
SPECIALTIES = (
    "Educación Básica",
    "Matemática",
    "Lenguaje y Literatura",
    "Ciencias Naturales",
    "Estudios Sociales",
    "Inglés",
    "Educación Física",
    "Educación Parvularia",
)


@dataclass
class TeacherOptions:
    scale: float = 1.0
    year: int = 2026
    seed: int = 2026
    force: bool = False
    rebuild_indexes: str = "auto"
    vacuum: bool = True

    @property
    def teachers(self) -> int:
        return max(1, round(FULL_TEACHERS * self.scale))


@dataclass
class TeacherReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _models() -> dict[str, Any]:
    from core.accounts.models import Person
    from modules.schools.models import Section, Subject
    from modules.teachers.models import Appointment, SubjectAssignment, Teacher, TimetableSlot

    return {
        "Person": Person,
        "Section": Section,
        "Subject": Subject,
        "Teacher": Teacher,
        "Appointment": Appointment,
        "SubjectAssignment": SubjectAssignment,
        "TimetableSlot": TimetableSlot,
    }


def _person_line(rng: random.Random, pk: int, dui: str, now: str) -> str:
    female = rng.random() < 0.68  # most of the teaching staff are women
    first = rng.choice(vocab.FEMALE_NAMES if female else vocab.MALE_NAMES)
    last = f"{rng.choice(vocab.LAST_NAMES)} {rng.choice(vocab.LAST_NAMES)}"
    return f"{pk}\t{dui}\t{text(first)}\t{text(last)}\t{'F' if female else 'M'}\t\t\t{now}"


def generate_teachers(
    options: TeacherOptions, *, out: IO[str] | None = None, using: str = "default"
) -> TeacherReport:
    out = out or sys.stdout
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise BenchError("El generador usa COPY de PostgreSQL: indique --database-url.")
    check_migrations(using)
    models = _models()
    if models["Teacher"].objects.using(using).exists() and not options.force:
        raise BenchError("La base ya tiene docentes: use --force para agregar más.")
    rng = random.Random(options.seed)
    started = time.perf_counter()
    sections = list(
        models["Section"]
        .objects.using(using)
        .filter(school_year_id=options.year, study_plan__isnull=False)
        .order_by("school_id", "shift", "pk")
        .values_list("pk", "school_id", "shift", "study_plan_id")
    )
    if not sections:
        raise BenchError(
            "No hay secciones con plan de estudio: genere antes «python -m bench "
            "generate-academic»."
        )
    subjects: dict[int, list[int]] = {}
    for plan_id, subject_id in (
        models["Subject"].objects.using(using).order_by("plan_id", "position", "pk")
    ).values_list("plan_id", "pk"):
        subjects.setdefault(plan_id, []).append(subject_id)
    schools = sorted({school for _s, school, _sh, _p in sections})
    n_teachers = max(options.teachers, len(sections))
    n_assignments = sum(len(subjects.get(plan, [])) for *_rest, plan in sections)
    n_slots = sum(DAYS * PERIODS for *_rest, plan in sections if subjects.get(plan))
    rebuild = options.rebuild_indexes == "yes" or (
        options.rebuild_indexes == "auto" and n_slots >= REBUILD_THRESHOLD
    )
    print(
        f"Generating {n_teachers:,} teachers for {len(sections):,} sections of "
        f"{len(schools):,} schools ({n_assignments:,} subject assignments, {n_slots:,} "
        f"timetable periods) on «{connection.settings_dict.get('NAME')}»"
        f"{' (dropping and re-creating indexes)' if rebuild else ''}",
        file=out,
        flush=True,
    )
    now = timezone.now().replace(microsecond=0).isoformat()
    report = TeacherReport()
    tables = [
        models[name]._meta.db_table
        for name in ("Teacher", "Appointment", "SubjectAssignment", "TimetableSlot")
    ]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        saved = drop_secondary(cursor, tables) if rebuild else None

        # People, with valid DUIs nobody holds yet.
        cursor.execute("SELECT dui FROM accounts_person WHERE dui IS NOT NULL")
        used = {row[0][:8] for row in cursor.fetchall()}
        bodies = (body for body in dui_bodies(50_000_000) if body not in used)
        person_start = reserve_ids(cursor, models["Person"]._meta.db_table, n_teachers)
        CopyTable(
            cursor,
            models["Person"],
            ["id", "dui", "first_names", "last_names", "sex", "email", "phone", "created_at"],
        ).load(
            (
                _person_line(rng, person_start + i, dui_with_check(next(bodies)), now)
                for i in range(n_teachers)
            ),
            Progress(out, "people", n_teachers),
        )
        teacher_start = reserve_ids(cursor, models["Teacher"]._meta.db_table, n_teachers)
        CopyTable(
            cursor,
            models["Teacher"],
            [
                "id",
                "person_id",
                "nip",
                "specialty",
                "escalafon_level",
                "escalafon_category",
                "created_at",
            ],
        ).load(
            (
                f"{teacher_start + i}\t{person_start + i}\t{NIP_START + i}\t"
                f"{rng.choice(SPECIALTIES)}\t{rng.choice('12')}\t{rng.randint(1, 6)}\t{now}"
                for i in range(n_teachers)
            ),
            Progress(out, "teachers", n_teachers),
        )

        # Appointments: teacher i < sections is the homeroom teacher of section i; the others
        # go round the schools, the first of each school as its director.
        def appointment(i: int) -> str:
            if i < len(sections):
                _section, school, shift, _plan = sections[i]
                position = "docente"
            else:
                extra = i - len(sections)
                school = schools[extra % len(schools)]
                shift = "matutino"
                position = "director" if extra < len(schools) else "apoyo"
            start = date(rng.randint(1995, 2025), 1, rng.randint(8, 28))
            return (
                f"{teacher_start + i}\t{school}\t{position}\t{shift}\t"
                f"{rng.choice(('ley_salarios', 'ley_salarios', 'contrato', 'hora_clase'))}\t"
                f"fondo_general\t{start.isoformat()}\t{NULL}"
            )

        reserve = reserve_ids(cursor, models["Appointment"]._meta.db_table, n_teachers)
        CopyTable(
            cursor,
            models["Appointment"],
            [
                "id",
                "teacher_id",
                "school_id",
                "position",
                "shift",
                "contract_type",
                "funding",
                "start_date",
                "end_date",
            ],
        ).load(
            (f"{reserve + i}\t{appointment(i)}" for i in range(n_teachers)),
            Progress(out, "appointments", n_teachers),
        )

        # Every subject of each section to its homeroom teacher; the week rotates the subjects.
        assignment_start = reserve_ids(
            cursor, models["SubjectAssignment"]._meta.db_table, n_assignments
        )
        slot_start = reserve_ids(cursor, models["TimetableSlot"]._meta.db_table, n_slots)
        assignment_lines: list[str] = []
        slot_lines: list[str] = []
        next_assignment = assignment_start
        for index, (section, _school, shift, plan) in enumerate(sections):
            plan_subjects = subjects.get(plan, [])
            if not plan_subjects:
                continue
            teacher = teacher_start + index
            ids = []
            for subject in plan_subjects:
                assignment_lines.append(
                    f"{next_assignment}\t{teacher}\t{section}\t{subject}\t{options.year}"
                )
                ids.append(next_assignment)
                next_assignment += 1
            for day in range(DAYS):
                for period in range(PERIODS):
                    assignment = ids[(day * PERIODS + period) % len(ids)]
                    slot_lines.append(
                        f"{slot_start + len(slot_lines)}\t{assignment}\t{teacher}\t{section}\t"
                        f"{options.year}\t{shift}\t{day + 1}\t{period + 1}"
                    )
        CopyTable(
            cursor,
            models["SubjectAssignment"],
            ["id", "teacher_id", "section_id", "subject_id", "school_year_id"],
        ).load(assignment_lines, Progress(out, "subject assignments", len(assignment_lines)))
        CopyTable(
            cursor,
            models["TimetableSlot"],
            ["id", "assignment_id", "teacher_id", "section_id", "school_year_id", "shift",
             "weekday", "period"],
        ).load(slot_lines, Progress(out, "timetable periods", len(slot_lines)))  # fmt: skip
        if saved is not None:
            recreate_secondary(cursor, saved, out)
    if options.vacuum:
        with connection.cursor() as cursor:
            for table in ["accounts_person", *tables]:
                cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    report.counts = {
        "teachers": n_teachers,
        "appointments": n_teachers,
        "subject_assignments": len(assignment_lines),
        "timetable_periods": len(slot_lines),
    }
    report.seconds = time.perf_counter() - started
    rows = sum(report.counts.values()) + n_teachers
    print(
        f"Done in {report.seconds:.0f} s ({rows / report.seconds:,.0f} rows/s): "
        + ", ".join(f"{k} {v:,}" for k, v in report.counts.items())
        + ".",
        file=out,
    )
    return report


# --- Timing the pages -------------------------------------------------------------------------


@dataclass
class TeacherRunOptions:
    repeat: int = 30
    warmup: int = 3
    only: tuple[str, ...] = ()
    json_path: str | None = None
    using: str = "default"


def run_teachers(options: TeacherRunOptions, *, out: IO[str] | None = None) -> list[Any]:
    from core.accounts.choices import Role, ScopeKind
    from core.accounts.models import RoleGrant
    from core.accounts.services import role_grant
    from modules.schools.models import School
    from modules.teachers.models import Appointment, TimetableSlot

    from .academic_run import _account, _estimate
    from .run import Operation, _url, measure, print_table, sign_in

    out = out or sys.stdout
    if options.repeat < 1:
        raise BenchError("--repeat debe ser al menos 1.")
    check_migrations(options.using)
    busiest = (
        Appointment.objects.values("school_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "school_id")
        .first()
    )
    if busiest is None:
        raise BenchError("No hay docentes: ejecute antes «python -m bench generate-teachers».")
    school = School.objects.get(pk=busiest["school_id"])
    slot = (
        TimetableSlot.objects.filter(section__school=school)
        .order_by("teacher_id")
        .values("teacher_id")
        .first()
    )
    teacher_id = (
        slot["teacher_id"] if slot else Appointment.objects.filter(school=school)[0].teacher_id
    )
    director = _account(DIRECTOR_DUI_BODY, "Director", "de Prueba")
    with transaction.atomic():
        if not RoleGrant.objects.filter(user=director, role=Role.DIRECTOR, school=school).exists():
            role_grant(
                user=director, role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=school
            )
    facts = {
        "school": school.code,
        "staff": busiest["n"],
        "teacher": teacher_id,
        "teachers": _estimate("teachers_teacher"),
        "timetable_periods": _estimate("teachers_timetableslot"),
    }
    print(
        "School {school} ({staff} appointments); ≈{teachers:,} teachers, ≈{timetable_periods:,} "
        "timetable periods.".format(**facts),
        file=out,
        flush=True,
    )
    client = Client()
    sign_in(client, director)

    def get(url: str) -> Any:
        return lambda _i: client.get(url)

    operations = [
        Operation("staff_page", "School's staff page", get(_url("teachers:school", pk=school.pk))),
        Operation(
            "teacher_timetable",
            "A teacher's timetable page",
            get(_url("teachers:timetable", pk=teacher_id)),
        ),
    ]
    if options.only:
        operations = [o for o in operations if o.key in options.only]
    results = [measure(o, options, options.using) for o in operations]  # type: ignore[arg-type]
    print_table(results, out, None)
    if options.json_path:
        with open(options.json_path, "w", encoding="utf-8") as handle:
            json.dump({"meta": facts, "results": [asdict(r) for r in results]}, handle, indent=2)
    return results


__all__ = ["TeacherOptions", "TeacherRunOptions", "generate_teachers", "run_teachers"]
