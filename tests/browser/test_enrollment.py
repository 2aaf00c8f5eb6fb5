"""A director on a 360 px phone enrolls a new child and withdraws another student."""

import pytest
from playwright.sync_api import expect

from modules.schools.services import school_create, section_create
from modules.students.models import Enrollment
from tests.factories import DEFAULT_PASSWORD, MunicipalityFactory, create_user, make_dui

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_director_enrolls_and_withdraws_on_a_phone(live_server, page):
    school = school_create(
        code="B0001",
        name="Centro Escolar El Roble",
        sector="public",
        classification="centro_escolar",
        zone="rural",
        municipality=MunicipalityFactory(),
    )
    section = section_create(
        school=school, school_year=2026, grade="G2", name="A", shift="matutino"
    )
    create_user(role="director", scope_kind="school", target=school, dui=make_dui(44_556_677))

    page.goto(f"{live_server.url}/cuentas/ingresar/")
    page.locator('main input[name="dui"]').fill(make_dui(44_556_677))
    page.locator('main input[name="password"]').fill(DEFAULT_PASSWORD)
    page.locator('main button[type="submit"]').click()
    page.get_by_role("link", name="Matrícula").first.click()

    # The school's sections with their counts, no sideways scrolling
    expect(page.get_by_role("heading", name="Matrícula")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("link", name="Matricular").first.click()

    # Enroll a new child: the system gives the NIE
    page.get_by_label("Nombres").fill("Sofía")
    page.get_by_label("Apellidos").fill("Rivas")
    page.get_by_label("Fecha de nacimiento").fill("2018-06-15")
    page.get_by_role("button", name="Matricular").click()
    expect(page.get_by_text("Sofía Rivas quedó matriculado")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Withdraw her with a dropout motive
    page.get_by_role("link", name="Retirar").click()
    page.get_by_label("Motivo").select_option("06")
    page.get_by_role("button", name="Registrar retiro").click()
    expect(page.get_by_text("El retiro quedó registrado.")).to_be_visible()

    enrollment = Enrollment.objects.get(section=section)
    assert (enrollment.status, enrollment.withdrawal_motive.code) == ("withdrawn", "06")
