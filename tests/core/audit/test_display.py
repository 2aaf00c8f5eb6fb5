"""Audit events as people read them: registered labels with a fallback to the raw code, the
payload as labelled fields, and Spanish summaries."""

import pytest

from core.audit.display import describe_events, payload_fields, trail_summary
from core.audit.registry import action_label, object_type_label, state_label
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
