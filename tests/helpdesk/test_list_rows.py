"""List items built from rows (``helpdesk.api.rows``) equal the serializers' field output.

The list endpoints build items from ``values_list`` rows for speed; single tickets go through
the serializer fields. Both must give the same item, in every state a ticket can be in.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.api.serializers import TicketSerializer
from helpdesk.api.staff import StaffTicketSerializer
from helpdesk.models import Ticket
from helpdesk.selectors import ticket_list_names
from helpdesk.services import (
    ticket_claim,
    ticket_merge,
    ticket_reply,
    ticket_resolve,
    ticket_set_waiting,
    ticket_sla_sweep,
)
from tests.helpdesk.conftest import open_ticket


@pytest.fixture
def tickets(clock, make_user, requester, service, technician):
    """One ticket in each shape a list shows: new, answered, waiting, resolved then closed by
    the sweep, merged, and escalated after a breach (its requester has no last names)."""
    new = open_ticket(requester, service)
    answered = open_ticket(requester, service)
    ticket_claim(actor=technician, ticket=answered)
    ticket_reply(actor=technician, ticket=answered, body="Ya lo revisamos.")
    waiting = open_ticket(requester, service)
    ticket_claim(actor=technician, ticket=waiting)
    ticket_set_waiting(actor=technician, ticket=waiting, message="Envíe su DUI, por favor.")
    resolved = open_ticket(requester, service)
    ticket_claim(actor=technician, ticket=resolved)
    ticket_resolve(actor=technician, ticket=resolved, message="Listo.")
    duplicate = open_ticket(requester, service)
    ticket_merge(actor=technician, ticket=duplicate, into=new)
    single_name = make_user(role="citizen")
    single_name.person.last_names = ""
    single_name.person.save()
    breached = open_ticket(single_name, service)
    clock.advance(days=30)
    ticket_sla_sweep()
    return [new, answered, waiting, resolved, duplicate, breached]


def _rows(serializer_class, tickets):
    return list(
        Ticket.objects.filter(pk__in=[t.pk for t in tickets])
        .order_by("pk")
        .values_list(*serializer_class.ROW_FIELDS, named=True)
    )


def _fields_output(serializer_class, tickets):
    return [
        serializer_class(Ticket.objects.get(pk=t.pk)).data
        for t in sorted(tickets, key=lambda t: t.pk)
    ]


def test_requester_items_from_rows_equal_the_fields(tickets):
    rows = _rows(TicketSerializer, tickets)

    from_rows = TicketSerializer(rows, many=True).data

    assert from_rows == _fields_output(TicketSerializer, tickets)
    assert [item["status"] for item in from_rows] == [
        "new",
        "in_progress",
        "waiting_on_requester",
        "closed",  # the sweep closed it once the reopen window passed
        "merged",
        "new",
    ]


def test_staff_items_from_rows_equal_the_fields(tickets):
    rows = _rows(StaffTicketSerializer, tickets)

    from_rows = StaffTicketSerializer(
        rows, many=True, context={"names": ticket_list_names(rows)}
    ).data

    expected = _fields_output(StaffTicketSerializer, tickets)
    assert from_rows == expected
    # The states the fixture set up are really there (the comparison is not between empties).
    by_number = {item["number"]: item for item in from_rows}
    assert by_number[tickets[4].number]["merged_into"] == tickets[0].number
    assert by_number[tickets[1].number]["assignee"]["name"]
    assert by_number[tickets[5].number]["escalated_at"] is not None
    assert by_number[tickets[5].number]["first_response_breached"] is True


def test_rows_keep_the_field_order_of_the_schema(tickets):
    rows = _rows(StaffTicketSerializer, tickets)

    item = StaffTicketSerializer(rows, many=True, context={"names": ticket_list_names(rows)}).data[
        0
    ]

    assert list(item) == list(StaffTicketSerializer.Meta.fields)
    assert list(TicketSerializer(_rows(TicketSerializer, tickets), many=True).data[0]) == list(
        TicketSerializer.Meta.fields
    )


@pytest.mark.parametrize("zone", ["UTC", "America/El_Salvador", "Asia/Kathmandu"])
def test_dates_match_in_any_active_time_zone(tickets, zone):
    rows = _rows(TicketSerializer, tickets)

    with timezone.override(zone):
        from_rows = TicketSerializer(rows, many=True).data
        expected = _fields_output(TicketSerializer, tickets)

    assert from_rows == expected
    if zone == "UTC":
        assert from_rows[0]["created_at"].endswith("Z")


def test_a_list_of_model_instances_still_goes_through_the_fields(tickets):
    instances = list(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).order_by("pk"))

    assert StaffTicketSerializer(instances, many=True).data == _fields_output(
        StaffTicketSerializer, tickets
    )


def test_microseconds_and_offsets_are_kept(tickets):
    moment = timezone.now().replace(microsecond=123456) + timedelta(hours=1)
    Ticket.objects.filter(pk=tickets[0].pk).update(updated_at=moment)
    rows = _rows(TicketSerializer, tickets[:1])

    item = TicketSerializer(rows, many=True).data[0]

    assert item == TicketSerializer(Ticket.objects.get(pk=tickets[0].pk)).data
    assert ".123456" in item["updated_at"]
