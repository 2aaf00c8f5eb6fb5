"""All or nothing, idempotent re-import, scoped access, progress, the schools and sections
importers, templates and the report download."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.accounts.services import person_create
from core.audit.models import AuditEvent
from core.imports import engine
from core.imports.lifecycles import JobStatus
from core.imports.models import ImportJob
from core.imports.registry import get_importer
from core.imports.services import job_start
from core.workflow import transition
from modules.schools.models import School, Section
from modules.students.models import Enrollment, Student
from modules.students.services import enrollment_create, student_create

from .conftest import STUDENT_HEADER, csv_bytes, student_rows

pytestmark = pytest.mark.django_db

# Signed-in pages: the session comes from the cache (no query for it).
QUERIES_HISTORY = 8
QUERIES_JOB_PAGE = 9
QUERIES_PROGRESS = 3


def snapshot() -> tuple:
    return (
        Student.objects.count(),
        Enrollment.objects.count(),
        list(Student.objects.values_list("person__first_names", flat=True).order_by("nie")),
    )


def test_a_row_that_fails_during_the_import_rolls_back_the_whole_file(
    campus, upload, start, make_user
):
    job = upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, student_rows(5)))
    assert job.status == JobStatus.READY
    # Between the dry run and the import, student 3 is enrolled elsewhere.
    person = person_create(first_names="Otra", last_names="Niña")
    other = student_create(person=person, nie=3)
    director = make_user(role="director", scope_kind="school", target=campus["laureles"])
    enrollment_create(actor=director, student=other, section=campus["laureles_a"])
    before = snapshot()

    job = start(campus["admin"], job)

    assert job.status == JobStatus.FAILED
    assert "fila 4" in job.message
    assert "No se guardó ninguna fila" in job.message
    assert snapshot() == before
    assert AuditEvent.objects.filter(action="importjob.fail", object_id=str(job.pk)).exists()


def test_a_failure_in_a_later_batch_leaves_no_row_of_the_earlier_ones(
    campus, upload, start, monkeypatch
):
    job = upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, student_rows(6)))
    monkeypatch.setattr(engine, "BATCH_SIZE", 2)
    importer = get_importer("students")
    real = type(importer).upsert
    calls = []

    def failing(self, ctx, items):
        calls.append(len(items))
        if len(calls) == 3:
            raise RuntimeError("disco lleno")
        return real(self, ctx, items)

    monkeypatch.setattr(type(importer), "upsert", failing)

    job = start(campus["admin"], job)

    assert calls == [2, 2, 2]
    assert job.status == JobStatus.FAILED
    assert "error inesperado" in job.message
    assert Student.objects.count() == 0
    assert Enrollment.objects.count() == 0


def test_re_importing_the_same_file_changes_nothing(campus, upload, start):
    content = csv_bytes(STUDENT_HEADER, student_rows(4))
    first = start(campus["admin"], upload(campus["admin"], "students", content))
    before = snapshot()
    persons = list(
        Student.objects.values_list("person__pk", "person__first_names", "person__birth_date")
    )

    again = start(campus["admin"], upload(campus["admin"], "students", content))

    assert first.file_sha256 == again.file_sha256
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 4)
    assert snapshot() == before
    assert (
        list(Student.objects.values_list("person__pk", "person__first_names", "person__birth_date"))
        == persons
    )


def test_a_nie_a_spreadsheet_stored_as_a_decimal_finds_the_same_student(campus, upload, start):
    # Given students imported once
    content = csv_bytes(STUDENT_HEADER, student_rows(3))
    start(campus["admin"], upload(campus["admin"], "students", content))
    before = snapshot()

    # When the same rows come back with their NIE written "2.0" (a number cell saved as text)
    rows = [row.replace(f"{n},", f"{n}.0,", 1) for n, row in enumerate(student_rows(3), 1)]
    again = start(
        campus["admin"], upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, rows))
    )

    # Then each row is the student already there: nothing new, nothing changed
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert snapshot() == before


def test_a_changed_row_updates_only_that_student(campus, upload, start):
    start(
        campus["admin"],
        upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, student_rows(3))),
    )
    rows = student_rows(3)
    rows[1] = rows[1].replace("Niña 2", "Niña Dos")

    job = start(
        campus["admin"], upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, rows))
    )

    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 2)
    assert Student.objects.get(nie=2).person.first_names == "Niña Dos"
    assert Enrollment.objects.count() == 3


def test_a_full_section_is_reported_in_the_dry_run(campus, upload):
    Section.objects.filter(pk=campus["first_a"].pk).update(capacity=2)

    job = upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, student_rows(3)))

    assert [(e.row, e.column) for e in job.row_errors.all()] == [(4, "seccion")]


def test_a_departmental_officer_cannot_touch_another_departments_school(campus, upload):
    rows = student_rows(1) + student_rows(1, start=2, school="IMP-002")
    laureles_a = campus["laureles_a"]
    assert laureles_a.school.code == "IMP-002"

    job = upload(campus["officer"], "students", csv_bytes(STUDENT_HEADER, rows))

    assert job.status == JobStatus.REJECTED
    [error] = job.row_errors.all()
    assert (error.row, error.column) == (3, "codigo_centro")
    assert "fuera de su alcance" in error.message
    assert job.department_id == campus["almendros"].municipality.department_id


def test_jobs_outside_the_callers_scope_answer_404_and_change_nothing(campus, upload, client):
    job = upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, student_rows(2)))
    assert job.status == JobStatus.READY
    client.force_login(campus["officer"])

    for name in ("imports:job", "imports:progress", "imports:report"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("imports:start", args=[job.pk])).status_code == 404
    assert client.post(reverse("v1:import-start", args=[job.pk])).status_code == 404
    assert client.get(reverse("v1:import-detail", args=[job.pk])).status_code == 404

    job.refresh_from_db()
    assert job.status == JobStatus.READY
    assert Student.objects.count() == 0
    assert not AuditEvent.objects.filter(action="importjob.start").exists()


def test_someone_who_may_not_import_is_refused(campus, client):
    client.force_login(campus["director"])
    content = csv_bytes(STUDENT_HEADER, student_rows(1))

    assert client.get(reverse("imports:home")).status_code == 403
    response = client.post(
        reverse("v1:import-list"),
        {"kind": "students", "file": io.BytesIO(content)},
        format="multipart",
    )
    assert response.status_code == 403
    assert ImportJob.objects.count() == 0


def test_the_page_flow_upload_report_start_and_progress(
    campus, client, django_capture_on_commit_callbacks
):
    client.force_login(campus["ministry"])
    rows = student_rows(3)
    rows[2] = rows[2].replace("25/01/2019", "2019/25/01")
    upload_file = io.BytesIO(csv_bytes(STUDENT_HEADER, rows))
    upload_file.name = "alumnos.csv"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:home"), {"kind": "students", "file": upload_file})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[job.pk])

    page = client.get(reverse("imports:job", args=[job.pk]))
    assert "fecha_nacimiento" in page.content.decode()
    report = client.get(reverse("imports:report", args=[job.pk]))
    lines = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode("utf-8-sig"))))
    assert lines[0] == ["fila", "columna", "problema", "cómo corregirlo"]
    assert lines[1][:2] == ["4", "fecha_nacimiento"]

    fixed = io.BytesIO(csv_bytes(STUDENT_HEADER, student_rows(3)))
    fixed.name = "alumnos.csv"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:home"), {"kind": "students", "file": fixed})
    job = ImportJob.objects.order_by("-pk").first()
    progress = client.get(reverse("imports:progress", args=[job.pk])).json()
    assert progress["status"] == "ready"
    assert progress["total_rows"] == 3
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:start", args=[job.pk]))
    progress = client.get(reverse("imports:progress", args=[job.pk])).json()
    assert progress == {
        **progress,
        "status": "done",
        "percent": 100,
        "processed_rows": 3,
        "created": 3,
        "working": False,
    }


def test_the_report_csv_neutralises_formulas(campus, upload, client):
    rows = student_rows(1)
    rows[0] = rows[0].replace("IMP-001", "=HYPERLINK(1)")
    job = upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, rows))
    client.force_login(campus["admin"])

    body = b"".join(client.get(reverse("imports:report", args=[job.pk])).streaming_content)

    assert "«=HYPERLINK(1)»" in body.decode("utf-8-sig")
    assert "\n=" not in body.decode("utf-8-sig").replace("\r", "")


def test_the_api_uploads_reports_and_starts(campus, client, django_capture_on_commit_callbacks):
    client.force_login(campus["admin"])
    rows = student_rows(2)
    rows[0] = rows[0].replace(",F,", ",X,")
    upload_file = io.BytesIO(csv_bytes(STUDENT_HEADER, rows))
    upload_file.name = "a.csv"

    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(reverse("v1:import-list"), {"kind": "students", "file": upload_file})
    assert created.status_code == 201
    job_id = created.json()["id"]
    assert client.get(reverse("v1:import-detail", args=[job_id])).json()["status"] == "rejected"
    errors = client.get(reverse("v1:import-errors", args=[job_id])).json()
    assert errors["results"][0]["column"] == "sexo"
    assert client.post(reverse("v1:import-start", args=[job_id])).status_code == 409

    bad = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    bad.name = "a.csv"
    refused = client.post(reverse("v1:import-list"), {"kind": "students", "file": bad})
    assert refused.status_code == 400
    assert "file" in refused.json()


def test_schools_are_upserted_by_code_and_scoped(campus, upload, start):
    header = "codigo,nombre,sector,clasificacion,zona,codigo_municipio,direccion,telefono"
    rows = [
        "NEW-001,Centro Escolar Nuevo,public,centro_escolar,rural,0604,,",
        "IMP-001,Centro Escolar Los Almendros,Oficial,Centro Escolar,Urbana,0604,,",
        "NEW-002,Centro Escolar Costa,public,centro_escolar,rural,0506,,",
    ]
    content = csv_bytes(header, rows)

    job = start(campus["admin"], upload(campus["admin"], "schools", content))
    assert (job.created_count, job.updated_count, job.unchanged_count) == (2, 0, 1)
    again = start(campus["admin"], upload(campus["admin"], "schools", content))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)

    officer_job = upload(campus["officer"], "schools", content)
    assert [(e.row, e.column) for e in officer_job.row_errors.all()] == [(4, "codigo_municipio")]
    assert School.objects.get(code="NEW-001").zone == "rural"


def test_sections_are_created_and_their_capacity_updated(campus, upload, start):
    header = "codigo_centro,año,grado,seccion,turno,cupo"
    rows = ["IMP-001,2026,G1,A,matutino,35", "IMP-001,2026,2.º grado,b,vespertino,"]

    job = start(campus["admin"], upload(campus["admin"], "sections", csv_bytes(header, rows)))

    assert (job.created_count, job.updated_count, job.unchanged_count) == (1, 1, 0)
    assert Section.objects.get(pk=campus["first_a"].pk).capacity == 35
    new = Section.objects.get(school=campus["almendros"], grade__code="G2")
    assert (new.name, new.shift, new.capacity) == ("B", "vespertino", 40)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_importer_offers_a_template_with_its_columns(campus, client, fmt):
    client.force_login(campus["admin"])
    for kind in ("schools", "sections", "students"):
        response = client.get(reverse("imports:template", args=[kind, fmt]))
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if fmt == "csv":
            assert body.decode("utf-8-sig").splitlines()[0] == ",".join(
                get_importer(kind).column_keys()
            )
        else:
            import openpyxl

            sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
            assert [c.value for c in next(sheet.iter_rows())] == get_importer(kind).column_keys()
    assert client.get(reverse("imports:template", args=["students", "exe"])).status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_outside_the_import_transaction(campus, upload, start, monkeypatch):
    from django.db import connections

    job = upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, student_rows(6)))
    monkeypatch.setattr(engine, "BATCH_SIZE", 2)
    importer = get_importer("students")
    real = type(importer).upsert
    seen = []

    def watching(self, ctx, items):
        observer = connections.create_connection("default")
        try:
            with observer.cursor() as cursor:
                cursor.execute(
                    "SELECT processed_rows, status FROM imports_importjob WHERE id = %s", [job.pk]
                )
                seen.append(cursor.fetchone())
                cursor.execute("SELECT count(*) FROM students_student")
                seen.append(cursor.fetchone()[0])
        finally:
            observer.close()
        return real(self, ctx, items)

    monkeypatch.setattr(type(importer), "upsert", watching)
    assert connection.vendor == "postgresql"

    job = start(campus["admin"], job)

    assert job.status == JobStatus.DONE
    # Another connection sees the progress grow while the students stay invisible until commit.
    assert seen == [(0, "running"), 0, (2, "running"), 0, (4, "running"), 0]


@pytest.mark.parametrize("jobs", [2, 6])
def test_the_history_page_reads_a_fixed_number_of_queries(
    campus, upload, client, django_assert_num_queries, jobs
):
    for number in range(jobs):
        upload(
            campus["admin"],
            "students",
            csv_bytes(STUDENT_HEADER, student_rows(1, start=number + 1)),
        )
    client.force_login(campus["admin"])

    # The same count at both sizes: the uploader of every job comes with the page of jobs.
    with django_assert_num_queries(QUERIES_HISTORY):
        response = client.get(reverse("imports:home"))

    assert response.content.decode().count("badge-info") == jobs


def test_a_running_import_whose_worker_died_is_swept_to_failed(campus, upload, monkeypatch):
    job = upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, student_rows(2)))
    monkeypatch.setattr("core.imports.services._queue", lambda name, pk: None)
    job_start(actor=campus["admin"], job=job)
    transition(actor=None, obj=job, name="begin")  # a worker took it, then died
    fresh = ImportJob.objects.filter(pk=job.pk)
    assert engine.sweep_stale_jobs() == 0  # still recent

    fresh.update(updated_at=timezone.now() - timedelta(minutes=31))
    assert engine.sweep_stale_jobs() == 1

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "súbala de nuevo" in job.message
    assert Student.objects.count() == 0


@pytest.mark.parametrize("bad_rows", [2, 12])
def test_the_job_page_and_progress_read_a_fixed_number_of_queries(
    campus, upload, client, django_assert_num_queries, bad_rows
):
    rows = [row.replace("25/01/2019", "2019/25/01") for row in student_rows(bad_rows)]
    job = upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, rows))
    client.force_login(campus["admin"])

    with django_assert_num_queries(QUERIES_JOB_PAGE):
        page = client.get(reverse("imports:job", args=[job.pk]))
    with django_assert_num_queries(QUERIES_PROGRESS):
        client.get(reverse("imports:progress", args=[job.pk]))

    assert page.content.decode().count("fecha_nacimiento") == bad_rows
