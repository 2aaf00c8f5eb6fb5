"""Auditor pages: who gets in, filters, keyset pages with a fixed query count, one chain's
history, verifying a chain, and the CSV export."""

import csv
import io

import pytest
from django.urls import reverse

from core.audit.models import AuditEvent
from core.audit.services import audit_record

from .conftest import CHAIN, build_chain, raw_set_payload

pytestmark = pytest.mark.django_db

LIST = reverse("audit:event_list")
EXPORT = reverse("audit:event_export")
VERIFY = reverse("audit:verify")


@pytest.fixture
def auditor(make_user):
    return make_user(role="auditor")


@pytest.fixture
def auditor_client(client, auditor):
    client.force_login(auditor)
    return client


def denied_events(user) -> list[dict]:
    return list(
        AuditEvent.objects.filter(chain_key=f"access:user:{user.pk}").values(
            "action", "actor_id", "payload"
        )
    )


@pytest.mark.parametrize(
    "url", [LIST, EXPORT, VERIFY, reverse("audit:chain", args=[CHAIN])], ids=str
)
def test_anonymous_is_sent_to_the_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    assert not AuditEvent.objects.filter(action="access.denied").exists()


@pytest.mark.parametrize("role", ["citizen", "technician", "director", None])
@pytest.mark.parametrize(
    "url", [LIST, EXPORT, VERIFY, reverse("audit:chain", args=[CHAIN])], ids=str
)
def test_other_roles_get_403_and_the_denial_is_audited(client, make_user, role, url):
    # Given a signed-in user without an auditor or administrator grant
    user = make_user(role=role)
    client.force_login(user)
    exported_before = AuditEvent.objects.filter(action="audit.exported").count()

    # When they open an auditor page
    response = client.get(url)

    # Then 403, recorded in their access chain with path and method; nothing exported
    assert response.status_code == 403
    assert denied_events(user) == [
        {
            "action": "access.denied",
            "actor_id": user.pk,
            "payload": {
                "method": "GET",
                "path": url,
                "reason": "Solo auditores y administradores pueden ver la auditoría.",
            },
        }
    ]
    assert AuditEvent.objects.filter(action="audit.exported").count() == exported_before


@pytest.mark.parametrize("role", ["auditor", "administrator"])
def test_auditors_and_administrators_get_in(client, make_user, role):
    client.force_login(make_user(role=role, scope_kind="national"))
    assert client.get(LIST).status_code == 200


def test_a_department_scoped_auditor_gets_in(client, make_user):
    from tests.factories import DepartmentFactory

    client.force_login(
        make_user(role="auditor", scope_kind="department", target=DepartmentFactory())
    )
    assert client.get(LIST).status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_list_query_count_does_not_depend_on_the_number_of_events(
    auditor_client, django_assert_num_queries, count
):
    build_chain(CHAIN, count)

    # Page shell: 1 user (the session comes from the cache), 2 role grants (cached on the user,
    # so the navigation reuses them), 3 unread in-app notifications (navigation badge), 4-6 the
    # session's last-activity stamp (savepoint, update, release: the idle-timeout middleware).
    # This page: 1 query for one page of events (keyset: no COUNT, no joins; the actor's name
    # is stored on the event). 7 in all, whatever the number of events.
    with django_assert_num_queries(7):
        response = auditor_client.get(LIST)

    assert response.status_code == 200
    # Every event (the chain, plus the auditor's own account and login events), newest first
    events = response.context["events"]
    assert len(events) == AuditEvent.objects.count()
    assert [e.seq for e in events[:3]] == [count, count - 1, count - 2]


def test_list_pages_by_keyset(auditor_client):
    build_chain(CHAIN, 60)
    newest_first = list(AuditEvent.objects.order_by("-pk").values_list("pk", flat=True))

    first = auditor_client.get(LIST, {"cadena": CHAIN})
    assert [e.pk for e in first.context["events"]] == newest_first[:50]
    assert first.context["next_cursor"] == newest_first[49]
    assert f"cadena={CHAIN.replace(':', '%3A')}&amp;antes={newest_first[49]}" in first.text

    second = auditor_client.get(LIST, {"cadena": CHAIN, "antes": newest_first[49]})
    assert [e.pk for e in second.context["events"]] == newest_first[50:60]
    assert second.context["next_cursor"] is None


def test_list_filters(auditor_client, auditor):
    # Given events of several kinds
    build_chain(CHAIN, 3)
    build_chain("test.thing:22", 2)
    audit_record(action="thing.special", chain_key="other:7", object_type="other", object_id="A-77")
    audit_record(action="thing.special", chain_key="other:8", object_type="other", actor=auditor)

    def listed(**params) -> list[tuple[str, int]]:
        response = auditor_client.get(LIST, params)
        assert response.status_code == 200
        return [(e.chain_key, e.seq) for e in response.context["events"]]

    assert listed(cadena="test.thing:22") == [("test.thing:22", 2), ("test.thing:22", 1)]
    assert listed(accion="thing.special") == [("other:8", 1), ("other:7", 1)]
    assert listed(tipo="other", actor=auditor.pk) == [("other:8", 1)]
    assert listed(objeto="-7") == [("other:7", 1)]
    assert listed(tipo="test.thing", accion="thing.step3") == [(CHAIN, 3)]
    assert listed(desde="2000-01-01", hasta="2000-12-31") == []
    assert listed(desde="01/01/2000", hasta="31/12/2000") == []
    assert len(listed(desde="2000-01-01")) == AuditEvent.objects.count()


def test_invalid_filters_show_errors_and_no_rows(auditor_client):
    build_chain(CHAIN, 2)

    response = auditor_client.get(LIST, {"desde": "2026-05-02", "hasta": "2026-05-01"})

    assert response.status_code == 200
    assert response.context["events"] == []
    assert "La fecha final es anterior a la inicial." in response.text


def test_chain_page_shows_the_history_in_order(auditor_client):
    build_chain(CHAIN, 3)
    build_chain("test.thing:2", 2)

    response = auditor_client.get(reverse("audit:chain", args=[CHAIN]))

    assert response.status_code == 200
    assert [e.seq for e in response.context["events"]] == [1, 2, 3]
    assert "thing.step3" in response.text
    assert "&quot;note&quot;: &quot;paso 2&quot;" in response.text


@pytest.mark.parametrize("count", [3, 30])
def test_chain_page_query_count(auditor_client, django_assert_num_queries, count):
    build_chain(CHAIN, count)
    # The page shell's 6 queries (see the list test above) + one page of the chain
    with django_assert_num_queries(7):
        response = auditor_client.get(reverse("audit:chain", args=[CHAIN]))
    assert len(response.context["events"]) == count


def test_verify_page_reports_a_clean_chain(auditor_client):
    build_chain(CHAIN, 4)

    response = auditor_client.get(VERIFY, {"cadena": CHAIN})

    assert response.status_code == 200
    assert response.context["result"].ok
    assert "Cadena íntegra." in response.text
    assert "1 cadenas, 4 eventos, íntegro" in response.text


def test_verify_page_reports_tampering(auditor_client):
    events = build_chain(CHAIN, 4)
    raw_set_payload(events[1].pk, {"n": 99})

    response = auditor_client.get(VERIFY, {"cadena": CHAIN})

    assert response.status_code == 200
    result = response.context["result"]
    assert [(p.kind, p.seq) for p in result.problems] == [("edited", 2)]
    assert "La cadena fue alterada." in response.text
    assert "el contenido no coincide con su hash" in response.text
    assert "evento modificado" in response.text


def test_verify_page_without_a_chain_shows_the_form(auditor_client):
    response = auditor_client.get(VERIFY)
    assert response.status_code == 200
    assert response.context["result"] is None


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_export_streams_filtered_events_with_formula_cells_neutralised(auditor_client, auditor):
    # Given a chain and an event whose user-controlled fields look like formulas
    build_chain(CHAIN, 2)
    audit_record(
        action="thing.step9",
        chain_key=CHAIN,
        object_type="test.thing",
        object_id='=HYPERLINK("http://x")',
        payload={"a": 1},
        from_state="+1",
        to_state="@SUM(A1)",
    )

    # When the auditor exports that chain
    response = auditor_client.get(EXPORT, {"cadena": CHAIN})

    # Then a streamed CSV download with a Spanish header, oldest first
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="auditoria-')
    rows = read_csv(response)
    assert rows[0][:4] == ["id", "cadena", "secuencia", "fecha y hora (UTC)"]
    assert [row[2] for row in rows[1:]] == ["1", "2", "3"]
    forged = rows[3]
    assert forged[10] == '\'=HYPERLINK("http://x")'
    assert (forged[12], forged[13]) == ("'+1", "'@SUM(A1)")
    assert forged[14] == '{"a": 1}'

    # And the export itself is audited with the filters used
    exported = AuditEvent.objects.get(action="audit.exported")
    assert (exported.chain_key, exported.actor_id) == (
        f"audit:exports:user:{auditor.pk}",
        auditor.pk,
    )
    assert exported.payload == {"filters": {"cadena": CHAIN}}


def test_export_with_invalid_filters_is_refused(auditor_client):
    response = auditor_client.get(EXPORT, {"desde": "mañana"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_filter_form_shows_dates_as_dd_mm_aaaa(auditor_client):
    # An ISO date (a link, the API's form) reads back as dd/mm/aaaa; typed ones are kept so
    response = auditor_client.get(
        LIST, {"desde": "2026-02-02", "hasta": "05/02/2026", "actor": "7"}
    )

    assert 'type="text" name="desde" value="02/02/2026"' in response.text
    assert 'type="text" name="hasta" value="05/02/2026"' in response.text
    assert 'placeholder="dd/mm/aaaa"' in response.text
    # The account id only comes from links ("ver sus eventos"); people type a name or a DUI.
    assert 'type="hidden" name="actor" value="7"' in response.text
    assert 'name="persona"' in response.text


def test_a_date_range_error_is_said_once(auditor_client):
    response = auditor_client.get(LIST, {"desde": "02/05/2026", "hasta": "01/05/2026"})

    assert response.text.count("La fecha final es anterior a la inicial.") == 1


@pytest.mark.parametrize("cursor", ["²", "١٢", "-3", "x"])
def test_a_cursor_that_is_not_plain_digits_shows_the_first_page(auditor_client, cursor):
    # "²" and "١٢" are digits to str.isdigit(); only ASCII digits are a cursor.
    build_chain(CHAIN, 3)
    response = auditor_client.get(LIST, {"cadena": CHAIN, "antes": cursor})
    assert response.status_code == 200
    assert [e.seq for e in response.context["events"]] == [3, 2, 1]
