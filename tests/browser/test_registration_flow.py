"""Registration and password reset in a real browser on a 360 px phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from core.accounts.models import User
from notifications.models import OutboxMessage
from tests.factories import make_dui
from tests.workflows.registration.helpers import link_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
PASSWORD = "mi primera frase secreta"
NEW_PASSWORD = "mi segunda frase secreta"


def emailed_path(template: str) -> str:
    # The live server's relay has sent the email, so the outbox row keeps only a placeholder:
    # the link is read from the email that left.
    return link_path(OutboxMessage.objects.filter(template=template, channel="email").latest("pk"))


def log_in(page: Page, base: str, dui: str, password: str) -> None:
    page.goto(f"{base}/cuentas/ingresar/")
    form = page.locator("main form")
    form.locator('input[name="dui"]').fill(dui)
    form.locator('input[name="password"]').fill(password)
    form.locator('button[type="submit"]').click()


def test_register_verify_accept_notice_reset_and_log_in_again(live_server, browser, settings):
    settings.SIGES_TERMS_NOTICE_REQUIRED = True
    base = live_server.url
    dui = make_dui(61_234_567)
    # A phone in Guatemala: the form must pick that zone up by itself.
    context = browser.new_context(viewport=PHONE, locale="es-SV", timezone_id="America/Guatemala")
    page = context.new_page()
    page.set_default_timeout(10_000)
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )

    # Register
    page.goto(f"{base}/registro/")
    expect(page.get_by_label("Zona horaria")).to_have_value("America/Guatemala")
    page.get_by_label("Correo electrónico").fill("lucia.mejia@example.sv")
    page.get_by_label("Nombres").fill("Lucía")
    page.get_by_label("Apellidos").fill("Mejía Rivas")
    page.get_by_label("DUI").fill(dui)
    page.get_by_label("Fecha de nacimiento").fill("1988-03-09")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_label("Repita la contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Crear cuenta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revise su correo")
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Open the emailed link and confirm
    page.goto(base + emailed_path("registration_verify"))
    page.get_by_role("button", name="Confirmar mi correo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Su cuenta está activa")
    assert User.objects.get(dui=dui).time_zone == "America/Guatemala"

    # First login: the "aviso de conformidad", then home
    log_in(page, base, dui.replace("-", ""), PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Aviso de conformidad")
    page.get_by_label("He leído el aviso y estoy de acuerdo.").check()
    page.get_by_role("button", name="Aceptar y continuar").click()
    expect(page).to_have_url(f"{base}/")
    assert User.objects.get(dui=dui).terms_accepted_at is not None

    # Forgot the password: ask for a link with the DUI, from a fresh browser
    context.clear_cookies()
    page.goto(f"{base}/recuperar-acceso/")
    page.get_by_label("DUI o correo electrónico").fill(dui)
    page.get_by_role("button", name="Enviar enlace").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revise su correo")
    page.goto(base + emailed_path("password_reset_link"))
    page.locator("#id_password").fill(NEW_PASSWORD)
    page.locator("#id_password_confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Cambiar contraseña").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contraseña cambiada")

    # The old password no longer works; the new one does
    log_in(page, base, dui, PASSWORD)
    expect(page).to_have_url(re.compile(r"/cuentas/ingresar/"))
    log_in(page, base, dui, NEW_PASSWORD)
    expect(page).to_have_url(f"{base}/")
    assert csp_errors == []
    context.close()
