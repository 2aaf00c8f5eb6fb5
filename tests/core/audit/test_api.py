"""GET /api/v1/audit/events/: auditors and administrators only, cursor pages by id, filters."""

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from core.audit.models import AuditEvent

from .conftest import CHAIN, build_chain

pytestmark = pytest.mark.django_db

URL = reverse("v1:audit-event-list")
FIELDS = {
    "id",
    "chain_key",
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "role",
    "scope",
    "ip_address",
    "object_type",
    "object_id",
    "action",
    "from_state",
    "to_state",
    "payload",
    "prev_hash",
    "hash",
}


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_anonymous_is_refused_and_not_audited():
    response = APIClient().get(URL)

    assert response.status_code in (401, 403)
    assert not AuditEvent.objects.filter(action="access.denied").exists()


def test_citizen_gets_403_and_the_denial_is_audited(citizen, django_assert_num_queries):
    build_chain(CHAIN, 3)
    client = api_as(citizen)

    # 1 role grants (refused); recording the denial: 2 head of the actor's access chain,
    # 3 savepoint, 4 insert, 5 release. On PostgreSQL the advisory lock on the chain, sent with
    # the head's read, instead of the savepoint and its release (the lock rules out a race to
    # retry): 3.
    with django_assert_num_queries(5 - 2 * (connection.vendor == "postgresql")):
        response = client.get(URL)

    assert response.status_code == 403
    assert "results" not in response.json()
    denied = AuditEvent.objects.get(action="access.denied")
    assert (denied.chain_key, denied.actor_id) == (f"access:user:{citizen.pk}", citizen.pk)
    assert denied.payload == {
        "method": "GET",
        "path": URL,
        "reason": "Solo auditores y administradores pueden consultar la auditoría.",
    }


@pytest.mark.parametrize("count", [3, 30])
def test_auditor_lists_events_with_a_fixed_query_count(make_user, django_assert_num_queries, count):
    auditor = make_user(role="auditor")
    build_chain(CHAIN, count)
    client = api_as(auditor)

    # 1 role grants, 2 one page of events (cursor paging: no COUNT)
    with django_assert_num_queries(2):
        response = client.get(URL, {"cadena": CHAIN})

    assert response.status_code == 200
    body = response.json()
    assert [row["seq"] for row in body["results"]] == list(range(1, count + 1))
    assert set(body["results"][0]) == FIELDS
    assert body["next"] is None


def test_pages_follow_the_cursor_in_id_order(make_user):
    build_chain(CHAIN, 7)
    client = api_as(make_user(role="administrator"))

    first = client.get(URL, {"cadena": CHAIN, "page_size": 5}).json()
    second = client.get(first["next"]).json()

    assert [row["seq"] for row in first["results"]] == [1, 2, 3, 4, 5]
    assert [row["seq"] for row in second["results"]] == [6, 7]
    assert second["next"] is None


def test_filters_apply_and_bad_ones_answer_400(make_user):
    build_chain(CHAIN, 3)
    build_chain("test.thing:2", 2)
    client = api_as(make_user(role="auditor"))

    response = client.get(URL, {"tipo": "test.thing", "accion": "thing.step2"})
    assert [(r["chain_key"], r["seq"]) for r in response.json()["results"]] == [
        (CHAIN, 2),
        ("test.thing:2", 2),
    ]
    assert client.get(URL, {"desde": "ayer"}).status_code == 400
