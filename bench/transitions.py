"""Transitions per second from one process, next to what the database itself commits.

``python -m bench transitions``: opens ``--count`` tickets through ``ticket_create`` (not
timed), then times ``ticket_claim`` on each and ``ticket_resolve`` on each, service calls in
this process with their row lock, audit events and outbox rows, one transaction per call as
the API makes them; then runs ``pgbench`` (the PostgreSQL client's tool) for ``--seconds`` on
the same database with ``bench/pgbench_lock_insert.sql``: one client locking one row and
inserting three, the shape of a transition without the application. Both figures come from the
same sitting, so their ratio is fair on a busy machine too. The tickets stay (resolved).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .generate import BenchError
from .run import choose_actors

PGBENCH_SCRIPT = Path(__file__).with_name("pgbench_lock_insert.sql")
# Tickets whose transitions are made under ``CaptureQueriesContext`` for the query count, untimed.
COUNTED = 3


@dataclass
class TransitionOptions:
    count: int = 200
    seconds: int = 10


def _rate(label: str, timings: list[float], queries: str, out: IO[str]) -> float:
    total = sum(timings)
    rate = len(timings) / total if total else 0.0
    print(
        f"  {label}: {rate:,.0f}/s ({len(timings)} in {total:.2f} s; median "
        f"{statistics.median(timings) * 1000:.2f} ms), {queries} queries each",
        file=out,
        flush=True,
    )
    return rate


def pgbench(seconds: int, out: IO[str]) -> float | None:
    """Transactions per second of the lock-and-insert script, one client, or ``None``."""
    binary = shutil.which("pgbench")
    if binary is None:
        print("  pgbench: not installed (PostgreSQL client packages)", file=out)
        return None
    settings = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_lock_row (id integer PRIMARY KEY);"
            "INSERT INTO bench_lock_row SELECT generate_series(1, 1000) ON CONFLICT DO NOTHING;"
            "CREATE TABLE IF NOT EXISTS bench_insert_row (id bigserial PRIMARY KEY, "
            "row_id integer NOT NULL, body text NOT NULL, at timestamptz DEFAULT now())"
        )
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    command = [
        binary,
        "-n",
        "-c",
        "1",
        "-T",
        str(seconds),
        "-f",
        str(PGBENCH_SCRIPT),
        "-h",
        str(settings.get("HOST") or "localhost"),
        "-p",
        str(settings.get("PORT") or 5432),
        "-U",
        str(settings.get("USER") or "postgres"),
        str(settings["NAME"]),
    ]
    try:
        result = subprocess.run(  # noqa: S603 - fixed arguments, the bench's own database
            command, capture_output=True, text=True, env=env, check=False, timeout=seconds + 60
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_insert_row, bench_lock_row")
    match = re.search(r"tps = ([\d.]+)", result.stdout)
    if result.returncode != 0 or match is None:
        print(f"  pgbench failed: {result.stderr.strip()[:300]}", file=out)
        return None
    tps = float(match.group(1))
    print(f"  pgbench, lock one row + insert three rows, 1 client: {tps:,.0f}/s", file=out)
    return tps


def run_transitions(options: TransitionOptions, *, out: IO[str] | None = None) -> dict:
    from core.accounts.models import User
    from helpdesk.models import Service, Ticket
    from helpdesk.services import ticket_claim, ticket_create, ticket_resolve

    out = out or sys.stdout
    if connection.vendor != "postgresql":
        raise BenchError("El benchmark de transiciones necesita PostgreSQL.")
    if options.count < 1:
        raise BenchError("--count debe ser al menos 1.")
    actors = choose_actors()
    service = Service.objects.select_related("queue", "sla_policy").get(code=actors.service_code)
    print(
        f"Database «{connection.settings_dict['NAME']}»: {actors.facts['tickets']:,} tickets; "
        f"{options.count} claims and {options.count} resolutions by one technician.",
        file=out,
        flush=True,
    )
    ids = [
        ticket_create(
            requester=actors.requester, service=service, data={}, description="Consulta."
        ).pk
        for _n in range(options.count + COUNTED)
    ]
    technician = User.objects.select_related("person").get(pk=actors.technician.pk)
    results: dict[str, float | None] = {}
    for name, call in (
        ("claim", lambda t: ticket_claim(actor=technician, ticket=t)),
        ("resolve", lambda t: ticket_resolve(actor=technician, ticket=t, message="Resuelto.")),
    ):
        tickets = list(Ticket.objects.filter(pk__in=ids).order_by("pk"))
        timings = []
        for ticket in tickets[COUNTED:]:
            started = time.perf_counter()
            call(ticket)
            timings.append(time.perf_counter() - started)
        # The first tickets are counted, not timed: capturing swaps in Django's debug cursor,
        # which formats and logs every statement (not what production runs).
        counts = set()
        for ticket in tickets[:COUNTED]:
            with CaptureQueriesContext(connection) as captured:
                call(ticket)
            counts.add(len(captured.captured_queries))
        queries = "-".join(str(n) for n in sorted(counts))
        results[name] = _rate(f"ticket_{name}", timings, queries, out)
    results["pgbench"] = pgbench(options.seconds, out)
    if results["pgbench"]:
        for name in ("claim", "resolve"):
            share = results[name] / results["pgbench"]
            print(f"  {name}: {share:.0%} of the database's one-client ceiling", file=out)
    return results
