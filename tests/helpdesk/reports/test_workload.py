"""The team's workload (``mesa/reportes/carga-del-equipo/``): open cases per technician by status,
the overdue ones, scoped by the supervisor's grants; its chart and table; fixed query counts."""

import pytest
from django.urls import reverse

from core.accounts.models import User
from helpdesk.reports import build_workload
from helpdesk.services import ticket_claim, ticket_set_waiting
from tests.core.test_security_headers import assert_csp_clean
from tests.helpdesk.conftest import make_queue, make_service, make_team, open_ticket
from tests.helpdesk.reports.test_pages_and_api import chart_data

pytestmark = pytest.mark.django_db

PAGE = reverse("helpdesk:workload")


def fresh(user):
    """The user as a new request sees them (no cached grants)."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def team(clock, make_user, department, requester, sla_policy):
    """A department queue served by Ana (two cases: one open, one waiting) and Beto (none), one
    unassigned case; and a national queue with Carla's case, outside the department."""
    local = make_queue("depto", department=department)
    service = make_service(local, sla_policy, code="local")
    ana = make_user(
        role="technician",
        scope_kind="department",
        target=department,
        first_names="Ana",
        last_names="Zelaya",
    )
    beto = make_user(
        role="technician",
        scope_kind="department",
        target=department,
        first_names="Beto",
        last_names="Alas",
    )
    make_team(local, ana, beto)
    ticket_claim(actor=ana, ticket=open_ticket(requester, service))
    waiting = ticket_claim(actor=ana, ticket=open_ticket(requester, service))
    ticket_set_waiting(actor=ana, ticket=waiting, message="Envíe su DUI, por favor.")
    open_ticket(requester, service)
    national = make_queue("nacional")
    carla = make_user(role="technician", first_names="Carla", last_names="Nacional")
    make_team(national, carla)
    ticket_claim(
        actor=carla, ticket=open_ticket(requester, make_service(national, sla_policy, "nac"))
    )
    supervisor = make_user(role="supervisor", scope_kind="department", target=department)
    return {"ana": ana, "beto": beto, "supervisor": supervisor}


def test_each_technician_of_the_team_with_their_open_cases_by_status(clock, team):
    # When the department's supervisor looks, three days later (past every resolution target)
    clock.advance(days=3)
    workload = build_workload(actor=fresh(team["supervisor"]))

    # Then Ana (2 cases) comes first, Beto is listed with none, Carla (another scope) is not
    assert [(load.name, load.total) for load in workload.technicians] == [
        ("Ana Zelaya", 2),
        ("Beto Alas", 0),
    ]
    ana = workload.technicians[0]
    assert ana.by_status == {"open": 1, "waiting_on_requester": 1}
    # The waiting case's clock is paused, so only the open one is overdue
    assert ana.overdue == 1
    assert (workload.unassigned, workload.unassigned_overdue) == (1, 1)
    assert (workload.assigned, workload.overdue) == (2, 2)


def test_nothing_is_overdue_before_the_deadlines(team):
    workload = build_workload(actor=fresh(team["supervisor"]))

    assert [load.overdue for load in workload.technicians] == [0, 0]
    assert workload.overdue == 0


def test_the_page_shows_the_chart_and_its_table(client, clock, team):
    clock.advance(days=3)
    client.force_login(team["supervisor"])

    response = client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    data = chart_data(html, "grafico-carga-datos")
    assert data["labels"] == ["Ana Zelaya", "Beto Alas"]
    assert data["stacked"] is True
    assert [(d["label"], d["values"], d["stack"]) for d in data["datasets"]] == [
        ("Nuevo", [0, 0], "estado"),
        ("Abierto", [1, 0], "estado"),
        ("En proceso", [0, 0], "estado"),
        ("En espera del solicitante", [1, 0], "estado"),
        ("Reabierto", [0, 0], "estado"),
        ("Con plazo vencido", [1, 0], "vencidos"),
    ]
    assert '<th scope="row">Ana Zelaya</th>' in html
    assert '<th scope="col" class="num">Con plazo vencido</th>' in html
    assert_csp_clean(html)


@pytest.mark.parametrize("role", ["technician", "citizen", "auditor"])
def test_others_are_refused(client, make_user, role):
    client.force_login(make_user(role=role))

    assert client.get(PAGE).status_code == 403


@pytest.mark.parametrize("cases", [1, 6])
def test_the_page_costs_a_fixed_number_of_queries(
    client, clock, django_assert_num_queries, make_user, requester, service, technician, cases
):
    for _ in range(cases):
        ticket_claim(actor=technician, ticket=open_ticket(requester, service))
    make_user(role="technician")  # someone in no team: not listed
    supervisor = make_user(role="supervisor")
    client.force_login(supervisor)

    # 8 queries whatever the data: the user (1; the session comes from the cache), the
    # user's grants (1), the workload
    # (2: counts per assignee and status, names of members and assignees), the unread-
    # notifications badge of the layout (1), and the session's activity stamp saved by the
    # timeout middleware (savepoint, update, release: 3).
    with django_assert_num_queries(8):
        response = client.get(PAGE)

    loads = response.context["workload"].technicians
    assert [(load.user_id, load.total) for load in loads] == [(technician.pk, cases)]
