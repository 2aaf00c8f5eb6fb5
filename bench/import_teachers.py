"""Bulk import of a teacher file: ``python -m bench import-teachers --rows 50000``.

Generates a CSV of ``--rows`` teachers (one appointment each, at bench schools it creates once)
and times, on PostgreSQL, the dry run, the import and the re-import of the same file (every row
«sin cambios»), in this process the way a Celery worker runs them, printing rows per second and
the peak resident memory after each phase (docs/imports.md §11). Teachers of an earlier run (the
bench NIP range) are deleted first, with their appointments and people, so the import always
creates its rows.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from django.db import connection, transaction

from .generate import BenchError, check_migrations
from .imports import _peak_mb, _phase

SCHOOL_PREFIX = "BDOC-"
TEACHERS_PER_SCHOOL = 25
NIP_BASE = 9_000_000  # bench NIPs: NIP_BASE + 1 … NIP_BASE + rows
DUI_BASE = 60_000_000  # bench DUI bodies, check digit computed
NAMES = ("Ana", "José", "María", "Luis", "Carmen", "Jorge", "Sofía", "Mario", "Elena", "Raúl")
SURNAMES = ("López", "Hernández", "Martínez", "García", "Rivera", "Flores", "Ramírez", "Cruz")
SHIFTS = ("matutino", "vespertino")


def _prepare(rows: int) -> tuple[object, int]:
    from core.accounts.choices import Role
    from core.accounts.dui import dui_check_digit
    from core.accounts.models import User
    from core.accounts.services import role_grant, user_create
    from modules.schools.models import Municipality, School
    from modules.teachers.models import Appointment, Teacher

    body = "02026298"
    dui = f"{body}-{dui_check_digit(body)}"
    admin = User.objects.filter(dui=dui).first()
    if admin is None:
        admin = user_create(
            dui=dui, password=None, first_names="Administración", last_names="Bench docentes"
        )
        role_grant(user=admin, role=Role.ADMINISTRATOR, scope_kind="national", target=None)
    schools = -(-rows // TEACHERS_PER_SCHOOL)
    municipality = Municipality.objects.order_by("code").first()
    if municipality is None:
        raise BenchError("Faltan los municipios (migraciones de schools).")
    with transaction.atomic():
        codes = [f"{SCHOOL_PREFIX}{index + 1:05d}" for index in range(schools)]
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
        old = Teacher.objects.filter(nip__regex=r"^9[0-9]{6}$")
        person_ids = list(old.values_list("person_id", flat=True))
        Appointment.objects.filter(teacher__in=old).delete()
        old.delete()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM accounts_person WHERE id = ANY(%s)", [person_ids])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return admin, schools


def _write_file(path: Path, rows: int) -> None:
    from core.accounts.dui import dui_check_digit

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "nip", "dui", "nombres", "apellidos", "fecha_nacimiento", "sexo", "especialidad",
                "nivel_escalafon", "categoria_escalafon", "codigo_centro", "cargo", "turno",
                "tipo_contrato", "financiamiento", "fecha_inicio", "fecha_fin",
            ]
        )  # fmt: skip
        for index in range(rows):
            body = f"{DUI_BASE + index + 1:08d}"
            writer.writerow(
                [
                    NIP_BASE + index + 1,
                    f"{body}-{dui_check_digit(body)}",
                    NAMES[index % len(NAMES)],
                    f"{SURNAMES[index % len(SURNAMES)]} {SURNAMES[index // 7 % len(SURNAMES)]}",
                    f"{index % 28 + 1:02d}/{index % 12 + 1:02d}/{1965 + index % 35}",
                    "F" if index % 2 else "M",
                    "Educación Básica",
                    "1" if index % 3 else "2",
                    index % 6 + 1,
                    f"{SCHOOL_PREFIX}{index // TEACHERS_PER_SCHOOL + 1:05d}",
                    "docente",
                    SHIFTS[index % 2],
                    "ley_salarios",
                    "fondo_general",
                    "15/01/2015",
                    "",
                ]
            )


def import_teachers(rows: int) -> None:
    from django.core.files import File

    from core.imports import engine
    from core.imports.lifecycles import JobStatus
    from core.imports.services import job_create, job_start

    if connection.vendor != "postgresql":
        raise BenchError("El benchmark de importación necesita PostgreSQL (DATABASE_URL).")
    check_migrations("default")
    print(f"Importación de docentes: {rows:,} filas")
    print(f"  memoria al empezar: {_peak_mb():.1f} MB")
    admin, schools = _prepare(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "docentes.csv"
        _write_file(path, rows)
        print(f"  archivo: {path.stat().st_size / 1_048_576:.1f} MB, {schools:,} centros")
        for label in ("primera", "reimportar"):
            with path.open("rb") as handle:
                job = job_create(actor=admin, kind="teachers", upload=File(handle, "docentes.csv"))
            _phase("revisión", rows, lambda job=job: engine.check_job(job.pk))
            job.refresh_from_db()
            if job.status != JobStatus.READY:
                raise BenchError(f"La revisión no pasó: {job.message}")
            job_start(actor=admin, job=job)
            _phase(
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
