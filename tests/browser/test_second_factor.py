"""On a 360 px phone: a technician enrols an authenticator app (QR code, code, recovery codes);
a staff member with an app logs in with the two steps, then a step that asks for a fresh
re-authentication sends them to confirm their identity with a new code and back to do it."""

from base64 import b32decode

import pytest
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect
from viewflow.workflow.models import Task

from core.workflow import task_action
from tests.core.accounts.helpers import totp_code, totp_device
from tests.factories import DEFAULT_PASSWORD, create_user
from tests.workflowapp.flows import SignFlow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 360


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def test_a_technician_enrols_an_app_on_a_phone(live_server, page: Page):
    base = live_server.url
    technician = create_user(role="technician")
    page.goto(f"{base}/cuentas/ingresar/?next=/cuentas/perfil/")
    page.get_by_label("DUI").fill(technician.dui)
    page.get_by_label("Contraseña").fill(DEFAULT_PASSWORD)
    page.locator("main form").get_by_role("button", name="Ingresar").click()

    page.get_by_role("link", name="Administrar la verificación en dos pasos").click()
    page.get_by_role("button", name="Activar la verificación en dos pasos").click()
    qr = page.get_by_role("img", name="Código QR para la aplicación de autenticación")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth > 0")  # the data: image loads under the CSP
    fits_the_phone(page)
    secret = page.locator(".otp-secret").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user=technician)
    assert b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key

    page.get_by_label("Código de verificación").fill(totp_code(device))
    page.get_by_role("button", name="Confirmar y activar").click()

    expect(page.get_by_text("La verificación en dos pasos quedó activa.")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    fits_the_phone(page)
    page.get_by_role("link", name="Ya los guardé").click()
    expect(page.get_by_text("Activa", exact=True)).to_be_visible()


def test_two_step_login_then_a_step_up_before_signing(live_server, page: Page):
    base = live_server.url
    technician = create_user(role="technician")
    device = totp_device(technician)
    with transaction.atomic():
        process = SignFlow.start.run(title="Firma de prueba")
    task = Task.objects.get(process=process, flow_task=SignFlow.sign)
    task_action(actor=technician, task=task, action="assign")
    task_path = f"/procesos/tareas/{task.pk}/"

    # Password first: the code page, not signed in yet
    page.goto(f"{base}/cuentas/ingresar/?next={task_path}")
    page.get_by_label("DUI").fill(technician.dui)
    page.get_by_label("Contraseña").fill(DEFAULT_PASSWORD)
    page.locator("main form").get_by_role("button", name="Ingresar").click()
    expect(page).to_have_url(f"{base}/cuentas/ingresar/codigo/")
    expect(page.get_by_role("heading", name="Verificación en dos pasos")).to_be_visible()
    fits_the_phone(page)

    # A wrong code is refused
    page.get_by_label("Código de verificación").fill(
        "000000" if totp_code(device) != "000000" else "111111"
    )
    page.get_by_role("button", name="Verificar e ingresar").click()
    expect(page.locator(".errorlist")).to_be_visible()

    # The right code signs in; the step asks for a fresh re-authentication first
    page.wait_for_timeout(1100)  # the throttle's one-second wait after a wrong code
    page.get_by_label("Código de verificación").fill(totp_code(device))
    page.get_by_role("button", name="Verificar e ingresar").click()
    expect(page).to_have_url(
        f"{base}/cuentas/reautenticar/?next=%2Fprocesos%2Ftareas%2F{task.pk}%2F"
    )
    expect(page.get_by_role("heading", name="Confirme su identidad")).to_be_visible()
    fits_the_phone(page)

    # The step-up: password and the next code (the one just used is spent)
    page.get_by_label("Contraseña").fill(DEFAULT_PASSWORD)
    page.get_by_label("Código de verificación").fill(totp_code(device, offset_steps=1))
    page.get_by_role("button", name="Confirmar").click()
    expect(page).to_have_url(f"{base}{task_path}")

    page.get_by_role("button", name="Realizar").click()
    expect(page).to_have_url(f"{base}/bandeja/")
    assert Task.objects.get(pk=task.pk).status == "DONE"
