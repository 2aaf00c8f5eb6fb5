"""Fixtures for the import engine: two departments' schools and sections, importers of each
reach, and helpers that upload a file and run its dry run and import inline."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.imports.models import ImportJob
from core.imports.services import job_create, job_start
from modules.schools.services import section_create
from tests.modules.schools.conftest import geography, make_school  # noqa: F401 - fixtures
from tests.national_data import ensure_national_data

STUDENT_HEADER = (
    "nie,nombres,apellidos,fecha_nacimiento,sexo,dui,codigo_centro,año,grado,seccion,turno,"
    "fecha_matricula"
)


@pytest.fixture
def campus(make_school, geography, make_user):  # noqa: F811 - pytest fixture injection
    ensure_national_data()
    almendros = make_school(code="IMP-001", name="Centro Escolar Los Almendros")
    laureles = make_school(
        code="IMP-002", name="Centro Escolar Los Laureles", municipality=geography["ll_sur"]
    )
    first_a = section_create(
        school=almendros, school_year=2026, grade="G1", name="A", shift="matutino", capacity=30
    )
    laureles_a = section_create(
        school=laureles, school_year=2026, grade="G1", name="A", shift="matutino"
    )
    return {
        "almendros": almendros,
        "laureles": laureles,
        "first_a": first_a,
        "laureles_a": laureles_a,
        "admin": make_user(role="administrator"),
        "ministry": make_user(role="ministry_officer"),
        "officer": make_user(
            role="departmental_officer", scope_kind="department", target=geography["san_salvador"]
        ),
        "director": make_user(role="director", scope_kind="school", target=almendros),
    }


def student_rows(count: int, *, start: int = 1, school: str = "IMP-001") -> list[str]:
    return [
        f"{start + i},Niña {start + i},Pérez López,25/01/2019,F,,{school},2026,G1,A,matutino,"
        "15/01/2026"
        for i in range(count)
    ]


def csv_bytes(header: str, rows: list[str], *, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Upload a file and run its dry run inline; returns the job, refreshed."""

    def run(user, kind: str, content: bytes, name: str = "archivo.csv") -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = job_create(actor=user, kind=kind, upload=SimpleUploadedFile(name, content))
        job.refresh_from_db()
        return job

    return run


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Start a checked job's import and run it inline; returns the job, refreshed."""

    def run(user, job: ImportJob) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job_start(actor=user, job=job)
        job.refresh_from_db()
        return job

    return run


def xlsx_bytes(rows: list[list]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
