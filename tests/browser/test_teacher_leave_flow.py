"""A teacher's leave end to end in a real browser: the teacher asks for sick leave with a
certificate → the school's director approves it from the Bandeja → the department's HR officer
registers it from their Bandeja → the teacher's record shows it, and so does the staff page.

Screenshots at phone (390x844) and desktop size go to var/screens/.
"""

import importlib
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Browser, Page, expect

from core.accounts.choices import Role
from modules.teachers.models import Leave
from modules.teachers.services import appointment_create, teacher_create
from tests.factories import DEFAULT_PASSWORD, SchoolFactory, create_user
from workflows.hr.models import LeaveRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def people(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Shipped by a migration; a transactional test may have flushed it.
    importlib.import_module("modules.teachers.migrations.0002_leave_types").forward(
        django_apps, None
    )
    school = SchoolFactory(name="Centro Escolar Las Palmas")
    teacher = create_user(
        role=Role.TEACHER,
        scope_kind="school",
        target=school,
        first_names="Ana Gabriela",
        last_names="Martínez Flores",
    )
    record = teacher_create(
        person=teacher.person, nip="1234567", escalafon_level="1", escalafon_category=4
    )
    appointment_create(
        teacher=record,
        school=school,
        position="docente",
        shift="matutino",
        contract_type="ley_salarios",
        funding="fondo_general",
        start_date=timezone.localdate() - timedelta(days=400),
    )
    department = school.municipality.department
    return {
        "school": school,
        "teacher": teacher,
        "record": record,
        "director": create_user(
            role=Role.DIRECTOR, scope_kind="school", target=school, first_names="Mario"
        ),
        "hr": create_user(
            role=Role.HR_OFFICER, scope_kind="department", target=department, first_names="Silvia"
        ),
    }


def new_page(browser: Browser, viewport: dict[str, int] = PHONE) -> Page:
    context = browser.new_context(viewport=viewport, locale="es-SV")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def log_in(page: Page, base: str, user, next_path: str) -> None:
    page.goto(f"{base}/cuentas/ingresar/?next={next_path}")
    form = page.locator("main form")
    form.locator('input[name="dui"]').fill(user.dui.replace("-", ""))
    form.locator('input[name="password"]').fill(DEFAULT_PASSWORD)
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(f"{base}{next_path}")


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def shoot(page: Page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size(SMALL_PHONE)
    fits(page)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENS / f"licencia-{name}-telefono.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SCREENS / f"licencia-{name}-escritorio.png"), full_page=True)
    page.set_viewport_size(size)


def work_from_bandeja(page: Page, base: str, title: str) -> None:
    page.goto(f"{base}/bandeja/")
    page.get_by_role("link", name=title).click()
    expect(page).to_have_url(re.compile(r"/procesos/tareas/\d+/$"))
    page.get_by_role("button", name="Tomar").click()
    expect(page.get_by_text("Usted", exact=True)).to_be_visible()


def test_teacher_asks_director_approves_hr_registers_record_shows_it(live_server, browser, people):
    base = live_server.url
    today = timezone.localdate()
    start, end = today, today + timedelta(days=2)

    # --- The teacher asks for three days of sick leave with the certificate ------------------
    teacher_page = new_page(browser)
    log_in(teacher_page, base, people["teacher"], "/recursos-humanos/licencias/")
    teacher_page.get_by_label("Tipo de licencia").select_option(label="Enfermedad")
    teacher_page.get_by_label("Desde").fill(start.isoformat())
    teacher_page.get_by_label("Hasta").fill(end.isoformat())
    teacher_page.get_by_label("Motivo o comentario").fill("Incapacidad del Seguro Social.")
    teacher_page.get_by_label("Documento de respaldo").set_input_files(
        [{"name": "incapacidad.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    shoot(teacher_page, "1-solicitud")
    teacher_page.get_by_role("button", name="Enviar la solicitud").click()
    process = LeaveRequest.objects.get()
    expect(teacher_page).to_have_url(f"{base}/procesos/{process.pk}/")
    fits(teacher_page)

    # --- The director approves it from the Bandeja -------------------------------------------
    director_page = new_page(browser)
    log_in(director_page, base, people["director"], "/bandeja/")
    expect(director_page.get_by_role("link", name=process.summary)).to_be_visible()
    shoot(director_page, "2-bandeja-director")
    work_from_bandeja(director_page, base, process.summary)
    expect(director_page.get_by_text("incapacidad.pdf")).to_be_visible()
    director_page.get_by_label("Aprobar").check()
    shoot(director_page, "3-aprobacion")
    director_page.get_by_role("button", name="Registrar la decisión").click()
    expect(director_page).to_have_url(f"{base}/bandeja/")
    process.refresh_from_db()
    assert process.decision == "approved"

    # --- The department's HR officer registers it ---------------------------------------------
    hr_page = new_page(browser)
    log_in(hr_page, base, people["hr"], "/bandeja/")
    work_from_bandeja(hr_page, base, process.summary)
    shoot(hr_page, "4-registro")
    hr_page.get_by_role("button", name="Registrar la licencia").click()
    expect(hr_page).to_have_url(f"{base}/bandeja/")
    leave = Leave.objects.get()
    assert (leave.teacher_id, leave.start_date, leave.end_date) == (
        people["record"].pk,
        start,
        end,
    )

    # --- The teacher's record shows it; the staff page marks them on leave today -------------
    teacher_page.goto(f"{base}/docentes/mi-ficha/")
    expect(teacher_page).to_have_url(f"{base}/docentes/{people['record'].pk}/")
    expect(
        teacher_page.get_by_text(
            f"del {date_format(start, 'd/m/Y')} al {date_format(end, 'd/m/Y')}"
        )
    ).to_be_visible()
    shoot(teacher_page, "5-ficha")

    director_page.goto(f"{base}/docentes/centro/{people['school'].pk}/")
    expect(director_page.get_by_text("Con licencia: Enfermedad")).to_be_visible()
    shoot(director_page, "6-personal")
