"""The finance pages in a real browser at phone width: the custom monthly split of a budget
line (the months show only for a custom split, their sum updates as you type, a split that
does not add up is refused keeping what was typed), and the transfer, board and bank pages
(create, allocate and authorise; add a board member; record a reconciliation), each fitting a
360 px wide screen."""

from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Browser, Page, expect

from core.accounts.dui import dui_check_digit
from modules.finance.catalogue import categories_load
from modules.finance.models import (
    Allocation,
    BankAccount,
    BankReconciliation,
    Board,
    Budget,
    BudgetLineMonth,
    FiscalYear,
)
from tests.factories import SchoolFactory, create_user

from .test_budget_flow import fits, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def new_page(browser: Browser) -> Page:
    page = browser.new_context(viewport=PHONE, locale="es-SV").new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def school():
    categories_load(django_apps)  # shipped by a migration; a transactional test may flush it
    return SchoolFactory(code="CE-6601", name="Centro Escolar El Roble")


def test_a_custom_monthly_split(live_server, browser, school):
    treasurer = create_user(role="treasurer", scope_kind="school", target=school)
    budget = Budget.objects.create(
        school=school,
        department_id=school.municipality.department_id,
        fiscal_year=FiscalYear.objects.get_or_create(year=2026)[0],
        prepared_by=treasurer,
    )
    page = new_page(browser)
    path = f"/finanzas/presupuestos/{budget.pk}/"
    log_in(page, live_server.url, treasurer, path)
    form = page.locator("form", has=page.get_by_role("button", name="Agregar línea"))
    months = form.locator("[data-month-grid]")
    expect(months).to_be_hidden()

    form.get_by_label("Tipo").select_option(label="Gasto")
    form.get_by_label("Fuente").select_option(label="Ingresos propios")
    form.get_by_label("Categoría").select_option(label="Actividades educativas")
    form.get_by_label("Descripción").fill("Excursión")
    form.get_by_label("Monto (US$)").fill("100.00")
    form.get_by_label("Personalizada: escribo el monto de cada mes").check()
    expect(months).to_be_visible()
    form.get_by_label("Marzo").fill("60.00")
    form.get_by_label("Septiembre").fill("30.00")
    expect(form.locator("[data-month-total]")).to_have_text("90,00")
    fits(page)
    form.get_by_role("button", name="Agregar línea").click()

    refusal = "La distribución mensual suma 90.00 y la línea 100.00."
    expect(page.locator("[data-month-split] .errorlist")).to_have_text(refusal)
    form = page.locator("form", has=page.get_by_role("button", name="Agregar línea"))
    expect(form.get_by_label("Marzo")).to_have_value("60.00")
    expect(form.locator("[data-month-total]")).to_have_text("90,00")
    form.get_by_label("Septiembre").fill("40.00")
    expect(form.locator("[data-month-total]")).to_have_text("100,00")
    form.get_by_role("button", name="Agregar línea").click()

    expect(page.get_by_text("Línea agregada.")).to_be_visible()
    assert dict(BudgetLineMonth.objects.values_list("month", "amount")) == {
        3: Decimal("60.00"),
        9: Decimal("40.00"),
    }


def test_transfers_board_and_bank_pages(live_server, browser, school):
    base = live_server.url
    officer = create_user(role="ministry_officer")
    page = new_page(browser)
    log_in(page, base, officer, "/finanzas/transferencias/")
    page.get_by_label("Año fiscal").last.fill("2027")
    page.get_by_label("Nombre").fill("Bono de mantenimiento")
    page.get_by_label("Monto total (US$)").fill("45000.00")
    page.get_by_label("Techo por centro (US$)").fill("900.00")
    page.get_by_role("button", name="Crear la transferencia").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bono de mantenimiento 2027")
    page.get_by_label("Código del centro").fill(school.code)
    page.get_by_label("Monto (US$)").fill("950.00")
    page.get_by_role("button", name="Asignar").click()
    expect(page.get_by_text("Supera el techo por centro de 900.00.")).to_be_visible()
    page.get_by_label("Monto (US$)").fill("900.00")
    page.get_by_role("button", name="Asignar").click()
    expect(page.get_by_text(f"Asignación solicitada para {school.code}.")).to_be_visible()
    page.get_by_role("button", name="Autorizar").click()
    expect(page.get_by_text(f"Asignación de {school.code}: Autorizada.")).to_be_visible()
    fits(page)
    assert Allocation.objects.get().status == "authorised"

    director = create_user(role="director", scope_kind="school", target=school)
    Board.objects.create(
        school=school,
        kind="cde",
        term_start="2025-03-01",
        term_end="2030-02-28",
    )
    page = new_page(browser)
    log_in(page, base, director, f"/finanzas/centros/{school.pk}/organismo/")
    page.get_by_label("DUI").fill(f"04400999-{dui_check_digit('04400999')}")
    page.get_by_label("Cargo").select_option(label="Secretario")
    page.get_by_label("Nombres").fill("Lucía")
    page.get_by_label("Apellidos").fill("Menjívar")
    page.get_by_role("button", name="Agregar al organismo").click()
    expect(page.get_by_text("Lucía Menjívar es ahora Secretario del organismo.")).to_be_visible()
    fits(page)

    treasurer = create_user(role="treasurer", scope_kind="school", target=school)
    BankAccount.objects.create(school=school, bank="Banco Cuscatlán", number="55-1")
    page = new_page(browser)
    log_in(page, base, treasurer, f"/finanzas/centros/{school.pk}/cuentas/")
    page.get_by_label("Mes").select_option(label="Enero")
    page.locator("#id_year").fill("2026")
    page.get_by_label("Saldo según el estado de cuenta (US$)").fill("0.00")
    page.get_by_role("button", name="Registrar la conciliación").click()
    expect(
        page.get_by_text("Conciliación registrada: el banco y los libros coinciden.")
    ).to_be_visible()
    fits(page)
    assert BankReconciliation.objects.count() == 1
