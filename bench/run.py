"""Time the help desk's pages and API calls in-process against a generated database.

Each operation is a real request through Django's test ``Client`` (URL resolver, middleware,
session, DRF, templates): the time is ``perf_counter`` around the call; the query count and the
database time come from ``COUNTED_CALLS`` more calls made under ``CaptureQueriesContext`` (not
timed). Nothing is mocked. Writes (ticket creation, claims) are real and committed: every run
adds ``repeat + warmup + COUNTED_CALLS`` tickets, all claimed by the benchmark's technician.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from django.db import connections
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from .generate import BenchError, check_migrations

# The search page's words: one found in most tickets, two such words, one found in none.
FREQUENT_WORD = "necesito"
TWO_WORDS = "necesito documento"
ABSENT_WORD = "murciélago"


@dataclass
class RunOptions:
    repeat: int = 30
    warmup: int = 3
    deep_pages: int = 20
    only: tuple[str, ...] = ()
    explain: bool = False
    json_path: str | None = None
    baseline: str | None = None
    using: str = "default"
    # A directory: each operation is called ``repeat`` more times under cProfile, the profile
    # saved there as ``<key>.prof`` and its costliest functions printed (not timed).
    profile_dir: str | None = None


@dataclass
class Result:
    key: str
    label: str
    n: int = 0
    median_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0
    sql_median_ms: float = 0.0  # time the database took, as Django measured it
    queries_min: int = 0
    queries_max: int = 0
    statuses: list[int] = field(default_factory=list)
    note: str = ""

    @property
    def queries(self) -> str:
        if self.queries_min == self.queries_max:
            return str(self.queries_min)
        return f"{self.queries_min}-{self.queries_max}"


@dataclass
class Actors:
    technician: Any
    supervisor: Any | None
    requester: Any
    service_code: str | None
    ticket_numbers: list[str]
    facts: dict[str, Any]


# The backend a real sign-in (the login page) records in the session; ``force_login`` would
# otherwise record the first configured one (axes'), which loads the user without the person.
SIGN_IN_BACKEND = "core.accounts.backends.DuiBackend"


def sign_in(client: Client, user: Any) -> None:
    """Log ``client`` in as ``user`` the way the login page does, without the password."""
    client.force_login(user, backend=SIGN_IN_BACKEND)


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return max(values)
    return statistics.quantiles(values, n=20, method="inclusive")[18]


# --- Who plays the parts ------------------------------------------------------------------------


def choose_actors() -> Actors:
    """A technician with a heavy queue load who serves a queue with a simple manual service (so
    tickets created by the run stay unassigned and can be claimed), the national supervisor,
    and the requester with the most tickets."""
    from core.accounts.models import RoleGrant, User
    from helpdesk.choices import ACTIVE_STATUSES, AssignmentMode
    from helpdesk.models import Queue, Service, Team, Ticket

    active_by_queue = dict(
        Ticket.objects.filter(status__in=ACTIVE_STATUSES)
        .values_list("queue")
        .annotate(n=Count("id"))
        .values_list("queue", "n")
    )
    simple_services: dict[int, str] = {}
    for service in (
        Service.objects.filter(
            is_active=True,
            any_citizen=True,
            queue__is_active=True,
            queue__assignment_mode=AssignmentMode.MANUAL,
        )
        .annotate(required=Count("fields", filter=Q(fields__required=True)))
        .filter(required=0)
        .order_by("pk")
    ):
        simple_services.setdefault(service.queue_id, service.code)
    team_queues: dict[int, set[int]] = {}
    for team_id, queue_id in Team.queues.through.objects.filter(team__is_active=True).values_list(
        "team_id", "queue_id"
    ):
        team_queues.setdefault(team_id, set()).add(queue_id)
    served: dict[int, set[int]] = {}
    for team_id, user_id in Team.members.through.objects.values_list("team_id", "user_id"):
        served.setdefault(user_id, set()).update(team_queues.get(team_id, set()))
    technician_ids = set(
        RoleGrant.objects.filter(role="technician").values_list("user_id", flat=True)
    )
    candidates = sorted(
        (
            (sum(active_by_queue.get(q, 0) for q in queues), user_id)
            for user_id, queues in served.items()
            if user_id in technician_ids and any(q in simple_services for q in queues)
        ),
        reverse=True,
    )
    if not candidates:
        raise BenchError(
            "No hay un técnico que atienda una cola manual con un trámite sin campos "
            "obligatorios: genere los datos con «python -m bench generate»."
        )
    load, technician_id = candidates[0]
    technician = User.objects.select_related("person").get(pk=technician_id)
    service_queue = next(q for q in sorted(served[technician_id]) if q in simple_services)
    supervisor_grant = (
        RoleGrant.objects.filter(role="supervisor", scope_kind="national")
        .select_related("user")
        .order_by("pk")
        .first()
    )
    top = (
        Ticket.objects.values("requester")
        .annotate(n=Count("id"))
        .order_by("-n", "requester")
        .first()
    )
    if top is None:
        raise BenchError("La base de datos no tiene casos.")
    requester = User.objects.select_related("person").get(pk=top["requester"])
    queues = sorted(served[technician_id])
    numbers = list(
        Ticket.objects.filter(queue__in=queues, status__in=ACTIVE_STATUSES)
        .order_by("-id")
        .values_list("number", flat=True)[:20]
    )
    facts = {
        "tickets": Ticket.objects.count(),
        "technician_queues": len(queues),
        "technician_queue_active_tickets": load,
        "technician_assigned_active": Ticket.objects.filter(
            assignee=technician, status__in=ACTIVE_STATUSES
        ).count(),
        "requester_tickets": top["n"],
        "create_service": simple_services[service_queue],
        "create_queue": Queue.objects.get(pk=service_queue).code,
    }
    return Actors(
        technician=technician,
        supervisor=supervisor_grant.user if supervisor_grant else None,
        requester=requester,
        service_code=simple_services[service_queue],
        ticket_numbers=numbers,
        facts=facts,
    )


# --- Operations ---------------------------------------------------------------------------------


@dataclass
class Operation:
    key: str
    label: str
    call: Callable[[int], Any]  # i-th call → response
    prepare: Callable[[int], None] | None = None  # called with the number of calls to come


def _url(name: str, **kwargs: Any) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _follow(client: Client, url: str, pages: int) -> tuple[str, int]:
    """The URL of page ``pages + 1`` of a cursor-paginated list (fewer if the list ends)."""
    followed = 0
    for _ in range(pages):
        response = client.get(url)
        if response.status_code != 200:
            raise BenchError(f"{url} respondió {response.status_code}")
        following = response.json().get("next")
        if not following:
            break
        url = following
        followed += 1
    return url, followed


def build_operations(actors: Actors, options: RunOptions, out: IO[str]) -> list[Operation]:
    staff = Client()
    sign_in(staff, actors.technician)
    requester = Client()
    sign_in(requester, actors.requester)
    national = Client()
    if actors.supervisor is not None:
        sign_in(national, actors.supervisor)
    operations: list[Operation] = []

    def get(client: Client, url: str) -> Callable[[int], Any]:
        return lambda _i: client.get(url)

    workqueue = _url("work:bandeja")
    if workqueue:
        operations.append(Operation("workqueue", "Bandeja (page)", get(staff, workqueue)))
        if actors.supervisor is not None:
            operations.append(
                Operation(
                    "workqueue_national",
                    "Bandeja (page), national supervisor",
                    get(national, workqueue),
                )
            )
    workqueue_api = _url("v1:work-bandeja")
    if workqueue_api:
        operations.append(Operation("workqueue_api", "Bandeja API", get(staff, workqueue_api)))
    staff_list = _url("v1:helpdesk-staff-ticket-list")
    if staff_list:
        operations.append(
            Operation("staff_list_first", "Staff ticket list API, page 1", get(staff, staff_list))
        )
        deep, followed = _follow(staff, staff_list, options.deep_pages)
        operations.append(
            Operation(
                "staff_list_deep",
                f"Staff ticket list API, page {followed + 1}",
                get(staff, deep),
            )
        )
        if actors.supervisor is not None:
            operations.append(
                Operation(
                    "staff_list_national",
                    "Staff ticket list API, national supervisor, page 1",
                    get(national, staff_list),
                )
            )
            deep_national, followed = _follow(national, staff_list, options.deep_pages)
            operations.append(
                Operation(
                    "staff_list_national_deep",
                    f"Staff ticket list API, national supervisor, page {followed + 1}",
                    get(national, deep_national),
                )
            )
    if staff_list:
        # Every status (closed and cancelled too), in each offered order, first and deep page.
        every = f"{staff_list}?status=all"
        variants = [("staff_list_all", "", staff, every)]
        variants.append(("staff_list_all_reverse", ", newest deadline first", staff, every))
        if actors.supervisor is not None:
            variants.append(("staff_list_all_national", ", national supervisor", national, every))
        for key, label, client, url in variants:
            if key.endswith("reverse"):
                url = f"{url}&ordering=-due"
            operations.append(
                Operation(key, f"Staff list API, every status{label}, page 1", get(client, url))
            )
            deep_url, followed = _follow(client, url, options.deep_pages)
            operations.append(
                Operation(
                    f"{key}_deep",
                    f"Staff list API, every status{label}, page {followed + 1}",
                    get(client, deep_url),
                )
            )
    search = _url("helpdesk:search")
    if search:
        searches = [
            ("search_frequent", f"one frequent word («{FREQUENT_WORD}»)", FREQUENT_WORD),
            ("search_two_words", f"two frequent words («{TWO_WORDS}»)", TWO_WORDS),
            ("search_absent", f"an absent word («{ABSENT_WORD}»)", ABSENT_WORD),
        ]
        if actors.ticket_numbers:
            searches.append(("search_number", "a ticket number", actors.ticket_numbers[-1]))
        scopes = [("", "technician", staff)]
        if actors.supervisor is not None:
            scopes.append(("_national", "national supervisor", national))
        for suffix, who, client in scopes:
            for key, what, q in searches:
                operations.append(
                    Operation(
                        key + suffix,
                        f"Search page, {what}, {who}",
                        lambda _i, c=client, q=q: c.get(search, {"q": q}),
                    )
                )
    numbers = actors.ticket_numbers
    if numbers and _url("helpdesk:staff_ticket", number=numbers[0]):
        operations.append(
            Operation(
                "staff_ticket",
                "Staff ticket page",
                lambda i: staff.get(
                    reverse("helpdesk:staff_ticket", kwargs={"number": numbers[i % len(numbers)]})
                ),
            )
        )
    requester_list = _url("v1:helpdesk-tickets")
    if requester_list:
        operations.append(
            Operation(
                "requester_list",
                "Requester ticket list API, page 1",
                get(requester, requester_list),
            )
        )
        deep, followed = _follow(requester, requester_list, options.deep_pages)
        operations.append(
            Operation(
                "requester_list_deep",
                f"Requester ticket list API, page {followed + 1}",
                get(requester, deep),
            )
        )
    created: list[str] = []

    def create(i: int) -> Any:
        response = requester.post(
            requester_list,
            data={
                "service": actors.service_code,
                "subject": f"Consulta de prueba de rendimiento {i}",
                "description": "Necesito información sobre el estado de mi trámite.",
            },
            content_type="application/json",
        )
        if response.status_code == 201:
            created.append(response.json()["number"])
        return response

    if requester_list and actors.service_code:
        operations.append(Operation("ticket_create", "Ticket creation API (POST)", create))

    def claim(i: int) -> Any:
        if not created:
            raise BenchError("No quedan casos nuevos para tomar.")
        number = created.pop(0)
        return staff.post(reverse("v1:helpdesk-staff-ticket-claim", kwargs={"number": number}))

    if (
        numbers
        and _url("v1:helpdesk-staff-ticket-claim", number=numbers[0])
        and actors.service_code
    ):

        def top_up(count: int) -> None:
            # Tickets to claim when ticket creation was not part of the run (--only claim).
            for i in range(max(0, count - len(created))):
                create(i)

        operations.append(Operation("claim", "Claim API (POST)", claim, prepare=top_up))
    wanted = set(options.only)
    if wanted:
        unknown = wanted - {op.key for op in operations}
        if unknown:
            print(f"(skipping unknown or unavailable operations: {sorted(unknown)})", file=out)
        operations = [op for op in operations if op.key in wanted]
    return operations


# Calls made again under ``CaptureQueriesContext`` after the timed ones, for the query count and
# the database time: capturing swaps in Django's debug cursor, which formats and logs every
# statement, so the timed calls run without it, as in production.
COUNTED_CALLS = 5


def measure(operation: Operation, options: RunOptions, using: str) -> Result:
    connection = connections[using]
    result = Result(operation.key, operation.label)
    counted = min(COUNTED_CALLS, options.repeat)
    profiled = options.repeat if getattr(options, "profile_dir", None) else 0
    if operation.prepare is not None:
        operation.prepare(options.warmup + options.repeat + counted + profiled)
    for i in range(options.warmup):
        operation.call(i)
    times, queries, sql_times = [], [], []
    for i in range(options.repeat):
        started = time.perf_counter()
        response = operation.call(options.warmup + i)
        times.append((time.perf_counter() - started) * 1000)
        result.statuses.append(response.status_code)
    for i in range(counted):
        with CaptureQueriesContext(connection) as captured:
            response = operation.call(options.warmup + options.repeat + i)
        queries.append(len(captured.captured_queries))
        sql_times.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        result.statuses.append(response.status_code)
    if profiled:
        profile(operation, options.warmup + options.repeat + counted, profiled, options)
    result.n = len(times)
    result.median_ms = statistics.median(times)
    result.p95_ms = p95(times)
    result.max_ms = max(times)
    result.sql_median_ms = statistics.median(sql_times)
    result.queries_min, result.queries_max = min(queries), max(queries)
    bad = sorted({s for s in result.statuses if s >= 400})
    if bad:
        result.note = f"HTTP {', '.join(map(str, bad))}!"
    return result


PROFILE_TOP = 25


def profile(operation: Operation, first: int, calls: int, options: Any) -> None:
    """Call ``operation`` ``calls`` times under cProfile; save ``<key>.prof`` in the profile
    directory and print the functions with the most time of their own, per call."""
    import cProfile
    import pstats
    from pathlib import Path

    directory = Path(options.profile_dir or ".")
    directory.mkdir(parents=True, exist_ok=True)
    profiler = cProfile.Profile()
    for i in range(calls):
        profiler.enable()
        operation.call(first + i)
        profiler.disable()
    path = directory / f"{operation.key}.prof"
    profiler.dump_stats(path)
    stats = pstats.Stats(profiler)
    total_calls = stats.total_calls  # type: ignore[attr-defined]
    total_ms = stats.total_tt * 1000  # type: ignore[attr-defined]
    print(
        f"    profile ({path}): {total_calls / calls:,.0f} function calls and "
        f"{total_ms / calls:.1f} ms a call under cProfile; own time per call:",
        flush=True,
    )
    rows = sorted(
        stats.stats.items(),  # type: ignore[attr-defined]
        key=lambda item: item[1][2],
        reverse=True,
    )
    for (filename, line, name), (_, ncalls, own, cumulative, _) in rows[:PROFILE_TOP]:
        where = Path(filename).name if filename != "~" else ""
        print(
            f"      {own * 1000 / calls:6.2f} ms own {cumulative * 1000 / calls:6.2f} ms cum "
            f"{ncalls / calls:7.1f}x  {name} ({where}:{line})",
            flush=True,
        )


# --- Output ---------------------------------------------------------------------------------------


def print_table(results: list[Result], out: IO[str], baseline: dict[str, Any] | None) -> None:
    header = ["operation", "n", "median ms", "p95 ms", "SQL ms", "queries"]
    base = {r["key"]: r for r in (baseline or {}).get("results", [])}
    if baseline:
        header += ["median x base", "queries (base)"]
    rows = []
    for r in results:
        row = [
            r.label,
            str(r.n),
            f"{r.median_ms:.1f}",
            f"{r.p95_ms:.1f}",
            f"{r.sql_median_ms:.1f}",
            r.queries,
        ]
        if baseline:
            b = base.get(r.key)
            if b:
                ratio = r.median_ms / b["median_ms"] if b["median_ms"] else float("nan")
                same = (b["queries_min"], b["queries_max"]) == (r.queries_min, r.queries_max)
                counted = (
                    str(b["queries_min"])
                    if b["queries_min"] == b["queries_max"]
                    else f"{b['queries_min']}-{b['queries_max']}"
                )
                row += [f"{ratio:.2f}", counted + ("" if same else " ≠")]
            else:
                row += ["", ""]
        if r.note:
            row[0] += f"  ({r.note})"
        rows.append(row)
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    print(
        "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |", file=out
    )
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|", file=out)
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        print("| " + " | ".join(cells) + " |", file=out)


def print_ratio(
    results: list[Result], meta: dict[str, Any], baseline: dict[str, Any], out: IO[str]
) -> None:
    base = {r["key"]: r for r in baseline.get("results", [])}
    pairs = [(r, base[r.key]) for r in results if r.key in base and base[r.key]["median_ms"]]
    if not pairs:
        return
    ratios = [r.median_ms / b["median_ms"] for r, b in pairs]
    size, base_size = meta.get("tickets", 0), baseline.get("meta", {}).get("tickets", 0)
    same_queries = all(
        (r.queries_min, r.queries_max) == (b["queries_min"], b["queries_max"]) for r, b in pairs
    )
    print(
        f"\n{size:,} vs {base_size:,} tickets ({size / max(base_size, 1):.0f}x the data): median "
        f"time ratio {min(ratios):.2f}-{max(ratios):.2f} (geometric mean "
        f"{statistics.geometric_mean(ratios):.2f}); query counts "
        f"{'identical' if same_queries else 'DIFFER (see ≠)'}.",
        file=out,
    )


def explain(operation: Operation, using: str, out: IO[str], top: int = 2) -> None:
    """Re-run the slowest SELECTs of one call with EXPLAIN (ANALYZE, BUFFERS)."""
    connection = connections[using]
    with CaptureQueriesContext(connection) as captured:
        operation.call(0)
    selects = [
        q
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT") and "FOR UPDATE" not in q["sql"].upper()
    ]
    selects.sort(key=lambda q: float(q["time"]), reverse=True)
    print(f"\n### EXPLAIN: {operation.label}", file=out)
    with connection.cursor() as cursor:
        for query in selects[:top]:
            print(
                f"\n-- {float(query['time']) * 1000:.1f} ms in the request:\n{query['sql']}\n",
                file=out,
            )
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
            for (line,) in cursor.fetchall():
                print(f"    {line}", file=out)


def run_benchmark(options: RunOptions, *, out: IO[str] | None = None) -> list[Result]:
    out = out or sys.stdout
    using = options.using
    connection = connections[using]
    if options.repeat < 1:
        raise BenchError("--repeat debe ser al menos 1.")
    check_migrations(using)
    actors = choose_actors()
    meta = {
        **actors.facts,
        "database": connection.settings_dict.get("NAME"),
        "vendor": connection.vendor,
        "repeat": options.repeat,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    print(
        f"Database «{meta['database']}»: {meta['tickets']:,} tickets. Technician "
        f"{actors.technician.person.full_name} serves {meta['technician_queues']} queue(s) with "
        f"{meta['technician_queue_active_tickets']:,} active tickets "
        f"({meta['technician_assigned_active']} assigned to them); requester "
        f"{actors.requester.person.full_name} has {meta['requester_tickets']:,} tickets. "
        f"New tickets: «{meta['create_service']}» (queue {meta['create_queue']}).",
        file=out,
        flush=True,
    )
    operations = build_operations(actors, options, out)
    results = []
    for operation in operations:
        result = measure(operation, options, using)
        results.append(result)
        print(
            f"  {result.label}: median {result.median_ms:.1f} ms, p95 {result.p95_ms:.1f} ms "
            f"(SQL {result.sql_median_ms:.1f} ms), {result.queries} queries {result.note}",
            file=out,
            flush=True,
        )
    baseline = None
    if options.baseline:
        with open(options.baseline, encoding="utf-8") as handle:
            baseline = json.load(handle)
    print("", file=out)
    print_table(results, out, baseline)
    if baseline:
        print_ratio(results, meta, baseline, out)
    if options.explain:
        if connection.vendor != "postgresql":
            print("(--explain needs PostgreSQL)", file=out)
        else:
            for operation in operations:
                explain(operation, using, out)
    if options.json_path:
        with open(options.json_path, "w", encoding="utf-8") as handle:
            json.dump({"meta": meta, "results": [asdict(r) for r in results]}, handle, indent=2)
        print(f"\nSaved to {options.json_path}", file=out)
    return results


__all__ = ["Result", "RunOptions", "run_benchmark"]
