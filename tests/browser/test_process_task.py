"""A process step worked from the Bandeja on a 360 px phone: an officer of the school's
department finds the approval, takes it, is told a rejection needs a reason, gives one, and the
process ends with the decision saved; the process page lists the steps and events."""

import pytest
from playwright.sync_api import Page, expect
from viewflow.workflow.models import Process

from core.accounts.services import role_grant
from tests.core.processes.conftest import open_task, start_approval, work
from tests.factories import DEFAULT_PASSWORD, SchoolFactory, create_user
from tests.workflowapp.flows import ApprovalFlow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def log_in(page: Page, base: str, user, next_path: str) -> None:
    page.goto(f"{base}/cuentas/ingresar/?next={next_path}")
    form = page.locator("main form")
    form.locator('input[name="dui"]').fill(user.dui.replace("-", ""))
    form.locator('input[name="password"]').fill(DEFAULT_PASSWORD)
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(f"{base}{next_path}")


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_officer_rejects_a_request_with_a_reason_from_the_bandeja(live_server, page: Page):
    base = live_server.url
    school = SchoolFactory()
    director = create_user(role="director", scope_kind="school", target=school)
    checker = create_user(role="technician")
    officer = create_user(
        role="departmental_officer", scope_kind="department", target=school.municipality.department
    )
    role_grant(user=officer, role="auditor")  # to open the process page afterwards
    process = start_approval(director, school, title="Permiso de salida")
    work(checker, open_task(process, ApprovalFlow.check))
    task = open_task(process, ApprovalFlow.approve)

    # The officer finds the approval in their Bandeja and opens it
    log_in(page, base, officer, "/bandeja/")
    page.get_by_role("link", name="Permiso de salida").first.click()
    expect(page).to_have_url(f"{base}/procesos/tareas/{task.pk}/")
    expect(page.get_by_role("heading", name="Aprobar la solicitud")).to_be_visible()
    fits_the_phone(page)

    # takes it, then tries to reject without a reason
    page.get_by_role("button", name="Tomar").click()
    expect(page.get_by_text("Tomó la tarea.")).to_be_visible()
    page.get_by_label("Rechazar").check()
    page.get_by_role("button", name="Realizar").click()
    expect(page.get_by_text("Indique el motivo del rechazo.")).to_be_visible()
    fits_the_phone(page)
    assert Process.objects.get(pk=process.pk).status == "NEW"

    # gives the reason: the task is done and the process ends with the decision
    page.get_by_label("Comentario o motivo").fill("Falta la autorización de los padres.")
    page.get_by_role("button", name="Realizar").click()
    expect(page).to_have_url(f"{base}/bandeja/")
    expect(page.get_by_text("Tarea realizada.")).to_be_visible()
    done = Process.objects.get(pk=process.pk)
    assert done.status == "DONE"
    assert done.data["approve"] == {
        "decision": "reject",
        "comment": "Falta la autorización de los padres.",
    }

    # the process page lists who did each step and the chained events
    page.goto(f"{base}/procesos/{process.pk}/")
    expect(page.get_by_role("heading", name="Permiso de salida")).to_be_visible()
    tasks = page.locator("div.card", has=page.get_by_role("heading", name="Tareas", exact=True))
    expect(tasks.get_by_role("row").filter(has_text="Revisar la solicitud")).to_contain_text(
        checker.get_full_name()
    )
    expect(tasks.get_by_role("row").filter(has_text="Aprobar la solicitud")).to_contain_text(
        officer.get_full_name()
    )
    expect(page.locator("code.muted", has_text="task.execute")).to_have_count(2)
    fits_the_phone(page)
