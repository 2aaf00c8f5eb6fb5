"""The benchmark's generator and runner work end to end on a tiny data set (PostgreSQL only:
the generator streams rows with COPY)."""

import io
import shutil

import pytest
from django.apps import apps
from django.db import connection

from bench.generate import BenchError, GenerateOptions, generate
from bench.run import RunOptions, run_benchmark
from bench.transitions import TransitionOptions, run_transitions
from core.accounts.models import RoleGrant, User
from helpdesk.catalogue import load_catalogue
from helpdesk.choices import FINAL_STATUSES
from helpdesk.models import SatisfactionRating, Ticket, TicketCounter, TicketEntry
from modules.schools.geography import geography_upsert
from modules.schools.models import Department, Municipality

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shipped_rows():
    # A transactional test before this one may have flushed the rows the migrations ship.
    geography_upsert(Department, Municipality)
    load_catalogue(apps)


def test_generate_then_run_one_pass(shipped_rows):
    # Given an empty help desk, when 50 tickets are generated…
    out = io.StringIO()
    report = generate(
        GenerateOptions(
            tickets=50, entries=150, technicians=10, queues=8, requesters=20, supervisors=2
        ),
        out=out,
    )

    # …then every row is there, consistent with what the application expects.
    assert report.counts["tickets"] == Ticket.objects.count() == 50
    assert report.counts["entries"] == TicketEntry.objects.count() == 150
    assert SatisfactionRating.objects.count() == report.counts["ratings"]
    assert User.objects.filter(person__email__endswith="@ciudadano.bench.example").count() == 20
    assert RoleGrant.objects.filter(role="technician").count() >= 10
    assert not Ticket.objects.filter(status="merged", merged_into__isnull=True).exists()
    numbers = Ticket.objects.values_list("number", flat=True)
    highest = {c.year: c.last_value for c in TicketCounter.objects.all()}
    for number in numbers:
        _prefix, year, value = number.split("-")
        assert int(value) <= highest[int(year)]
    assert "Done in" in out.getvalue()
    assert Ticket.objects.exclude(status__in=FINAL_STATUSES).exists()

    # When the runner makes one pass over every operation…
    printed = io.StringIO()
    results = run_benchmark(RunOptions(repeat=1, warmup=0, deep_pages=1), out=printed)

    # …then each one answered without an error and the table lists them all.
    keys = {r.key for r in results}
    assert {"staff_list_first", "requester_list", "ticket_create", "claim"} <= keys
    assert {"staff_list_all", "staff_list_all_deep", "search_frequent", "search_number"} <= keys
    for result in results:
        assert result.n == 1
        assert all(status < 400 for status in result.statuses), (result.key, result.statuses)
        assert result.queries_min > 0
    table = printed.getvalue()
    assert "| operation" in table
    assert "Claim API (POST)" in table
    # The run's own tickets were created and claimed by the benchmark's technician: one timed
    # call and one counted (made under the query capture, untimed) of each.
    assert Ticket.objects.count() == 52
    assert (
        Ticket.objects.filter(subject__startswith="Consulta de prueba")
        .exclude(assignee=None)
        .count()
        == 2
    )


def test_generate_refuses_a_database_with_tickets(shipped_rows):
    generate(GenerateOptions(tickets=5, entries=5, technicians=2, queues=6), out=io.StringIO())

    with pytest.raises(BenchError):
        generate(GenerateOptions(tickets=5, entries=5, technicians=2, queues=6), out=io.StringIO())

    assert Ticket.objects.count() == 5


def test_transitions_are_timed_next_to_pgbench(shipped_rows):
    generate(
        GenerateOptions(
            tickets=50, entries=150, technicians=10, queues=8, requesters=20, supervisors=2
        ),
        out=io.StringIO(),
    )
    printed = io.StringIO()

    results = run_transitions(TransitionOptions(count=3, seconds=1), out=printed)

    assert results["claim"] > 0
    assert results["resolve"] > 0
    assert Ticket.objects.filter(status="resolved", subject__startswith="Consulta").count() >= 3
    if shutil.which("pgbench"):
        assert results["pgbench"] > 0
        assert "of the database's one-client ceiling" in printed.getvalue()
    # The scratch tables of the pgbench script are gone.
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_lock_row'), to_regclass('bench_insert_row')")
        assert cursor.fetchone() == (None, None)
