"""The report page (``mesa/reportes/``), its CSV download and the API: who may see them, what
they show, formula-safe CSV, the export throttle, and fixed query counts."""

import csv
import io
import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.audit.models import AuditEvent
from helpdesk.models import Queue
from helpdesk.services import ticket_claim, ticket_reply
from tests.core.test_security_headers import assert_csp_clean
from tests.helpdesk.conftest import make_queue, make_service, open_ticket

pytestmark = pytest.mark.django_db

PAGE = reverse("helpdesk:reports")
EXPORT = reverse("helpdesk:reports_export")
API = reverse("v1:helpdesk-reports")
API_CSV = reverse("v1:helpdesk-reports-export")
HYPERLINK = '=HYPERLINK("http://malo.example/x","clic")'


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def chart_data(html: str, data_id: str) -> dict:
    """The data a page hands to static/js/charts.js for one chart (its json_script block)."""
    match = re.search(rf'<script id="{data_id}" type="application/json">(.*?)</script>', html)
    assert match, f"no chart data {data_id}"
    return json.loads(match.group(1))


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def activity(clock, requester, service, technician):
    """Two tickets in the test queue, one answered."""
    first = open_ticket(requester, service)
    open_ticket(requester, service)
    ticket_claim(actor=technician, ticket=first)
    clock.advance(hours=1)
    ticket_reply(actor=technician, ticket=first, body="Estamos revisando.")
    return first


# --- Who may see it -----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["technician", "citizen", "auditor"])
def test_other_roles_are_refused_and_the_refusal_is_audited(client, make_user, role):
    user = make_user(role=role)
    client.force_login(user)

    page = client.get(PAGE)
    export = client.get(EXPORT)
    api = client.get(API)
    api_csv = client.get(API_CSV)

    assert [page.status_code, export.status_code, api.status_code, api_csv.status_code] == [
        403,
        403,
        403,
        403,
    ]
    assert AuditEvent.objects.filter(actor_id=user.pk, action="access.denied").count() == 4


# --- The page -------------------------------------------------------------------------------------


def test_the_page_shows_figures_charts_and_data_tables(client, activity, supervisor, queue):
    client.force_login(supervisor)

    response = client.get(PAGE, {"dias": 7})

    assert response.status_code == 200
    html = response.content.decode()
    # Two charts, each with its data for Chart.js and its table
    backlog = chart_data(html, "grafico-pendientes-datos")
    # (every active queue is listed: the seeded ones have no cases)
    assert backlog["labels"] == [row.name for row in response.context["report"].backlog]
    at = backlog["labels"].index(queue.name)
    assert [(d["label"], d["values"][at], sum(d["values"])) for d in backlog["datasets"]] == [
        ("Pendientes", 2, 2),
        ("Sin asignar", 1, 1),
        ("Con SLA vencido", 0, 0),
    ]
    assert backlog["horizontal"] is True
    daily = chart_data(html, "grafico-diario-datos")
    assert daily["kind"] == "line"
    assert len(daily["labels"]) == 7
    assert [sum(d["values"]) for d in daily["datasets"]] == [2, 0]  # created, resolved
    assert daily["datasets"][1]["dashed"] is True
    assert html.count("<table") == 2
    assert html.count('data-chart="grafico-') == 2
    assert f'<th scope="row">{queue.name}</th>' in html
    assert "1 de 1 casos evaluados" in html  # first response: the answered ticket, in time
    assert_csp_clean(html)
    assert "?dias=7" in html  # the CSV link keeps the period
    assert f'href="{reverse("helpdesk:workload")}"' in html


def test_an_unknown_period_falls_back_to_thirty_days(client, supervisor):
    client.force_login(supervisor)

    response = client.get(PAGE, {"dias": "9999"})

    assert response.status_code == 200
    assert response.context["report"].days == 30


@pytest.mark.parametrize("tickets", [1, 5])
def test_the_page_costs_a_fixed_number_of_queries(
    client, clock, django_assert_num_queries, make_user, service, supervisor, tickets
):
    for _ in range(tickets):
        open_ticket(make_user(role="citizen"), service)
    client.force_login(supervisor)

    # 12 queries whatever the data: the user (1; the session comes from the cache), the
    # user's grants (1), the report
    # (6: backlog, created per day, resolved per day, SLA counts, first-response pairs,
    # satisfaction), the unread-notifications badge of the layout (1), and the session's
    # activity stamp saved by the timeout middleware (savepoint, update, release: 3).
    with django_assert_num_queries(12):
        response = client.get(PAGE)

    assert response.context["report"].created_total == tickets


# --- CSV ------------------------------------------------------------------------------------------


def test_the_csv_neutralises_formulas_in_queue_names(
    client, clock, requester, sla_policy, supervisor
):
    # Given a queue whose name is a spreadsheet formula, with one ticket
    evil = make_queue("malvada")
    Queue.objects.filter(pk=evil.pk).update(name=HYPERLINK)
    open_ticket(requester, make_service(evil, sla_policy, code="malvado"))
    client.force_login(supervisor)

    # When the report is downloaded from the page and from the API
    for url in (EXPORT, API_CSV):
        response = client.get(url)

        # Then the name is written as text, never as a formula
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = _csv_rows(response)
        assert rows[0] == ["indicador", "dimension", "valor"]
        assert ["pendientes", "'" + HYPERLINK, "1"] in rows
        assert not any(cell.startswith("=") for row in rows for cell in row)


def test_the_csv_holds_every_figure(client, activity, supervisor, queue):
    client.force_login(supervisor)

    rows = _csv_rows(client.get(EXPORT, {"dias": 7}))

    values = {(row[0], row[1]): row[2] for row in rows[1:]}
    assert values[("pendientes", queue.name)] == "2"
    assert values[("cumplimiento_primera_respuesta_pct", "")] == "100.0"
    assert values[("primeras_respuestas", "")] == "1"
    assert sum(1 for row in rows if row[0] == "creados") == 7


def test_exports_are_throttled_on_the_page_and_the_api_together(client, settings, supervisor):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "export": "2/hour",
        },
    }
    client.force_login(supervisor)

    statuses = [
        client.get(EXPORT).status_code,
        client.get(API_CSV).status_code,
        client.get(EXPORT).status_code,
        client.get(API_CSV).status_code,
    ]

    assert statuses == [200, 200, 429, 429]
    # the page itself is not an export and is not limited
    assert client.get(PAGE).status_code == 200


# --- API ------------------------------------------------------------------------------------------


def test_the_api_answers_the_report_as_json(client, activity, supervisor, queue):
    client.force_login(supervisor)

    response = client.get(API, {"dias": 7})

    assert response.status_code == 200
    data = response.json()
    assert data["days"] == 7
    assert len(data["daily"]) == 7
    (row,) = [row for row in data["backlog"] if row["queue"] == queue.name]
    assert row == {
        "queue_id": queue.pk,
        "queue": queue.name,
        "active": 2,
        "unassigned": 1,
        "breached": 0,
    }
    assert data["sla"]["first_response_met"] == 1
    assert data["sla"]["first_response_compliance"] == 100.0
    assert data["first_response"] == {"median_business_hours": 1.0, "count": 1}
    assert data["satisfaction"] == {"average": None, "count": 0}
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["since"])


def test_the_api_refuses_an_unknown_period(client, supervisor):
    client.force_login(supervisor)

    response = client.get(API, {"dias": 12})

    assert response.status_code == 400
    assert "dias" in response.json()


@pytest.mark.parametrize("tickets", [1, 5])
def test_the_api_costs_a_fixed_number_of_queries(
    client, clock, django_assert_num_queries, make_user, service, supervisor, tickets
):
    for _ in range(tickets):
        open_ticket(make_user(role="citizen"), service)
    client.force_login(supervisor)

    # 11 queries whatever the data: the user (1; the session comes from the cache), the
    # user's grants (1), the report (6) and the session's activity stamp (savepoint, update,
    # release: 3).
    with django_assert_num_queries(11):
        response = client.get(API)

    assert sum(day["created"] for day in response.json()["daily"]) == tickets
