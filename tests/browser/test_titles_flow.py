"""Titles end to end in a real browser: the registrar requests the titles of a graduating
section → the departmental officer confirms from the Bandeja excluding one student → the
director re-authenticates with the authenticator app's code and signs → the authenticating
officer does the same and countersigns → the titles are generated → the public verification
page of one says valid and its PDF's signature validates → annulling it makes the page say
annulled.

Screenshots at phone (390x844) and desktop size go to var/screens/.
"""

import importlib
import re
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Browser, Page, expect
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from core.accounts.choices import Role, ScopeKind
from modules.documents.choices import RequestStatus, TitleStatus
from modules.documents.codes import code_display
from modules.documents.models import IssuedTitle, Motive, TitleDefinition, TitleRequest
from modules.documents.pki import dev_pki
from modules.schools.models import Grade
from tests.core.accounts.helpers import totp_code, totp_device
from tests.factories import DEFAULT_PASSWORD, SchoolFactory, SectionFactory, create_user
from tests.national_data import ensure_national_data
from tests.workflows.titles.conftest import appoint_director, enroll, signature_upload
from workflows.titles.flows import TitleFlow
from workflows.titles.services import titles_request, titles_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"


@pytest.fixture
def people(settings, tmp_path):
    from datetime import date

    from core.accounts.services import person_create
    from modules.documents.services import signatory_register

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SIGES_TITLES_TEST_PKI_DIR = tmp_path / "pki"
    ensure_national_data()
    if not TitleDefinition.objects.exists():
        importlib.import_module("modules.documents.migrations.0002_catalogues").load(
            django_apps, None
        )
    school = SchoolFactory(code="CE-9001", name="Instituto Nacional Los Pinos")
    section = SectionFactory(school=school, grade=Grade.objects.get(code="BG2"), name="A")
    department = school.municipality.department
    director = create_user(
        role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=school,
        first_names="Mario Alberto", last_names="Castro Aguilar",
    )  # fmt: skip
    authenticator = create_user(
        role=Role.TITLE_AUTHENTICATOR, first_names="Gloria Esperanza", last_names="Molina Funes"
    )
    people = {
        "school": school,
        "section": section,
        "director": director,
        "authenticator": authenticator,
        "registrar": create_user(
            role=Role.REGISTRAR,
            scope_kind=ScopeKind.SCHOOL,
            target=school,
            first_names="Karla Yesenia",
            last_names="Portillo Arévalo",
        ),
        "officer": create_user(
            role=Role.DEPARTMENTAL_OFFICER,
            scope_kind=ScopeKind.DEPARTMENT,
            target=department,
            first_names="Claudia Beatriz",
            last_names="Ramírez Serrano",
        ),
        "devices": {
            director.pk: totp_device(director),
            authenticator.pk: totp_device(authenticator),
        },
    }
    signatory_register(
        actor=None, kind="director", person=director.person, user=director, school=school,
        position="Director", signature=signature_upload(1), valid_from=date(2020, 1, 1),
    )  # fmt: skip
    appoint_director(director.person, school)
    signatory_register(
        actor=None, kind="minister", position="Ministra", signature=signature_upload(2),
        person=person_create(first_names="Elena Beatriz", last_names="Campos Aguirre"),
        valid_from=date(2020, 1, 1),
    )  # fmt: skip
    signatory_register(
        actor=None, kind="authenticator", person=authenticator.person, user=authenticator,
        position="Titular de auténtica", signature=signature_upload(3),
        valid_from=date(2020, 1, 1),
    )  # fmt: skip
    people["graduates"] = enroll(
        director, section,
        [("Andrea Guadalupe", "Portillo Menjívar"), ("José Rodrigo", "Ayala Figueroa"),
         ("Karen Lisseth", "Orellana Bonilla")],
    )  # fmt: skip
    return people


def new_page(browser: Browser) -> Page:
    page = browser.new_context(viewport=PHONE, locale="es-SV").new_page()
    page.set_default_timeout(15_000)
    return page


def log_in(page: Page, base: str, user, next_path: str, device=None) -> None:
    page.goto(f"{base}/cuentas/ingresar/?next={next_path}")
    form = page.locator("main form")
    form.locator('input[name="dui"]').fill(user.dui.replace("-", ""))
    form.locator('input[name="password"]').fill(DEFAULT_PASSWORD)
    form.locator('button[type="submit"]').click()
    if device is not None:  # an account with the authenticator app: the code after the password
        expect(page).to_have_url(re.compile(r"/cuentas/ingresar/codigo/"))
        page.get_by_label("Código de verificación").fill(totp_code(device))
        page.locator('main form button[type="submit"]').click()
    expect(page).to_have_url(f"{base}{next_path}")


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def shoot(page: Page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(SMALL_PHONE)
    fits(page)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENS / f"titulos-{name}-telefono.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SCREENS / f"titulos-{name}-escritorio.png"), full_page=True)
    page.set_viewport_size(PHONE)


def take_from_bandeja(page: Page, base: str, number: str) -> None:
    page.goto(f"{base}/bandeja/")
    page.get_by_role("link", name=re.compile(re.escape(number))).first.click()
    expect(page).to_have_url(re.compile(r"/procesos/tareas/\d+/$"))
    page.get_by_role("button", name="Tomar").click()


def step_up(page: Page, people, user) -> None:
    expect(page).to_have_url(re.compile(r"/cuentas/"))
    page.get_by_label("Contraseña").fill(DEFAULT_PASSWORD)
    # The login spent this time step's code (no replay): the next step's, within the tolerance
    page.locator('input[name="code"]').fill(totp_code(people["devices"][user.pk], offset_steps=1))
    page.get_by_role("button", name="Confirmar").click()
    expect(page).to_have_url(re.compile(r"/procesos/tareas/\d+/$"))


def validate(data: bytes):
    """pyHanko's validation, in a thread of its own: it runs an asyncio loop, and Playwright's
    keeps one running in this thread."""

    def run():
        ca = load_cert_from_pemder(str(dev_pki().ca_pem))
        signature = PdfFileReader(BytesIO(data)).embedded_signatures[0]
        return validate_pdf_signature(signature, ValidationContext(trust_roots=[ca]))

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def test_request_verify_sign_countersign_verify_annul(live_server, browser, people):
    base = live_server.url
    graduates = people["graduates"]

    # --- The registrar requests the section's titles -----------------------------------------
    registrar = new_page(browser)
    log_in(registrar, base, people["registrar"], "/titulos/")
    shoot(registrar, "1-inicio-registro")
    registrar.get_by_role("link", name=re.compile("2.º año de bachillerato A")).click()
    expect(registrar.get_by_role("heading", level=1)).to_have_text("Solicitar títulos")
    shoot(registrar, "2-solicitud")
    registrar.get_by_role("button", name="Enviar la solicitud").click()
    request = TitleRequest.objects.get()
    expect(registrar.get_by_role("heading", level=1)).to_contain_text(request.number)

    # --- The departmental officer confirms, excluding one student ----------------------------
    officer = new_page(browser)
    log_in(officer, base, people["officer"], "/bandeja/")
    take_from_bandeja(officer, base, request.number)
    officer.get_by_label("Confirmar la solicitud").check()
    officer.get_by_label("NIE de los estudiantes que se excluyen").fill(str(graduates[2].nie))
    officer.get_by_label("Motivo de la exclusión").select_option(index=1)
    shoot(officer, "3-verificacion")
    officer.get_by_role("button", name="Registrar la verificación").click()
    request.refresh_from_db()
    assert request.status == RequestStatus.WITH_EXCEPTIONS

    # --- The director re-authenticates with the app's code and signs -------------------------
    director = new_page(browser)
    log_in(
        director, base, people["director"], "/bandeja/", people["devices"][people["director"].pk]
    )
    take_from_bandeja(director, base, request.number)
    step_up(director, people, people["director"])
    director.get_by_label(re.compile("Firmo, como director")).check()
    shoot(director, "4-firma")
    director.get_by_role("button", name="Firmar").click()
    expect(director).to_have_url(f"{base}/bandeja/")
    request.refresh_from_db()
    assert request.signed_by_id == people["director"].pk

    # --- The authenticating officer countersigns; the titles are generated --------------------
    authenticator = new_page(browser)
    log_in(
        authenticator,
        base,
        people["authenticator"],
        "/bandeja/",
        people["devices"][people["authenticator"].pk],
    )
    take_from_bandeja(authenticator, base, request.number)
    step_up(authenticator, people, people["authenticator"])
    authenticator.get_by_label(re.compile("Doy la auténtica")).check()
    authenticator.get_by_role("button", name="Refrendar").click()
    expect(authenticator).to_have_url(f"{base}/bandeja/")
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING_PRINT
    titles = list(IssuedTitle.objects.order_by("number"))
    assert len(titles) == 2

    # --- The request's page lists the titles; one's verification page says valid -------------
    registrar.goto(f"{base}/titulos/solicitudes/{request.pk}/")
    expect(registrar.locator("#barra-generacion")).to_have_attribute("value", "100")
    shoot(registrar, "5-solicitud-generada")
    title = titles[0]
    registrar.get_by_role("link", name=title.number).click()
    public = registrar
    expect(public.locator('[data-title-status="valid"]')).to_contain_text("Título válido.")
    expect(public.get_by_text(title.student_name)).to_be_visible()
    shoot(public, "6-verificacion-valido")
    with public.expect_download() as download_info:
        public.get_by_role("link", name="Descargar el PDF firmado").click()
    data = Path(download_info.value.path()).read_bytes()
    status = validate(data)
    assert status.bottom_line
    assert status.intact

    # --- Annulling the title makes the page say annulled --------------------------------------
    annul = titles_request(
        actor=people["registrar"], kind="annulment", school=people["school"],
        title_numbers=[title.number], motive=Motive.objects.filter(kind="annulment").first(),
    )  # fmt: skip
    for node, user, data in (
        (TitleFlow.verify, people["officer"], {"decision": "confirm", "excluded": "", "note": ""}),
        (TitleFlow.sign, people["director"], {"confirm": "on"}),
        (TitleFlow.countersign, people["authenticator"], {"confirm": "on"}),
    ):
        task = annul.task_set.get(flow_task=node, status__in=["NEW", "ASSIGNED"])
        titles_step(actor=user, task=task, data=data)
    title.refresh_from_db()
    assert title.status == TitleStatus.ANNULLED
    anonymous = new_page(browser)
    anonymous.goto(f"{base}/verificar/{code_display(title.verification_code)}/")
    expect(anonymous.locator('[data-title-status="annulled"]')).to_contain_text("Título anulado.")
    shoot(anonymous, "7-verificacion-anulado")
