"""Linked tickets on the staff page and API come through the viewer's scope: a parent, child,
related or merged ticket routed out of the viewer's queues no longer shows its number, subject
or link there."""

import pytest

from helpdesk.services import ticket_link, ticket_merge, ticket_route
from tests.helpdesk.staff.conftest import api_client
from tests.helpdesk.staff.test_api import detail_url
from tests.helpdesk.staff.test_pages import logged_in, page_url

pytestmark = pytest.mark.django_db

OUT_OF_SCOPE = "Un caso fuera de sus colas"


def links_card(html: str) -> str:
    start = html.index('<div class="card" id="vinculos">')
    return html[start : html.index("</dl>", start)]


@pytest.fixture
def linked(clock, world, make_user):
    """A ticket of the department queue with a parent, a child, two related tickets and a merged
    duplicate; all but one related ticket are then routed to a queue the technician does not
    serve (by a national supervisor, who serves both)."""
    boss = make_user(role="supervisor")
    ticket = world.open(subject="Caso visible")
    reserved = {
        kind: world.open(subject=f"{kind} reservado")
        for kind in ("Principal", "Derivado", "Relacionado", "Duplicado")
    }
    visible = world.open(subject="Relacionado visible")
    ticket_link(actor=boss, ticket=ticket, other=reserved["Principal"], kind="parent")
    ticket_link(actor=boss, ticket=ticket, other=reserved["Derivado"], kind="child")
    ticket_link(actor=boss, ticket=ticket, other=reserved["Relacionado"], kind="related")
    ticket_link(actor=boss, ticket=ticket, other=visible, kind="related")
    for other in reserved.values():
        ticket_route(actor=boss, ticket=other, queue=world.other_queue)
    ticket_merge(actor=boss, ticket=reserved["Duplicado"], into=ticket)
    return ticket, reserved, visible


def test_the_page_shows_only_linked_tickets_of_the_viewers_queues(client, world, linked):
    ticket, reserved, visible = linked

    html = logged_in(client, world.technician).get(page_url(ticket)).content.decode()
    links = links_card(html)

    assert f'<a href="{page_url(visible)}">{visible.number}</a> · Relacionado visible' in links
    for other in reserved.values():
        # (The duplicate's own messages show in the conversation: merging made them this
        # ticket's, which is what a merge is for.)
        assert other.subject not in html
        assert other.number not in links
        assert f'href="{page_url(other)}"' not in html
    # The parent exists but is not theirs to read: said so, without naming it.
    assert f'<dt>Caso principal</dt><dd><span class="muted">{OUT_OF_SCOPE}</span></dd>' in html


def test_the_merge_target_outside_the_queues_is_not_named(client, world, linked):
    ticket, reserved, _visible = linked

    html = (
        logged_in(client, world.technician_other_queue)
        .get(page_url(reserved["Duplicado"]))
        .content.decode()
    )

    assert f'<dt>Fusionado en</dt><dd><span class="muted">{OUT_OF_SCOPE}</span></dd>' in html
    assert ticket.subject not in html
    assert page_url(ticket) not in html


def test_a_supervisor_of_both_queues_still_sees_every_link(client, make_user, linked):
    ticket, reserved, visible = linked
    boss = make_user(role="supervisor")

    html = logged_in(client, boss).get(page_url(ticket)).content.decode()

    for other in (*reserved.values(), visible):
        assert f'href="{page_url(other)}"' in html
    assert OUT_OF_SCOPE not in html


def test_the_api_detail_leaves_out_linked_tickets_outside_the_queues(world, linked):
    ticket, _reserved, visible = linked

    body = api_client(world.technician).get(detail_url(ticket)).json()

    assert body["parent"] is None
    assert body["children"] == []
    assert body["related"] == [
        {"number": visible.number, "subject": "Relacionado visible", "status": visible.status}
    ]
    assert body["merged_tickets"] == []
