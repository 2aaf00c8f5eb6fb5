"""The school budget end to end in a real browser: the treasurer opens and prepares the budget →
the director submits it → the departmental reviewer observes it → the school corrects and
resubmits → the reviewer takes the review, adjusts two lines and approves (the school reads the
adjustment) → the treasurer records an invoice and prepares a cheque,
the director signs it → the public transparency page shows budget against execution. An auditor
then opens the budget's process page.

Screenshots at phone (390x844) and desktop size go to var/screens/.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Browser, Page, expect

from modules.finance.catalogue import categories_load
from modules.finance.choices import BudgetStatus, PaymentStatus
from modules.finance.models import Allocation, Budget, FiscalYear, Payment, Transfer
from modules.finance.services import bank_account_open
from tests.factories import DEFAULT_PASSWORD, SchoolFactory, create_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2026
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"


@pytest.fixture
def people():
    categories_load(django_apps)  # shipped by a migration; a transactional test may flush it
    school = SchoolFactory(code="CE-5501", name="Centro Escolar Las Palmas")
    department = school.municipality.department
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=YEAR)
    transfer = Transfer.objects.create(
        fiscal_year=fiscal_year,
        name="Funcionamiento",
        total=Decimal("1000000000.00"),
        school_ceiling=Decimal("5000.00"),
    )
    Allocation.objects.create(
        transfer=transfer, school=school, department=department, amount=Decimal("3000.00")
    )
    treasurer = create_user(
        role="treasurer",
        scope_kind="school",
        target=school,
        first_names="Teresa",
        last_names="Tesorera",
    )
    bank_account_open(actor=treasurer, school=school, bank="Banco Agrícola", number="0012-3456")
    return {
        "school": school,
        "treasurer": treasurer,
        "director": create_user(
            role="director",
            scope_kind="school",
            target=school,
            first_names="Diego",
            last_names="Director",
        ),
        "reviewer": create_user(
            role="finance_reviewer",
            scope_kind="department",
            target=department,
            first_names="Rebeca",
            last_names="Revisora",
        ),
        "auditor": create_user(role="auditor", first_names="Aurora", last_names="Auditora"),
    }


def new_page(browser: Browser) -> Page:
    page = browser.new_context(viewport=PHONE, locale="es-SV").new_page()
    page.set_default_timeout(10_000)
    return page


def log_in(page: Page, base: str, user, next_path: str) -> None:
    page.goto(f"{base}/cuentas/ingresar/?next={next_path}")
    form = page.locator("main form")
    form.locator('input[name="dui"]').fill(user.dui.replace("-", ""))
    form.locator('input[name="password"]').fill(DEFAULT_PASSWORD)
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(f"{base}{next_path}")


WIDER = """() => [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .slice(0, 5).map(e => e.tagName + "." + e.className)"""


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], page.evaluate(WIDER)


def shoot(page: Page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size(SMALL_PHONE)
    # Chart.js redraws a chart for the new width on the next frames (a ResizeObserver).
    page.wait_for_timeout(500)
    fits(page)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENS / f"presupuesto-{name}-telefono.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SCREENS / f"presupuesto-{name}-escritorio.png"), full_page=True)
    page.set_viewport_size(size)


def add_line(page: Page, kind: str, source: str, category: str, text: str, amount: str) -> None:
    form = page.locator("form", has=page.get_by_role("button", name="Agregar línea"))
    form.get_by_label("Tipo").select_option(label=kind)
    form.get_by_label("Fuente").select_option(label=source)
    form.get_by_label("Categoría").select_option(label=category)
    form.get_by_label("Descripción").fill(text)
    form.get_by_label("Monto (US$)").fill(amount)
    form.get_by_role("button", name="Agregar línea").click()
    expect(page.get_by_text("Línea agregada.")).to_be_visible()


def work(page: Page, base: str, title: str, button: str, choice: str = "", **fill: str) -> None:
    """Open the task titled ``title`` from the Bandeja, take it, fill it and send it."""
    page.goto(f"{base}/bandeja/")
    page.get_by_role("link", name=title).first.click()
    expect(page).to_have_url(re.compile(r"/procesos/tareas/\d+/$"))
    page.get_by_role("button", name="Tomar").click()
    if choice:
        page.get_by_label(choice).check()
    for label, text in fill.items():
        page.get_by_label(label).fill(text)
    page.get_by_role("button", name=button).click()
    expect(page.get_by_text("Tarea realizada.")).to_be_visible()


def test_prepare_submit_observe_correct_approve_pay_and_publish(live_server, browser, people):
    base = live_server.url
    school = people["school"]
    title = f"{school.code} · {YEAR}"

    # --- The treasurer opens the budget and writes its lines ---------------------------------
    treasurer = new_page(browser)
    log_in(treasurer, base, people["treasurer"], "/finanzas/")
    treasurer.get_by_label("Año fiscal").fill(str(YEAR))
    treasurer.get_by_role("button", name="Abrir presupuesto").click()
    expect(treasurer.get_by_role("heading", level=1)).to_have_text(f"Presupuesto {YEAR}")
    budget_url = treasurer.url
    add_line(
        treasurer,
        "Ingreso",
        "Transferencia del Ministerio",
        "Transferencia del Ministerio",
        "Transferencia 2026",
        "3000.00",
    )
    add_line(
        treasurer, "Ingreso", "Ingresos propios", "Ingresos propios", "Tienda escolar", "250.00"
    )
    add_line(
        treasurer,
        "Gasto",
        "Transferencia del Ministerio",
        "Materiales didácticos y de oficina",
        "Materiales",
        "1000.00",
    )
    add_line(
        treasurer,
        "Gasto",
        "Transferencia del Ministerio",
        "Mantenimiento de infraestructura",
        "Mantenimiento",
        "2000.00",
    )
    add_line(treasurer, "Gasto", "Ingresos propios", "Actividades educativas", "Festival", "100.00")
    fits(treasurer)
    shoot(treasurer, "1-lineas")
    work(treasurer, base, title, "Enviar al director")

    # --- The director submits it ------------------------------------------------------------
    director = new_page(browser)
    log_in(director, base, people["director"], "/bandeja/")
    work(director, base, title, "Registrar la decisión", "Presentar a la revisión departamental")
    assert Budget.objects.get().status == BudgetStatus.SUBMITTED

    # --- The departmental reviewer observes it ----------------------------------------------
    reviewer = new_page(browser)
    log_in(reviewer, base, people["reviewer"], "/bandeja/")
    expect(reviewer.get_by_role("link", name=title)).to_be_visible()
    shoot(reviewer, "2-bandeja-del-revisor")
    work(
        reviewer,
        base,
        title,
        "Registrar la revisión",
        "Observar (vuelve al centro educativo)",
        Observaciones="Incluya los donativos de los padres.",
    )
    assert Budget.objects.get().status == BudgetStatus.OBSERVED

    # --- The school corrects and resubmits --------------------------------------------------
    treasurer.goto(budget_url)
    expect(treasurer.get_by_text("Incluya los donativos de los padres.")).to_be_visible()
    add_line(treasurer, "Ingreso", "Ingresos propios", "Donaciones", "Donativos de padres", "75.50")
    work(treasurer, base, title, "Enviar al director")
    work(director, base, title, "Registrar la decisión", "Presentar a la revisión departamental")

    # --- The reviewer takes the review, adjusts two lines on the budget page, approves ------
    reviewer.goto(f"{base}/bandeja/")
    reviewer.get_by_role("link", name=title).first.click()
    reviewer.get_by_role("button", name="Tomar").click()
    task_url = reviewer.url
    reviewer.goto(budget_url)
    adjust = reviewer.locator(
        "form", has=reviewer.get_by_role("button", name="Registrar los ajustes")
    )
    adjust.get_by_label(re.compile(r"^Materiales:?$")).fill("1100.00")
    adjust.get_by_label(re.compile(r"^Mantenimiento:?$")).fill("1900.00")
    adjust.get_by_label("Motivo del ajuste").fill("Precios de materiales actualizados.")
    adjust.get_by_role("button", name="Registrar los ajustes").click()
    expect(reviewer.get_by_text("Ajustes registrados.")).to_be_visible()
    expect(reviewer.get_by_text("Ajustado por el revisor:")).to_be_visible()
    shoot(reviewer, "3-ajuste-del-revisor")
    reviewer.goto(task_url)
    expect(reviewer.get_by_text("2 montos ajustados")).to_be_visible()
    reviewer.get_by_label("Ajustar y aprobar", exact=False).check()
    shoot(reviewer, "4-tarea-ajustar-y-aprobar")
    reviewer.get_by_role("button", name="Registrar la revisión").click()
    expect(reviewer.get_by_text("Tarea realizada.")).to_be_visible()
    assert Budget.objects.get().status == BudgetStatus.APPROVED

    # The school reads the adjustment on its budget page
    treasurer.goto(budget_url)
    expect(treasurer.get_by_text("de US$ 1000,00 a US$ 1100,00")).to_be_visible()
    expect(treasurer.get_by_text("Precios de materiales actualizados.").first).to_be_visible()
    shoot(treasurer, "5-el-centro-ve-el-ajuste")

    # --- An invoice and a cheque with two signatures --------------------------------------
    treasurer.goto(budget_url)
    invoice = treasurer.locator("form", has=treasurer.get_by_role("button", name="Registrar"))
    invoice.get_by_label("Línea de gasto").select_option(label="Materiales")
    invoice.get_by_label("Proveedor (empresa)").fill("Librería Central, S.A. de C.V.")
    invoice.get_by_label("NIT del proveedor").fill("0614-050707-104-9")  # a wrong check digit
    invoice.get_by_label("Número de documento").fill("F-0091")
    invoice.get_by_label("Fecha").fill(f"14/03/{YEAR}")
    invoice.get_by_label("Monto (US$)").fill("412.35")
    invoice.get_by_role("button", name="Registrar").click()
    expect(treasurer.get_by_text("El NIT del proveedor no es válido")).to_be_visible()
    invoice = treasurer.locator("form", has=treasurer.get_by_role("button", name="Registrar"))
    invoice.get_by_label("NIT del proveedor").fill("0614-050707-104-8")
    invoice.get_by_role("button", name="Registrar").click()
    expect(treasurer.get_by_text("Factura registrada.")).to_be_visible()
    payment = treasurer.locator(
        "form", has=treasurer.get_by_role("button", name="Preparar el pago")
    )
    payment.get_by_label("Forma de pago").select_option(label="Cheque")
    payment.get_by_label("Cuenta bancaria").select_option(index=1)
    payment.get_by_label("Número de cheque").fill("000154")
    payment.get_by_role("button", name="Preparar el pago").click()
    expect(treasurer.get_by_text("Pago preparado: falta la firma del presidente.")).to_be_visible()
    shoot(treasurer, "6-factura-y-cheque")

    director.goto(budget_url)
    director.get_by_role("button", name="Autorizar (firma del presidente)").click()
    expect(director.get_by_text("Pago autorizado.")).to_be_visible()
    paid = Payment.objects.get()
    assert paid.status == PaymentStatus.AUTHORISED
    assert paid.prepared_by_id != paid.authorised_by_id

    # --- The public transparency page shows budget against execution -------------------------
    public = new_page(browser)
    public.goto(f"{base}/transparencia/centros/{school.code}/")
    expect(public.get_by_role("heading", level=1)).to_contain_text(school.name)
    row = public.locator("tr", has_text="Materiales didácticos y de oficina").last
    expect(row).to_contain_text("1100,00")
    expect(row).to_contain_text("412,35")
    expect(row).to_contain_text("37,5 %")
    expect(public.get_by_text("Librería Central")).to_have_count(0)
    fits(public)
    shoot(public, "7-transparencia-del-centro")
    public.goto(f"{base}/transparencia/")
    expect(public.locator("dl.finance-summary")).to_contain_text("3100,00")
    expect(public.locator("dl.finance-summary")).to_contain_text("412,35")
    shoot(public, "8-transparencia-nacional")

    # --- An auditor sees the process on its page ------------------------------------------
    auditor = new_page(browser)
    log_in(auditor, base, people["auditor"], "/finanzas/presupuestos/")
    auditor.get_by_role("link", name="Ver el proceso").click()
    expect(auditor.get_by_role("heading", level=1)).to_have_text(title)
    expect(auditor.get_by_text("Revisar el presupuesto").first).to_be_visible()
    shoot(auditor, "9-proceso-para-el-auditor")
