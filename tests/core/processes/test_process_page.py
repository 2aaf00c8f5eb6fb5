"""The process page (process:detail): who may open it, the diagram with the path taken, the
tasks with who and when, the chained events; and the auditors' list (process:list)."""

from datetime import timedelta
from unittest import mock

import pytest
from viewflow.workflow.models import Process

from core.audit.models import AuditEvent
from core.diagrams import flow_diagram, flow_graph
from core.workflow import process_chain_key, process_start, task_action
from tests.workflowapp.flows import ApprovalFlow

from .conftest import open_task, start_approval, work

pytestmark = pytest.mark.django_db


def page_url(process) -> str:
    return f"/procesos/{process.pk}/"


@pytest.fixture
def auditor(make_user):
    return make_user(role="auditor")


@pytest.fixture
def drawn():
    """Record what the page asked ``flow_diagram`` to draw (the browser draws it from DOT)."""
    with mock.patch("core.processes.views.flow_diagram", wraps=flow_diagram) as spy:
        yield spy


def test_the_graph_of_a_flow_has_its_nodes_and_edges():
    graph = flow_graph(ApprovalFlow)

    assert graph.states == [
        ("start", "Inicio"),
        ("check", "Revisar la solicitud"),
        ("approve", "Aprobar la solicitud"),
        ("end", "Fin"),
    ]
    assert [(e.source, e.target) for e in graph.edges] == [
        ("start", "check"),
        ("check", "approve"),
        ("approve", "end"),
    ]


def test_an_auditor_sees_the_diagram_path_tasks_and_chained_events(
    client, auditor, process, checker, officer, drawn
):
    work(checker, open_task(process, ApprovalFlow.check))
    task_action(actor=officer, task=open_task(process, ApprovalFlow.approve), action="assign")
    client.force_login(auditor)

    response = client.get(page_url(process))

    html = response.content.decode()
    assert response.status_code == 200
    # the drawing, with the path this process took and the step in course
    diagram = response.context["diagram"]
    assert f'data-diagram-source="{diagram.source_id}"' in html
    assert f'<script id="{diagram.source_id}" type="application/json">' in html
    kwargs = drawn.call_args.kwargs
    assert kwargs["taken"] == [("start", "check"), ("check", "approve")]
    assert kwargs["current"] == ["approve"]
    assert [(row.source, row.target) for row in diagram.rows if row.taken] == [
        ("Inicio", "Revisar la solicitud"),
        ("Revisar la solicitud", "Aprobar la solicitud"),
    ]
    # who did each step, and when
    page = response.context["page"]
    assert [(t.flow_task.name, t.status, t.owner_id) for t in page.tasks] == [
        ("start", "DONE", None),
        ("check", "DONE", checker.pk),
        ("approve", "ASSIGNED", officer.pk),
    ]
    assert f"<td>{checker.get_full_name()}</td>" in html
    # the chained events, in order, each naming its step
    events = list(AuditEvent.objects.filter(chain_key=process_chain_key(process.pk)))
    assert [(e.seq, e.action) for e in page.events] == [
        (1, "process.start"),
        (2, "task.assign"),
        (3, "task.execute"),
        (4, "task.assign"),
    ]
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    for event in events:
        assert (
            f'<code title="Huella anterior: {event.prev_hash[:12]}">{event.hash[:12]}</code>'
            in html
        )
    assert [e.node_label for e in page.events] == [
        "Start",
        "Revisar la solicitud",
        "Revisar la solicitud",
        "Aprobar la solicitud",
    ]


def test_the_diagram_is_also_a_table_and_the_page_may_compile_webassembly(client, auditor, process):
    client.force_login(auditor)

    response = client.get(page_url(process))

    html = response.content.decode()
    assert response.status_code == 200
    # Without JavaScript the same graph reads as a table of transitions.
    assert "Ver como tabla" in html
    assert "<td>Inicio</td>" in html
    # The drawing runs Graphviz as WebAssembly: this page (only) allows compiling it.
    assert "'wasm-unsafe-eval'" in response["Content-Security-Policy"]
    assert len(response.context["page"].events) == 1


@pytest.mark.parametrize("who", ["checker", "officer", "requester", "director"])
def test_participants_may_open_the_page(
    client, make_user, school, director, checker, officer, drawn, who
):
    requester = make_user(role="citizen")
    process = start_approval(director, school)
    Process.objects.filter(pk=process.pk).update(
        data={**process.data, "requester_id": requester.pk}
    )
    work(checker, open_task(process, ApprovalFlow.check))
    people = {"checker": checker, "officer": officer, "requester": requester, "director": director}
    client.force_login(people[who])

    response = client.get(page_url(process))

    # the director started it but holds no task of it and is not the requester: not a participant
    assert response.status_code == (404 if who == "director" else 200)


@pytest.mark.parametrize("role", ["citizen", "supervisor"])
def test_others_get_404(client, make_user, process, role, drawn):
    client.force_login(make_user(role=role))

    assert client.get(page_url(process)).status_code == 404


def test_an_officer_of_another_department_gets_404(client, process, checker, far_officer):
    work(checker, open_task(process, ApprovalFlow.check))
    client.force_login(far_officer)

    assert client.get(page_url(process)).status_code == 404
    assert client.get("/procesos/999999/").status_code == 404


def test_the_auditors_list_filters_by_flow_status_and_date(
    client, auditor, director, school, drawn
):
    from tests.core.workflow.conftest import start_review

    approval = start_approval(director, school)
    review = start_review().process
    client.force_login(auditor)

    everything = client.get("/procesos/")
    approvals = client.get("/procesos/", {"flujo": "workflowapp/flows.ApprovalFlow"})
    done = client.get("/procesos/", {"estado": "DONE"})
    future = client.get("/procesos/", {"desde": "01/01/2999"})  # typed the Salvadoran way
    until_future = client.get("/procesos/", {"hasta": "31/12/2999"})

    def listed(response):
        return [item["process"].pk for item in response.context["items"]]

    assert listed(everything) == [review.pk, approval.pk]
    assert listed(approvals) == [approval.pk]
    assert listed(done) == []
    assert listed(future) == []
    assert listed(until_future) == [review.pk, approval.pk]
    # Dates are typed dd/mm/aaaa in a text box, whatever the browser's language.
    assert 'name="desde" placeholder="dd/mm/aaaa"' in everything.content.decode()
    assert (
        f'<a href="/procesos/{approval.pk}/">Aprobación de prueba</a>'
        in everything.content.decode()
    )


def test_only_auditors_list_processes(client, make_user, process):
    client.force_login(make_user(role="supervisor"))

    assert client.get("/procesos/").status_code == 403


def test_a_process_started_with_a_seed_names_it_in_its_first_event(
    client, auditor, director, school, drawn
):
    process = process_start(actor=director, flow_class=ApprovalFlow, school=school, seed=school)
    client.force_login(auditor)

    page = client.get(page_url(process)).context["page"]

    assert page.events[0].payload["seed"] == {"type": "schools.school", "id": school.pk}


def test_the_requester_of_a_ticket_following_the_process_may_open_it(
    client, make_user, process, drawn
):
    from helpdesk.models import SlaPolicy, Ticket
    from tests.helpdesk.conftest import make_queue, make_service, open_ticket

    requester = make_user(role="citizen")
    stranger = make_user(role="citizen")
    policy = SlaPolicy.objects.create(
        code="prueba",
        name="Política de prueba",
        first_response_target=timedelta(hours=2),
        resolution_target=timedelta(hours=9),
    )
    ticket = open_ticket(requester, make_service(make_queue(), policy))
    Ticket.objects.filter(pk=ticket.pk).update(process_id=process.pk)

    client.force_login(requester)
    assert client.get(page_url(process)).status_code == 200
    client.force_login(stranger)
    assert client.get(page_url(process)).status_code == 404
