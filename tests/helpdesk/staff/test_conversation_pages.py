"""A long conversation on the staff ticket page comes in pages of 30 messages, the newest page
first, with the same queries whatever its length."""

import re

import pytest

from helpdesk.services import ticket_reply
from helpdesk.views.staff import CONVERSATION_PAGE_SIZE
from tests.helpdesk.staff.test_pages import logged_in, page_url

pytestmark = pytest.mark.django_db


def bodies(response) -> list[str]:
    return re.findall(r"Mensaje (\d+)", response.content.decode())


@pytest.fixture
def long_ticket(clock, world):
    ticket = world.open()
    for n in range(CONVERSATION_PAGE_SIZE + 5):
        clock.advance(minutes=1)
        ticket_reply(actor=world.supervisor, ticket=ticket, body=f"Mensaje {n}")
    return ticket


def test_the_first_page_holds_the_newest_messages(client, world, long_ticket):
    logged_in(client, world.supervisor)
    response = client.get(page_url(long_ticket))
    html = response.content.decode()
    # The newest 30, oldest first on the page; the description and the first 5 are older.
    assert bodies(response) == [str(n) for n in range(5, 35)]
    assert 'href="?conversacion=2#titulo-conversacion">Mensajes anteriores</a>' in html
    assert "Mensajes más recientes" not in html


def test_the_second_page_holds_the_older_ones(client, world, long_ticket):
    logged_in(client, world.supervisor)
    response = client.get(page_url(long_ticket), {"conversacion": "2"})
    html = response.content.decode()
    assert bodies(response) == [str(n) for n in range(5)]
    assert "Necesito ayuda con mi cuenta." in html  # the description, the oldest message
    assert 'href="?conversacion=1#titulo-conversacion">Mensajes más recientes</a>' in html
    assert "Mensajes anteriores" not in html


@pytest.mark.parametrize("value", ["0", "-1", "x", "9999999", "99"])
def test_a_bad_or_past_the_end_page_never_fails(client, world, long_ticket, value):
    logged_in(client, world.supervisor)
    response = client.get(page_url(long_ticket), {"conversacion": value})
    assert response.status_code == 200
    if value == "99":
        assert bodies(response) == []
    else:
        assert bodies(response) == [str(n) for n in range(5, 35)]


def test_a_short_conversation_has_no_pages(client, world):
    ticket = world.open()
    logged_in(client, world.supervisor)
    html = client.get(page_url(ticket)).content.decode()
    assert "Páginas de la conversación" not in html


# Not named "page": that is pytest-playwright's fixture, which would turn this into a browser
# test and move it (and the transactional tests) out of pytest-django's order.
@pytest.mark.parametrize("page_number", ["1", "2"])
def test_a_long_conversation_costs_the_same_queries(
    client, world, long_ticket, page_number, django_assert_num_queries
):
    logged_in(client, world.supervisor)
    # As for a short one (test_pages.test_the_page_runs_a_fixed_number_of_queries, less the
    # history's mentions of queues and people, which this ticket's events do not have).
    with django_assert_num_queries(16):
        response = client.get(page_url(long_ticket), {"conversacion": page_number})
    assert response.status_code == 200
