"""Audit events as people read them: registered labels with a fallback to the raw code, the
payload as labelled fields, and Spanish summaries."""

import pytest

from core.audit.display import describe_events, payload_fields, trail_summary
from core.audit.registry import (
    FieldLabel,
    action_label,
    object_type_label,
    register_field_labels,
    state_label,
)
from core.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_unregistered_codes_fall_back_to_the_code_itself():
    assert action_label("thing.unheard_of") == "thing.unheard_of"
    assert state_label("test.thing", "s9") == "s9"
    assert object_type_label("test.thing") == "test.thing"


def test_labels_registered_by_apps_from_their_ready():
    # core (core/audit/labels.py) and a higher app (helpdesk/audit_labels.py)
    assert action_label("auth.login_failed") == "Intento de ingreso fallido"
    assert action_label("ticket.resolve") == "Caso resuelto"
    assert state_label("helpdesk.ticket", "in_progress") == "En proceso"
    # a state label of one object type does not leak into another
    assert state_label("test.thing", "in_progress") == "in_progress"


def test_payload_reads_as_labelled_fields(make_user):
    technician = make_user(role="technician")
    fields = payload_fields(
        {
            "assignee_id": technician.pk,
            "priority": ["normal", "high"],
            "late": True,
            "changed_fields": ["resolved_at"],
            "zz_unknown": "x",
        },
        {technician.pk: "Ana Pérez"},
    )

    assert [(f.label, f.value) for f in fields] == [
        ("Asignado a", "Ana Pérez"),
        ("Campos modificados", "Resuelto el"),
        ("Fuera de plazo", "sí"),
        ("Prioridad", "Normal → Alta"),
        # unknown keys last, under their own name
        ("zz_unknown", "x"),
    ]


def test_describe_events_names_people_and_states(make_user, django_assert_num_queries):
    technician = make_user(role="technician")
    event = audit_record(
        action="ticket.claimed",
        chain_key="helpdesk.ticket:999",
        object_type="helpdesk.ticket",
        from_state="new",
        to_state="in_progress",
        payload={"assignee_id": technician.pk},
    )

    # One query for the names of everyone the payloads mention
    with django_assert_num_queries(1):
        (view,) = describe_events([event])

    assert view.action == "Caso tomado"
    assert view.state_change == "Nuevo → En proceso"
    assert view.actor == "Anónimo o sistema"
    assert [(f.label, f.value) for f in view.fields] == [
        ("Asignado a", technician.person.full_name)
    ]


def test_stored_codes_read_as_names_with_one_resolver_call_per_page():
    # Given a resolver for stored codes of two kinds, registered for one test-only action
    calls = []

    def names(kinds):
        calls.append({kind: set(codes) for kind, codes in kinds.items()})
        known = {("box", "b1"): "Caja uno", ("box", "b2"): "Caja dos", ("tag", "t1"): "Rojo"}
        return {pair: name for pair, name in known.items() if pair[1] in kinds.get(pair[0], ())}

    register_field_labels(
        {
            "box": FieldLabel("Caja", pair=True, names=names, code_kind="box"),
            "tag": FieldLabel("Etiqueta", names=names, code_kind="tag"),
        },
        action="test.coded",
    )
    events = [
        audit_record(
            action="test.coded",
            chain_key="test.thing:1",
            object_type="test.thing",
            payload={"box": ["b1", "b2"]},
        ),
        audit_record(
            action="test.coded",
            chain_key="test.thing:1",
            object_type="test.thing",
            payload={"box": "b9", "tag": "t1"},
        ),
    ]

    # When the page of events is described
    first, second = describe_events(events)

    # Then the resolver ran once with every code of the page, tagged by kind
    assert calls == [{"box": {"b1", "b2", "b9"}, "tag": {"t1"}}]
    # and codes read as names; a code it does not know (a row since deleted) reads as itself
    assert [(f.label, f.value) for f in first.fields] == [("Caja", "Caja uno → Caja dos")]
    assert [(f.label, f.value) for f in second.fields] == [("Caja", "b9"), ("Etiqueta", "Rojo")]


def test_a_page_without_stored_codes_calls_no_resolver(django_assert_num_queries):
    event = audit_record(
        action="test.coded",
        chain_key="test.thing:2",
        object_type="test.thing",
        payload={"late": True},
    )

    with django_assert_num_queries(0):
        (view,) = describe_events([event])

    assert [(f.label, f.value) for f in view.fields] == [("Fuera de plazo", "sí")]


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"chains": 1, "events": 14, "problems": 0}, "1 cadena, 14 eventos, íntegra"),
        ({"chains": 2, "events": 1, "problems": 0}, "2 cadenas, 1 evento, íntegras"),
        ({"chains": 1, "events": 3, "problems": 2}, "1 cadena, 3 eventos, 2 problemas"),
        ({"chains": 1, "events": 3}, "1 cadena, 3 eventos"),
    ],
)
def test_trail_summary_is_spanish(kwargs, text):
    assert trail_summary(**kwargs) == text
