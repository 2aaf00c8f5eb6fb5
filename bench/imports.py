"""Bulk import of a student file: ``python -m bench import-students --rows 100000``.

Generates a CSV of ``--rows`` students (one active enrollment each) for bench schools and
sections it creates once, then times, on PostgreSQL, the three phases a person goes through:

1. the dry run (``core.imports.engine.check_job``): every row read and checked, nothing written;
2. the import (``run_job``): every row checked again and upserted in one transaction;
3. the re-import of the same file: every row «sin cambios».

Each phase runs in this process the way a Celery worker runs it, so the peak resident memory
printed after each phase (``resource.getrusage``) is the worker's. The goal (docs/imports.md §9)
is at least 2,000 rows/s for the import and a peak under 500 MB whatever the file size: run it at
two sizes and compare the peaks. Students of an earlier run (the bench NIE range) are deleted
first, so the import always creates its rows.
"""

from __future__ import annotations

import csv
import resource
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction

from .generate import BenchError, check_migrations

SCHOOL_PREFIX = "BIMP-"
SECTION_SIZE = 40
SECTIONS_PER_SCHOOL = 12
NIE_BASE = 5_000_000  # bench NIEs: NIE_BASE + 1 … NIE_BASE + rows (below the sequence's range)
YEAR = 2026
SHIFTS = ("matutino", "vespertino")
GRADES = ("G1", "G2", "G3", "G4", "G5", "G6")
NAMES = ("Ana", "José", "María", "Luis", "Carmen", "Jorge", "Sofía", "Mario", "Elena", "Raúl")
SURNAMES = ("López", "Hernández", "Martínez", "García", "Rivera", "Flores", "Ramírez", "Cruz")


@dataclass(frozen=True)
class ImportBenchOptions:
    rows: int
    keep_file: bool = False


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sections_needed(rows: int) -> list[tuple[str, str, str, str]]:
    """(school code, grade, section name, shift) for enough sections to hold ``rows``."""
    count = -(-rows // SECTION_SIZE)
    keys = []
    for index in range(count):
        school = index // SECTIONS_PER_SCHOOL
        slot = index % SECTIONS_PER_SCHOOL
        grade = GRADES[slot % len(GRADES)]
        shift = SHIFTS[slot // len(GRADES) % len(SHIFTS)]
        keys.append((f"{SCHOOL_PREFIX}{school + 1:04d}", grade, "A", shift))
    return keys


def _prepare(rows: int) -> tuple[object, list[tuple[str, str, str, str]]]:
    from core.accounts.choices import Role
    from core.accounts.dui import dui_check_digit
    from core.accounts.models import User
    from core.accounts.services import role_grant, user_create
    from modules.schools.models import Grade, Municipality, School, SchoolYear, Section
    from modules.students.models import Enrollment, Student

    if not SchoolYear.objects.filter(year=YEAR).exists():
        raise BenchError(f"Falta el año lectivo {YEAR} (migraciones de schools).")
    body = "02026299"
    dui = f"{body}-{dui_check_digit(body)}"
    admin = User.objects.filter(dui=dui).first()
    if admin is None:
        admin = user_create(
            dui=dui, password=None, first_names="Administración", last_names="Bench"
        )
        role_grant(user=admin, role=Role.ADMINISTRATOR, scope_kind="national", target=None)
    keys = _sections_needed(rows)
    municipality = Municipality.objects.order_by("code").first()
    grades = {grade.code: grade.pk for grade in Grade.objects.filter(code__in=GRADES)}
    with transaction.atomic():
        codes = sorted({key[0] for key in keys})
        existing = set(School.objects.filter(code__in=codes).values_list("code", flat=True))
        School.objects.bulk_create(
            School(
                code=code,
                name=f"Centro Escolar Bench {code}",
                sector="public",
                classification="centro_escolar",
                zone="urban",
                municipality=municipality,
            )
            for code in codes
            if code not in existing
        )
        schools = dict(School.objects.filter(code__in=codes).values_list("code", "pk"))
        Section.objects.bulk_create(
            (
                Section(
                    school_id=schools[code],
                    school_year_id=YEAR,
                    grade_id=grades[grade],
                    name=name,
                    shift=shift,
                    capacity=SECTION_SIZE,
                )
                for code, grade, name, shift in keys
            ),
            ignore_conflicts=True,
        )
        # A clean slate: the students of an earlier run go, with their enrollments and people.
        old = Student.objects.filter(nie__gt=NIE_BASE, nie__lte=NIE_BASE + 10_000_000 - 1)
        person_ids = list(old.values_list("person_id", flat=True))
        Enrollment.objects.filter(student__in=old).delete()
        old.delete()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM accounts_person WHERE id = ANY(%s)", [person_ids])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return admin, keys


def _write_file(path: Path, rows: int, keys: list[tuple[str, str, str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "nie", "nombres", "apellidos", "fecha_nacimiento", "sexo", "dui",
                "codigo_centro", "año", "grado", "seccion", "turno", "fecha_matricula",
            ]
        )  # fmt: skip
        for index in range(rows):
            code, grade, name, shift = keys[index // SECTION_SIZE]
            writer.writerow(
                [
                    NIE_BASE + index + 1,
                    NAMES[index % len(NAMES)],
                    f"{SURNAMES[index % len(SURNAMES)]} {SURNAMES[index // 7 % len(SURNAMES)]}",
                    f"{index % 28 + 1:02d}/{index % 12 + 1:02d}/{2014 + index % 6}",
                    "F" if index % 2 else "M",
                    "",
                    code,
                    YEAR,
                    grade,
                    name,
                    shift,
                    "15/01/2026",
                ]
            )


def _phase(label: str, rows: int, action) -> float:
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    rate = rows / seconds if seconds else float("inf")
    print(
        f"  {label:<12} {seconds:8.2f} s   {rate:10,.0f} filas/s   "
        f"memoria máxima {_peak_mb():7.1f} MB"
    )
    return rate


def import_students(options: ImportBenchOptions) -> None:
    from django.core.files import File

    from core.imports import engine
    from core.imports.lifecycles import JobStatus
    from core.imports.services import job_create, job_start

    if connection.vendor != "postgresql":
        raise BenchError("El benchmark de importación necesita PostgreSQL (DATABASE_URL).")
    check_migrations("default")
    rows = options.rows
    print(f"Importación de estudiantes: {rows:,} filas")
    print(f"  memoria al empezar: {_peak_mb():.1f} MB")
    admin, keys = _prepare(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "estudiantes.csv"
        _write_file(path, rows, keys)
        print(f"  archivo: {path.stat().st_size / 1_048_576:.1f} MB, {len(keys):,} secciones")
        results = {}
        for label in ("primera", "reimportar"):
            with path.open("rb") as handle:
                job = job_create(actor=admin, kind="students", upload=File(handle, "alumnos.csv"))
            results[f"{label}: revisión"] = _phase(
                "revisión", rows, lambda job=job: engine.check_job(job.pk)
            )
            job.refresh_from_db()
            if job.status != JobStatus.READY:
                raise BenchError(f"La revisión no pasó: {job.message}")
            job_start(actor=admin, job=job)
            results[f"{label}: import"] = _phase(
                "importación" if label == "primera" else "reimportación",
                rows,
                lambda job=job: engine.run_job(job.pk),
            )
            job.refresh_from_db()
            if job.status != JobStatus.DONE:
                raise BenchError(f"La importación falló: {job.message}")
            print(
                f"    nuevos {job.created_count:,} · actualizados {job.updated_count:,} · "
                f"sin cambios {job.unchanged_count:,}"
            )
    goal_rate = results["primera: import"] >= 2_000
    goal_memory = _peak_mb() < 500
    print(
        f"Meta ≥ 2.000 filas/s: {'cumplida' if goal_rate else 'NO cumplida'}; "
        f"memoria < 500 MB: {'cumplida' if goal_memory else 'NO cumplida'} "
        f"({_peak_mb():.1f} MB)"
    )
