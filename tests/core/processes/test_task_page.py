"""The generic task page (process:task): the node's form, worked only through task_action."""

import re

import pytest
from django.urls import reverse
from viewflow.workflow.models import Process, Task

from core.audit.models import AuditEvent
from core.workflow import task_action
from tests.core.workflow.conftest import start_review
from tests.workflowapp.flows import ApprovalFlow

from .conftest import open_task, work

pytestmark = pytest.mark.django_db


def task_url(task: Task) -> str:
    return f"/procesos/tareas/{task.pk}/"


def owner_and_status(task: Task) -> tuple[int | None, str]:
    return Task.objects.filter(pk=task.pk).values_list("owner_id", "status").get()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def snapshot(process) -> tuple:
    """Everything a task page may change: the process, its tasks and the audit trail."""
    return (
        Process.objects.filter(pk=process.pk).values("status", "data").get(),
        list(Task.objects.filter(process=process).order_by("pk").values("status", "owner", "data")),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def technician(make_user):
    return make_user(role="technician")


@pytest.fixture
def review_task(db) -> Task:
    return start_review()


def test_the_urls_are_named():
    assert reverse("process:task", kwargs={"pk": 7}) == "/procesos/tareas/7/"
    assert reverse("process:task_action", kwargs={"pk": 7}) == "/procesos/tareas/7/accion/"
    assert reverse("process:detail", kwargs={"pk": 7}) == "/procesos/7/"
    assert reverse("process:list") == "/procesos/"


def test_the_old_help_desk_path_redirects_to_the_task_page(client, technician, review_task):
    client.force_login(technician)

    response = client.get(f"/mesa/tareas/{review_task.pk}/")

    assert response.status_code == 302
    assert response["Location"] == task_url(review_task)


def test_the_task_page_shows_the_task_and_offers_to_take_it(client, technician, review_task):
    client.force_login(technician)

    response = client.get(task_url(review_task))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<h2 id="tarea-datos">Revisión de prueba n.º {review_task.process_id}</h2>' in html
    assert "<dt>Estado</dt><dd>Pendiente</dd>" in html
    assert re.findall(r'name="accion" value="(\w+)"', html) == ["assign"]


def test_taking_then_doing_a_task_from_its_page(client, technician, review_task):
    task = review_task
    client.force_login(technician)

    taken = client.post(f"{task_url(task)}accion/", {"accion": "assign"}, follow=True)

    assert owner_and_status(task) == (technician.pk, "ASSIGNED")
    assert messages_of(taken) == ["Tomó la tarea."]
    # The step's form (a confirmation here) carries "Realizar"; "Liberar" stays apart.
    assert re.findall(r'name="accion" value="(\w+)"', taken.content.decode()) == [
        "execute",
        "unassign",
    ]

    done = client.post(f"{task_url(task)}accion/", {"accion": "execute"})

    assert done.status_code == 302
    assert done["Location"] == "/bandeja/"
    assert owner_and_status(task) == (technician.pk, "DONE")
    assert Task.objects.get(process=task.process, flow_task_type="END").status == "DONE"


def test_releasing_a_task_puts_it_back(client, technician, review_task):
    task_action(actor=technician, task=review_task, action="assign")
    client.force_login(technician)

    response = client.post(f"{task_url(review_task)}accion/", {"accion": "unassign"}, follow=True)

    assert owner_and_status(review_task) == (None, "NEW")
    assert messages_of(response) == ["Liberó la tarea: vuelve a estar disponible."]


def test_a_task_someone_else_took_is_shown_without_actions_and_cannot_be_taken(
    client, make_user, technician, review_task
):
    colleague = make_user(role="technician")
    task_action(actor=colleague, task=review_task, action="assign")
    client.force_login(technician)

    html = client.get(task_url(review_task)).content.decode()
    assert f"<dd>{colleague.get_full_name()}</dd>" in html
    assert "No hay acciones disponibles para usted en esta tarea." in html

    response = client.post(f"{task_url(review_task)}accion/", {"accion": "assign"}, follow=True)
    assert messages_of(response) == ["La acción «Tomar» no es posible en el estado «Asignada»."]
    assert owner_and_status(review_task) == (colleague.pk, "ASSIGNED")


@pytest.mark.parametrize("role", ["supervisor", "citizen", "director"])
def test_the_task_page_is_404_for_people_who_may_not_take_it(client, make_user, role, review_task):
    client.force_login(make_user(role=role))
    before = snapshot(review_task.process)

    assert client.get(task_url(review_task)).status_code == 404
    assert client.post(f"{task_url(review_task)}accion/", {"accion": "assign"}).status_code == 404
    assert snapshot(review_task.process) == before


def test_anonymous_visitors_are_sent_to_login(client, review_task):
    response = client.get(task_url(review_task))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_action_the_task_page_does_not_offer_is_refused(client, technician, review_task):
    client.force_login(technician)

    response = client.post(f"{task_url(review_task)}accion/", {"accion": "cancel"}, follow=True)

    assert messages_of(response) == ["Acción no válida."]
    assert owner_and_status(review_task) == (None, "NEW")


# --- A step with its own form (ApprovalFlow: DecisionForm) -------------------------------------


def test_the_step_form_is_shown_to_the_owner(client, process, checker):
    task = open_task(process, ApprovalFlow.check)
    task_action(actor=checker, task=task, action="assign")
    client.force_login(checker)

    html = client.get(task_url(task)).content.decode()

    assert 'name="decision" value="approve"' in html
    assert 'name="decision" value="reject"' in html
    assert '<textarea name="comment"' in html
    assert "<dt>Vence</dt><dd><time" in html


def test_rejecting_without_a_reason_re_renders_with_the_error_and_changes_nothing(
    client, process, checker
):
    task = open_task(process, ApprovalFlow.check)
    task_action(actor=checker, task=task, action="assign")
    client.force_login(checker)
    before = snapshot(process)

    response = client.post(
        f"{task_url(task)}accion/", {"accion": "execute", "decision": "reject", "comment": "  "}
    )

    assert response.status_code == 400
    assert "Indique el motivo del rechazo." in response.content.decode()
    assert snapshot(process) == before


def test_a_valid_decision_is_saved_into_the_process_and_the_flow_moves_on(client, process, checker):
    task = open_task(process, ApprovalFlow.check)
    task_action(actor=checker, task=task, action="assign")
    client.force_login(checker)

    response = client.post(
        f"{task_url(task)}accion/",
        {"accion": "execute", "decision": "reject", "comment": "Falta el acta"},
    )

    assert response.status_code == 302
    process.refresh_from_db()
    assert process.data["check"] == {"decision": "reject", "comment": "Falta el acta"}
    assert Task.objects.get(pk=task.pk).data == {"decision": "reject", "comment": "Falta el acta"}
    assert open_task(process, ApprovalFlow.approve).status == "NEW"
    event = AuditEvent.objects.filter(action="task.execute").get()
    assert (event.payload["node"], event.payload["task_id"], event.role) == (
        "check",
        task.pk,
        "technician",
    )


def test_a_task_outside_the_officers_scope_is_404_and_nothing_changes(
    client, approval_task, far_officer
):
    client.force_login(far_officer)
    before = snapshot(approval_task.process)

    assert client.get(task_url(approval_task)).status_code == 404
    response = client.post(f"{task_url(approval_task)}accion/", {"accion": "assign"})
    assert response.status_code == 404
    assert snapshot(approval_task.process) == before


def test_the_evidence_checker_cannot_approve_and_is_told_why(client, process, checker_officer):
    work(checker_officer, open_task(process, ApprovalFlow.check))
    task = open_task(process, ApprovalFlow.approve)
    client.force_login(checker_officer)
    reason = (
        "Usted realizó el paso «Revisar la solicitud» de este trámite: "
        "otra persona debe realizar «Aprobar la solicitud»."
    )

    page = client.get(task_url(task)).content.decode()
    assert reason in page
    assert 'name="accion"' not in page

    before = snapshot(process)
    response = client.post(f"{task_url(task)}accion/", {"accion": "assign"})
    assert response.status_code == 403
    assert reason in response.content.decode()
    assert snapshot(process) == before
