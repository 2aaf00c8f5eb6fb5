"""An administrator on a phone imports a student file with three bad rows, reads the report,
fixes the file, imports it with the progress bar (which survives a reload), re-imports it and
nothing changes."""

import pytest
from playwright.sync_api import expect

from core.imports import engine, services
from core.imports.models import ImportJob
from modules.schools.services import school_create, section_create
from modules.students.models import Enrollment, Student
from tests.factories import DEFAULT_PASSWORD, MunicipalityFactory, create_user, make_dui

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = (
    "nie,nombres,apellidos,fecha_nacimiento,sexo,dui,codigo_centro,año,grado,seccion,turno,"
    "fecha_matricula"
)


def _rows() -> list[str]:
    return [
        f"{200 + i},Estudiante {i},Rivas Campos,{i + 1:02d}/03/2018,F,,B0100,2026,G2,A,matutino,"
        "15/01/2026"
        for i in range(10)
    ]


def _file(rows: list[str]) -> dict:
    return {
        "name": "estudiantes.csv",
        "mimeType": "text/csv",
        "buffer": ("\n".join([HEADER, *rows]) + "\n").encode(),
    }


def _upload(page, rows):
    page.get_by_label("Qué desea importar").select_option("students")
    page.get_by_label("Archivo CSV o Excel (.xlsx)").set_input_files(_file(rows))
    page.get_by_role("button", name="Revisar archivo").click()


def _import_with_progress_bar(page, queued):
    """Start the import; the worker is simulated: the job waits queued until the test runs it."""
    page.get_by_role("button", name="Importar").click()
    expect(page.locator("progress#import-progress")).to_be_visible()
    page.reload()  # the progress lives on the job: a reload shows the bar again
    expect(page.locator("progress#import-progress")).to_be_visible()
    engine.run_job(queued.pop())
    # The page polls the progress endpoint and reloads itself when the job ends.
    expect(page.get_by_text("Importada", exact=True)).to_be_visible()


def test_administrator_imports_a_student_file_with_the_progress_bar(live_server, page, monkeypatch):
    school = school_create(
        code="B0100",
        name="Centro Escolar La Ceiba",
        sector="public",
        classification="centro_escolar",
        zone="urban",
        municipality=MunicipalityFactory(),
    )
    section = section_create(
        school=school, school_year=2026, grade="G2", name="A", shift="matutino"
    )
    create_user(role="administrator", dui=make_dui(55_667_788))
    queued: list[int] = []
    real_queue = services._queue

    def queue(task_name, job_id):
        if task_name == "import_run":
            queued.append(job_id)  # a worker would take it; the test runs it below
        else:
            real_queue(task_name, job_id)

    monkeypatch.setattr(services, "_queue", queue)

    page.goto(f"{live_server.url}/cuentas/ingresar/")
    page.locator('main input[name="dui"]').fill(make_dui(55_667_788))
    page.locator('main input[name="password"]').fill(DEFAULT_PASSWORD)
    page.locator('main button[type="submit"]').click()
    page.get_by_role("link", name="Importaciones").first.click()
    expect(page.get_by_role("heading", name="Importaciones", exact=True)).to_be_visible()

    # A file with three bad rows: a date the wrong way round, a bad DUI, an unknown section
    bad = _rows()
    bad[1] = bad[1].replace("02/03/2018", "2018/03/02")
    bad[4] = bad[4].replace(",F,,", ",F,01234567-0,")
    bad[7] = bad[7].replace(",G2,A,", ",G2,Z,")
    _upload(page, bad)

    expect(page.get_by_text("Con errores", exact=True)).to_be_visible()
    report = page.locator("table.import-report tbody tr")
    expect(report).to_have_count(3)
    expect(report.nth(0)).to_contain_text("Fila 3")
    expect(report.nth(0)).to_contain_text("fecha_nacimiento")
    expect(report.nth(1)).to_contain_text("dígito verificador")
    expect(report.nth(2)).to_contain_text("No existe la sección")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with page.expect_download() as download:
        page.get_by_role("link", name="Descargar informe (CSV)").click()
    assert "fecha_nacimiento" in download.value.path().read_text(encoding="utf-8-sig")
    assert Student.objects.count() == 0

    # The fixed file passes the dry run and is imported with the progress bar
    page.get_by_role("link", name="Volver a importaciones").click()
    _upload(page, _rows())
    expect(page.get_by_text("Lista para importar", exact=True)).to_be_visible()
    _import_with_progress_bar(page, queued)
    expect(page.locator('[data-count="created"]')).to_have_text("10")
    assert Enrollment.objects.filter(section=section, status="active").count() == 10

    # Re-importing the same file changes nothing
    before = list(Student.objects.values_list("pk", "nie", "person__first_names").order_by("pk"))
    page.get_by_role("link", name="Volver a importaciones").click()
    _upload(page, _rows())
    _import_with_progress_bar(page, queued)
    expect(page.locator('[data-count="unchanged"]')).to_have_text("10")
    expect(page.locator('[data-count="created"]')).to_have_text("0")
    after = list(Student.objects.values_list("pk", "nie", "person__first_names").order_by("pk"))
    assert after == before
    assert Enrollment.objects.count() == 10
    assert ImportJob.objects.filter(status="done").count() == 2
