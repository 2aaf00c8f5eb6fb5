"""The Bandeja costs a fixed number of queries whatever the amount of work: the page and the API,
for a technician and a supervisor, at two data sizes (3 and 30 tickets, 2 and 10 flow tasks,
1 and 3 account reviews; some of each assigned to the technician)."""

import pytest

from core.workflow import task_action
from helpdesk.services import ticket_claim

from .conftest import open_identity_review, open_tickets, start_review

pytestmark = pytest.mark.django_db

PAGE = "/bandeja/"
API = "/api/v1/bandeja/"

# Both surfaces, for a technician:
#   1 user (the session comes from the cache), 1 role grants (cached on the user for the rest
#   of the request);
#   tickets: 1 per-queue counts (from the queue side), 1 assigned to me, 1 available,
#   1 the requesters' names of both;
#   flow tasks: 1 open (node, permission) pairs, 1 counts per node, 1 assigned, 1 available;
#   account reviews: 1 count, 1 items;
#   then the session-timeout middleware saves the session: savepoint, UPDATE, release.
# The page adds 1: the unread-notifications count in the header.
TECHNICIAN_API = 2 + 4 + 4 + 2 + 3
TECHNICIAN_PAGE = TECHNICIAN_API + 1
# A supervisor may take none of the test flow's tasks, so there is no "available" task query,
# and the technicians they may assign to cost 1 query (the list for the assign control). Their
# API call comes right after the page, so its activity stamp is recent: no session save.
SUPERVISOR_API = 2 + 4 + 3 + 2 + 1
SUPERVISOR_PAGE = SUPERVISOR_API + 1 + 3


def make_work(*, technician, requester, service, tickets, tasks, reviews, mine):
    for ticket in open_tickets(requester, service, tickets)[:mine]:
        ticket_claim(actor=technician, ticket=ticket)
    for task in [start_review(f"Trámite {n}") for n in range(tasks)][:mine]:
        task_action(actor=technician, task=task, action="assign")
    for n in range(reviews):
        open_identity_review(n)


SIZES = [
    {"tickets": 3, "tasks": 2, "reviews": 1, "mine": 1},
    {"tickets": 30, "tasks": 10, "reviews": 3, "mine": 5},
]


@pytest.mark.parametrize("size", SIZES, ids=["small", "large"])
def test_page_queries_for_a_technician(
    client, clock, technician, requester, service, django_assert_num_queries, size
):
    make_work(technician=technician, requester=requester, service=service, **size)
    client.force_login(technician)

    with django_assert_num_queries(TECHNICIAN_PAGE):
        response = client.get(PAGE)

    bandeja = response.context["bandeja"]
    assert bandeja.assigned.total == 2 * size["mine"]
    assert bandeja.available.total == (
        size["tickets"] - size["mine"] + size["tasks"] - size["mine"] + size["reviews"]
    )
    assert len(bandeja.available.items) == bandeja.available.total  # all fit in one page


@pytest.mark.parametrize("size", SIZES, ids=["small", "large"])
def test_api_queries_for_a_technician(
    client, clock, technician, requester, service, django_assert_num_queries, size
):
    make_work(technician=technician, requester=requester, service=service, **size)
    client.force_login(technician)

    with django_assert_num_queries(TECHNICIAN_API):
        response = client.get(API)

    assert response.status_code == 200
    assert len(response.json()["assigned"]["items"]) == 2 * size["mine"]


@pytest.mark.parametrize("size", SIZES, ids=["small", "large"])
def test_page_and_api_queries_for_a_supervisor(
    client, clock, technician, supervisor, requester, service, django_assert_num_queries, size
):
    make_work(technician=technician, requester=requester, service=service, **size)
    client.force_login(supervisor)

    with django_assert_num_queries(SUPERVISOR_PAGE):
        page = client.get(PAGE)
    with django_assert_num_queries(SUPERVISOR_API):
        api = client.get(API)

    # The supervisor sees the unassigned tickets and the reviews; not the test flow's tasks.
    expected = size["tickets"] - size["mine"] + size["reviews"]
    assert page.context["bandeja"].available.total == expected
    assert api.json()["available"]["total"] == expected
    assert [t["id"] for t in api.json()["technicians"]] == [technician.pk]


# A director (or any role with work but no help-desk role): user and grants (2, the session from
# the cache); the ticket and review sources are not
# asked at all; flow tasks cost their open (node, permission) pairs, the counts per node and the
# assigned ones (none of the test flow's tasks is theirs to take: no "available" query). Measured
# on steady requests (activity stamp recent: no session save); the page adds the unread count.
# The academics source "attendance not taken today" counts the director's sections still
# without today's attendance (1; the clock's Monday is a class day) and reads no items at 0.
# The family sources (messages and absence permissions waiting for the school) count theirs (2).
DIRECTOR_API = 2 + 3 + 1 + 2
DIRECTOR_PAGE = DIRECTOR_API + 1


@pytest.mark.parametrize("size", SIZES, ids=["small", "large"])
def test_page_and_api_queries_for_a_director(
    client, clock, technician, make_user, requester, service, django_assert_num_queries, size
):
    make_work(technician=technician, requester=requester, service=service, **size)
    director = make_user(role="director")
    client.force_login(director)
    client.get(PAGE)  # the first request stamps the session; measure steady ones below

    with django_assert_num_queries(DIRECTOR_PAGE):
        page = client.get(PAGE)
    with django_assert_num_queries(DIRECTOR_API):
        api = client.get(API)

    assert page.status_code == api.status_code == 200
    assert page.context["bandeja"].available.total == 0
    assert api.json()["assigned"]["total"] == 0
    assert [kind["key"] for kind in api.json()["kinds"]] == [
        "task",
        "asistencia",
        "family_message",
        "absence_permission",
    ]
