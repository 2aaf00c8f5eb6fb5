"""``python -m bench compare``: the help desk's hot paths next to django-helpdesk 2.6.1.

django-helpdesk runs in its own virtual environment (``var/helpdesk-peer``, created here from
``bench/peer/requirements.txt`` on first use, never in the project's) against its own
PostgreSQL database; ``--generate`` fills it with ``bench/peer/peer.py generate`` at the size
given (use the same as the SIGES bench database). Its side is a subprocess that answers one
batch of requests at a time, so the two are measured alternating in one sitting: batch after
batch, SIGES then django-helpdesk, each through Django's test client in its own process. The
table prints both medians and p95s, the query counts and the ratio (peer median / SIGES median).

The paths (SIGES / django-helpdesk):

- create: ``POST /api/v1/tickets/`` as the requester with the most tickets / ``POST
  /api/tickets/`` as a staff member (django-helpdesk's API is for staff only);
- ticket: the staff ticket page of a recent active ticket / ``/tickets/<id>/``;
- search: ``/mesa/buscar/?q=necesito`` as the national supervisor (every ticket in scope) / the
  ticket list page with ``q=necesito`` plus its first 25 rows (the datatable's request);
- list: ``/api/v1/mesa/tickets/?status=all&page_size=25`` as the national supervisor / the
  ticket list over every status plus its first 25 rows, newest first.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .generate import BenchError
from .run import choose_actors, p95, sign_in

ROOT = Path(__file__).resolve().parents[1]
PEER_DIR = Path(__file__).with_name("peer")
PEER_VENV = ROOT / "var" / "helpdesk-peer"
FREQUENT_WORD = "necesito"


@dataclass
class CompareOptions:
    peer_database_url: str
    repeat: int = 30
    batch: int = 5
    generate: bool = False
    tickets: int = 100_000
    entries: int = 200_000
    only: tuple[str, ...] = ()


@dataclass
class Side:
    times: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    def add(self, times: list[float], queries: list[int], statuses: list[int]) -> None:
        self.times += times
        self.queries += queries
        self.statuses += statuses

    def summary(self) -> tuple[float, float, str]:
        low, high = min(self.queries), max(self.queries)
        counted = str(low) if low == high else f"{low}-{high}"
        return statistics.median(self.times), p95(self.times), counted


def peer_python(out: IO[str]) -> Path:
    """The peer environment's interpreter, creating the environment on first use."""
    python = PEER_VENV / "bin" / "python"
    if python.exists():
        return python
    print(f"Creating {PEER_VENV} (django-helpdesk 2.6.1)…", file=out, flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)  # noqa: S603
    subprocess.run(  # noqa: S603 - fixed arguments
        [str(python), "-m", "pip", "install", "-q", "-r", str(PEER_DIR / "requirements.txt")],
        check=True,
    )
    return python


def _peer_env(options: CompareOptions) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env["PEER_DATABASE_URL"] = options.peer_database_url
    env["DJANGO_SETTINGS_MODULE"] = "peer_settings"
    return env


class Peer:
    """The django-helpdesk process: one JSON command in, one JSON answer out."""

    def __init__(self, python: Path, options: CompareOptions) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [str(python), "peer.py", "serve"],
            cwd=PEER_DIR,
            env=_peer_env(options),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        hello = self._read()
        self.tickets = int(hello.get("tickets", 0))

    def _read(self) -> dict[str, Any]:
        if self.process.stdout is None:
            raise BenchError("django-helpdesk no está en marcha.")
        line = self.process.stdout.readline()
        if not line:
            raise BenchError("django-helpdesk no respondió (vea el error arriba).")
        return json.loads(line)

    def run(self, op: str, n: int) -> dict[str, Any]:
        if self.process.stdin is None:
            raise BenchError("django-helpdesk no está en marcha.")
        self.process.stdin.write(json.dumps({"op": op, "n": n}) + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def _siges_operations() -> tuple[dict[str, Callable[[int], Any]], dict[str, Any]]:
    actors = choose_actors()
    if actors.supervisor is None:
        raise BenchError("La base de datos de SIGES no tiene supervisor nacional.")
    requester, staff, national = Client(), Client(), Client()
    sign_in(requester, actors.requester)
    sign_in(staff, actors.technician)
    sign_in(national, actors.supervisor)
    numbers = actors.ticket_numbers

    def create(i: int) -> Any:
        return requester.post(
            reverse("v1:helpdesk-tickets"),
            data={
                "service": actors.service_code,
                "subject": f"Consulta de prueba de rendimiento {i}",
                "description": "Necesito información sobre el estado de mi trámite.",
            },
            content_type="application/json",
        )

    listing = reverse("v1:helpdesk-staff-ticket-list")
    operations = {
        "create": create,
        "ticket": lambda i: staff.get(
            reverse("helpdesk:staff_ticket", kwargs={"number": numbers[i % len(numbers)]})
        ),
        "search": lambda i: national.get(reverse("helpdesk:search"), {"q": FREQUENT_WORD}),
        "list": lambda i: national.get(listing, {"status": "all", "page_size": 25}),
    }
    return operations, actors.facts


LABELS = {
    "create": "create a ticket through the API",
    "ticket": "staff ticket page",
    "search": f"search a frequent word («{FREQUENT_WORD}»), national scope",
    "list": "staff list over every status, 25 rows, national scope",
}
PEER_OPS = {"create": "create", "ticket": "ticket", "search": "search", "list": "list_all"}


def run_compare(options: CompareOptions, *, out: IO[str] | None = None) -> dict[str, Any]:
    out = out or sys.stdout
    if connection.vendor != "postgresql":
        raise BenchError("La comparación necesita PostgreSQL.")
    python = peer_python(out)
    if options.generate:
        subprocess.run(  # noqa: S603 - fixed arguments
            [
                str(python),
                "peer.py",
                "generate",
                "--tickets",
                str(options.tickets),
                "--entries",
                str(options.entries),
            ],
            cwd=PEER_DIR,
            env=_peer_env(options),
            check=True,
        )
    operations, facts = _siges_operations()
    keys = [k for k in operations if not options.only or k in options.only]
    peer = Peer(python, options)
    print(
        f"SIGES «{connection.settings_dict['NAME']}»: {facts['tickets']:,} tickets; "
        f"django-helpdesk: {peer.tickets:,} tickets. {options.repeat} timed requests per path "
        f"and side, in alternating batches of {options.batch} (after one untimed batch).",
        file=out,
        flush=True,
    )
    ours = {key: Side() for key in keys}
    theirs = {key: Side() for key in keys}
    try:
        for key in keys:  # warm-up, not timed
            for i in range(options.batch):
                operations[key](i)
            peer.run(PEER_OPS[key], options.batch)
        rounds = max(1, options.repeat // options.batch)
        counter = 0
        for _round in range(rounds):
            for key in keys:
                times, queries, statuses = [], [], []
                for _n in range(options.batch):
                    counter += 1
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        response = operations[key](counter)
                        times.append((time.perf_counter() - started) * 1000)
                    queries.append(len(captured.captured_queries))
                    statuses.append(response.status_code)
                ours[key].add(times, queries, statuses)
                answer = peer.run(PEER_OPS[key], options.batch)
                theirs[key].add(answer["times"], answer["queries"], answer["statuses"])
    finally:
        peer.close()
    return _report(keys, ours, theirs, out)


def _report(
    keys: list[str], ours: dict[str, Side], theirs: dict[str, Side], out: IO[str]
) -> dict[str, Any]:
    header = (
        "| path | SIGES median ms | SIGES p95 ms | SIGES queries | django-helpdesk median ms "
        "| django-helpdesk p95 ms | django-helpdesk queries | ratio (peer / SIGES) |"
    )
    print("", file=out)
    print(header, file=out)
    print("|" + "---|" * 8, file=out)
    results = {}
    for key in keys:
        median, high, counted = ours[key].summary()
        peer_median, peer_high, peer_counted = theirs[key].summary()
        ratio = peer_median / median if median else float("nan")
        bad = sorted({s for s in ours[key].statuses + theirs[key].statuses if s >= 400})
        note = f" (HTTP {bad}!)" if bad else ""
        print(
            f"| {LABELS[key]}{note} | {median:.1f} | {high:.1f} | {counted} | {peer_median:.1f} "
            f"| {peer_high:.1f} | {peer_counted} | {ratio:.1f}x |",
            file=out,
            flush=True,
        )
        results[key] = {
            "siges": {"median_ms": median, "p95_ms": high, "queries": counted},
            "peer": {"median_ms": peer_median, "p95_ms": peer_high, "queries": peer_counted},
            "ratio": ratio,
        }
    return results
