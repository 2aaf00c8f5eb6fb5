"""Fill a PostgreSQL database with a national-scale help desk, fast.

Catalogue rows (queues, services, teams: tens of rows) go through the ORM. People, tickets,
conversation entries and ratings (millions of rows) are streamed with ``COPY … FROM STDIN``
through Django's own connection, inside one transaction: either the whole data set is there or
none of it. For big loads the secondary indexes, unique and foreign-key constraints of the
loaded tables are dropped first and re-created from their own definitions at the end, which
validates every row once (constraints are respected, just checked in bulk) and is several
times faster than maintaining them row by row. The run ends with ``VACUUM (ANALYZE)`` of the
loaded tables: fresh statistics for the planner, and the visibility map that an autovacuumed
production database has (index-only scans depend on it).

What is *not* generated: audit events, outbox/notification rows, attachments, workflow
processes, ticket links. The application works on top of the data (it appends to the audit
chain and to the outbox as usual); the per-year ticket counters are left at the highest number
generated, so ``ticket_create`` continues the sequence.

SLA deadlines are calendar-time approximations of the policies' business-time targets
(``target x 168 h / weekly business hours``); the application's own tickets use exact business
time. Nothing in the benchmark depends on the difference.
"""

from __future__ import annotations

import bisect
import itertools
import json
import random
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connections, transaction
from django.db.models import Model
from django.utils import timezone

from . import vocab

DEFAULT_TICKETS = 20_000
DEFAULT_ENTRIES_PER_TICKET = 3
DEFAULT_TECHNICIANS = 400
DEFAULT_QUEUES = 60

# Above this many rows the load drops and re-creates indexes and constraints (see module doc).
REBUILD_THRESHOLD = 100_000
# Rows per COPY write and between two progress lines.
WRITE_EVERY = 5_000
PROGRESS_EVERY = 200_000

STAFF_EMAIL_DOMAIN = "mesa.bench.example"
REQUESTER_EMAIL_DOMAIN = "ciudadano.bench.example"
# Staff accounts get this password (one hash shared by all: this is a benchmark database), so a
# person can log in to a bench database served by ``runserver`` and look around.
STAFF_PASSWORD = "siges-bench-2026"  # noqa: S105 - a published benchmark credential

LOADED_TABLES = (
    "accounts_person",
    "accounts_user",
    "accounts_rolegrant",
    "helpdesk_ticket",
    "helpdesk_ticketentry",
    "helpdesk_satisfactionrating",
)


class BenchError(Exception):
    """The generator refuses to run (wrong database, data already there…)."""


@dataclass
class GenerateOptions:
    tickets: int = DEFAULT_TICKETS
    entries: int | None = None  # default: DEFAULT_ENTRIES_PER_TICKET per ticket
    technicians: int = DEFAULT_TECHNICIANS
    queues: int = DEFAULT_QUEUES
    requesters: int | None = None  # default: 30 % of the tickets
    supervisors: int | None = None  # default: one national plus one per department
    years: float = 3.0
    seed: int = 2026
    force: bool = False
    rebuild_indexes: str = "auto"  # "auto", "yes" or "no"
    vacuum: bool = True

    def resolved(self) -> GenerateOptions:
        entries = self.entries if self.entries is not None else self.tickets * 3
        requesters = self.requesters if self.requesters is not None else self.tickets * 3 // 10
        if self.tickets < 1 or entries < self.tickets:
            raise BenchError("Se necesita al menos un caso y al menos una entrada por caso.")
        if self.technicians < 1 or self.queues < 1:
            raise BenchError("Se necesita al menos un técnico y una cola.")
        if self.rebuild_indexes not in ("auto", "yes", "no"):
            raise BenchError("--rebuild-indexes: auto, yes o no.")
        return GenerateOptions(
            tickets=self.tickets,
            entries=entries,
            technicians=self.technicians,
            queues=self.queues,
            requesters=max(1, requesters),
            supervisors=self.supervisors,
            years=self.years,
            seed=self.seed,
            force=self.force,
            rebuild_indexes=self.rebuild_indexes,
            vacuum=self.vacuum,
        )


@dataclass
class GenerateReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    rebuilt_indexes: bool = False


# --- COPY plumbing -----------------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def text(value: str) -> str:
    """A string as a COPY text-format field."""
    return value.translate(_ESCAPES)


def literal(value: Any) -> str:
    """Any Python value a model default can produce, as a COPY text-format field."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return f"{value.total_seconds()} seconds"
    if isinstance(value, dict | list):
        return text(json.dumps(value, ensure_ascii=False))
    return text(str(value))


_HOUR_PREFIXES: dict[int, str] = {}
_MINUTE_SECONDS = [f"{m:02d}:{s:02d}+00" for m in range(60) for s in range(60)]


def ts(epoch: float) -> str:
    """A UTC timestamp for COPY, to the second. Millions are formatted, so the hour part is
    cached and the rest looked up."""
    whole = int(epoch)
    hour, rest = divmod(whole, 3600)
    prefix = _HOUR_PREFIXES.get(hour)
    if prefix is None:
        prefix = _HOUR_PREFIXES[hour] = time.strftime("%Y-%m-%d %H:", time.gmtime(hour * 3600))
    return prefix + _MINUTE_SECONDS[rest]


class Progress:
    def __init__(self, out: IO[str], label: str, total: int) -> None:
        self.out, self.label, self.total = out, label, total
        self.started = time.perf_counter()
        self.done = 0
        self.next_report = PROGRESS_EVERY

    def add(self, rows: int) -> None:
        self.done += rows
        if self.done >= self.next_report:
            self.next_report += PROGRESS_EVERY
            self._line()

    def finish(self) -> None:
        self._line(final=True)

    def _line(self, final: bool = False) -> None:
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        rate = self.done / elapsed
        mark = "✓" if final else "…"
        print(
            f"  {mark} {self.label}: {self.done:,}/{self.total:,} rows, {elapsed:.1f} s, "
            f"{rate:,.0f} rows/s",
            file=self.out,
            flush=True,
        )


class CopyTable:
    """Streams rows into one model's table with COPY.

    ``columns`` are the columns the generator fills, in the order of each row's fields. Every
    other column of the model (generated columns aside) must be nullable or have a default; its
    value is appended to each line, so a field another developer adds later does not break the
    generator (and a required field without default makes it fail loudly, naming the column).
    """

    def __init__(self, cursor: Any, model: type[Model], columns: Sequence[str]) -> None:
        table = model._meta.db_table
        # Generated columns (the search documents) are the database's to fill.
        concrete = {f.column: f for f in model._meta.concrete_fields if not f.generated}
        unknown = [c for c in columns if c not in concrete]
        if unknown:
            raise BenchError(f"{table}: columnas desconocidas {unknown}")
        extra_columns, extra_values = [], []
        for column, model_field in concrete.items():
            if column in columns:
                continue
            if model_field.null:
                value = NULL
            elif model_field.has_default():
                value = literal(model_field.get_default())
            else:
                raise BenchError(f"{table}.{column}: el generador no sabe qué valor darle")
            extra_columns.append(column)
            extra_values.append(value)
        self.suffix = "".join("\t" + v for v in extra_values) + "\n"
        names = ", ".join(f'"{c}"' for c in [*columns, *extra_columns])
        self.sql = f'COPY "{table}" ({names}) FROM STDIN'
        self.cursor = cursor

    def load(self, lines: Iterable[str], progress: Progress | None = None) -> int:
        """``lines`` are the generator's fields joined by tabs, without the line end."""
        rows = 0
        suffix = self.suffix
        # Django's cursor wraps psycopg's; COPY is a psycopg 3 feature.
        raw = getattr(self.cursor, "cursor", self.cursor)
        with raw.copy(self.sql) as copy:
            buffer: list[str] = []
            for line in lines:
                buffer.append(line + suffix)
                if len(buffer) >= WRITE_EVERY:
                    copy.write("".join(buffer))
                    rows += len(buffer)
                    if progress is not None:
                        progress.add(len(buffer))
                    buffer.clear()
            if buffer:
                copy.write("".join(buffer))
                rows += len(buffer)
                if progress is not None:
                    progress.add(len(buffer))
        if progress is not None:
            progress.finish()
        return rows


def reserve_ids(cursor: Any, table: str, count: int) -> int:
    """First id of ``count`` consecutive ids for ``table`` (the table is locked by the caller);
    the identity sequence is moved past them."""
    # ``table`` is a model's db_table, never user input.
    cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608
    start = cursor.fetchone()[0] + 1
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    if sequence and count:
        cursor.execute("SELECT setval(%s, %s)", [sequence, start + count - 1])
    return start


# --- Dropping and re-creating indexes and constraints -------------------------------------------


@dataclass
class SavedDefinitions:
    indexes: list[tuple[str, str]] = field(default_factory=list)  # (name, CREATE INDEX …)
    unique: list[tuple[str, str, str]] = field(default_factory=list)  # (table, name, definition)
    foreign: list[tuple[str, str, str]] = field(default_factory=list)


def drop_secondary(cursor: Any, tables: Sequence[str]) -> SavedDefinitions:
    """Drop the indexes, unique and foreign-key constraints of ``tables`` (not primary keys,
    not constraints another table's foreign key depends on), returning their definitions."""
    saved = SavedDefinitions()
    # Rows written earlier in the transaction have deferred foreign-key checks pending, and a
    # table with pending trigger events cannot be altered: run those checks now.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table in tables:
        cursor.execute(
            """
            SELECT c.conname, c.contype, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.conrelid = %s::regclass AND c.contype IN ('f', 'u')
              -- not the clones PostgreSQL keeps for a key between partitioned tables
              AND c.conparentid = 0
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint d
                WHERE d.contype = 'f' AND d.confrelid = c.conrelid AND d.conindid = c.conindid
                  AND c.contype = 'u')
            ORDER BY c.conname
            """,
            [table],
        )
        for name, kind, definition in cursor.fetchall():
            target = saved.foreign if kind == "f" else saved.unique
            target.append((table, name, definition))
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY 1
            """,
            [table],
        )
        saved.indexes.extend(cursor.fetchall())
    for table, name, _definition in saved.foreign + saved.unique:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _definition in saved.indexes:
        cursor.execute(f"DROP INDEX {name}")
    return saved


def _add_constraint(table: str, name: str, definition: str) -> str:
    return f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'


def recreate_secondary(cursor: Any, saved: SavedDefinitions, out: IO[str]) -> None:
    steps: list[tuple[str, str]] = [
        *((f"unique {name}", _add_constraint(t, name, d)) for t, name, d in saved.unique),
        *((f"index {name}", definition) for name, definition in saved.indexes),
        *((f"foreign key {name}", _add_constraint(t, name, d)) for t, name, d in saved.foreign),
    ]
    for label, sql in steps:
        started = time.perf_counter()
        cursor.execute(sql)
        print(f"  ✓ {label} ({time.perf_counter() - started:.1f} s)", file=out, flush=True)


# --- Small helpers --------------------------------------------------------------------------------


def ascii_slug(value: str) -> str:
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def dui_bodies(start: int) -> Iterator[str]:
    """Distinct 8-digit DUI bodies: a fixed permutation of 0…10⁸-1 (7919 is prime to 10⁸)."""
    for index in itertools.count(start):
        yield f"{(index * 7919 + 1_234_567) % 100_000_000:08d}"


def dui_with_check(body: str) -> str:
    total = sum(int(d) * w for d, w in zip(body, (9, 8, 7, 6, 5, 4, 3, 2), strict=True))
    return f"{body}-{(10 - total % 10) % 10}"


def zipf_weights(count: int, exponent: float) -> list[float]:
    return [1.0 / (rank**exponent) for rank in range(1, count + 1)]


def cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def business_to_calendar_seconds(target: timedelta, weekly_business: timedelta) -> float:
    """A business-time target stretched to calendar time (nights and weekends included)."""
    return target.total_seconds() * (7 * 24 * 3600) / weekly_business.total_seconds()


# --- The plan: who serves what --------------------------------------------------------------------


@dataclass
class QueuePlan:
    id: int
    code: str
    department_id: int | None
    weight: float
    services: list[tuple[int, float, float]]  # (service id, first response s, resolution s)
    technicians: list[int] = field(default_factory=list)  # user ids
    area: int = 0  # index into the subject stems, for subjects that fit the queue


@dataclass
class Plan:
    queues: list[QueuePlan]
    queue_cum: list[float]
    technicians: list[int]
    supervisors: list[int]
    requesters: list[int]
    requester_pools: tuple[list[int], list[int]]  # (frequent, heavy)


def _plan_catalogue(options: GenerateOptions, rng: random.Random, out: IO[str]) -> list[QueuePlan]:
    """Queues (shipped national ones plus department queues up to ``options.queues``), one
    service per added queue, one team per queue."""
    from core.calendar import business_day_length
    from helpdesk.models import Queue, Service, SlaPolicy, Team
    from modules.schools.models import Department

    departments = list(Department.objects.order_by("code"))
    policies = {p.code: p for p in SlaPolicy.objects.prefetch_related("priority_targets")}
    if not policies:
        raise BenchError("No hay políticas de SLA: ejecute las migraciones (catálogo de fábrica).")
    existing = list(Queue.objects.filter(is_active=True).order_by("pk"))
    needed = max(0, options.queues - len(existing))
    areas = vocab.QUEUE_AREAS
    created = 0
    # Department by department, so that even a small run gets every kind of area (and a manual
    # queue, which the benchmark needs for claims).
    for department, area in itertools.product(departments, areas):
        if created >= needed:
            break
        stem, name, policy_code, mode = area
        code = f"{stem}-{ascii_slug(department.name)}"[:60]
        queue, _created = Queue.objects.get_or_create(
            code=code,
            defaults={
                "name": f"{name} · {department.name}"[:120],
                "department": department,
                "assignment_mode": mode,
            },
        )
        if queue.pk not in {q.pk for q in existing}:
            existing.append(queue)
            created += 1
        policy = policies.get(policy_code) or next(iter(policies.values()))
        Service.objects.get_or_create(
            code=f"consulta-{code}"[:60],
            defaults={
                "name": f"Consulta: {name.lower()} ({department.name})"[:150],
                "description": "Consulta general al área (servicio del banco de pruebas).",
                "queue": queue,
                "sla_policy": policy,
                "order": 900,
            },
        )
    queues = existing[: max(options.queues, 1)] if needed == 0 else existing
    services_by_queue: dict[int, list[Service]] = defaultdict(list)
    for service in Service.objects.filter(is_active=True, queue__in=queues).select_related(
        "sla_policy"
    ):
        services_by_queue[service.queue_id].append(service)
    weekly = business_day_length() * 5
    # Ticket volume per queue: Zipf-like, national (shipped) queues first, then departments in a
    # fixed shuffled order; a queue with no service gets no tickets.
    ranked = [q for q in queues if q.department_id is None] + rng.sample(
        [q for q in queues if q.department_id is not None],
        k=sum(1 for q in queues if q.department_id is not None),
    )
    weights = zipf_weights(len(ranked), 0.8)
    plans = []
    for rank, (queue, weight) in enumerate(zip(ranked, weights, strict=True)):
        services = services_by_queue.get(queue.pk, [])
        if not services:
            continue
        plans.append(
            QueuePlan(
                id=queue.pk,
                code=queue.code,
                department_id=queue.department_id,
                weight=weight,
                services=[
                    (
                        s.pk,
                        business_to_calendar_seconds(s.sla_policy.first_response_target, weekly),
                        business_to_calendar_seconds(s.sla_policy.resolution_target, weekly),
                    )
                    for s in services
                ],
                area=rank % len(vocab.SUBJECT_STEMS),
            )
        )
        Team.objects.get_or_create(name=f"Equipo {queue.name}"[:120])
    if not plans:
        raise BenchError("Ninguna cola activa tiene servicios activos.")
    print(
        f"  ✓ catalogue: {len(plans)} queues with services ({created} added)", file=out, flush=True
    )
    return plans


# --- People -----------------------------------------------------------------------------------


PERSON_COLUMNS = (
    "id", "dui", "first_names", "last_names", "birth_date", "sex", "email", "phone", "created_at",
)  # fmt: skip
GRANT_COLUMNS = (
    "id", "user_id", "role", "scope_kind", "department_id", "person_id", "valid_from", "created_at",
)  # fmt: skip


class PeopleLoader:
    """Persons, users and their role grants through COPY, with valid, unused DUIs."""

    def __init__(self, cursor: Any, rng: random.Random, now: datetime) -> None:
        from core.accounts.models import Person, RoleGrant, User

        self.cursor, self.rng, self.now = cursor, rng, now
        cursor.execute(
            "SELECT dui FROM accounts_person WHERE dui IS NOT NULL "
            "UNION SELECT dui FROM accounts_user"
        )
        self.used_duis = {row[0][:8] for row in cursor.fetchall()}
        self.bodies = dui_bodies(0)
        self.person_copy = CopyTable(
            cursor,
            Person,
            PERSON_COLUMNS,
        )
        self.user_copy = CopyTable(
            cursor,
            User,
            ["id", "password", "person_id", "dui", "is_active", "date_joined", "terms_accepted_at"],
        )
        self.grant_copy = CopyTable(
            cursor,
            RoleGrant,
            GRANT_COLUMNS,
        )

    def _dui(self) -> str:
        for body in self.bodies:
            if body not in self.used_duis:
                self.used_duis.add(body)
                return dui_with_check(body)
        raise AssertionError("unreachable")  # pragma: no cover - 10⁸ bodies

    def load(
        self,
        *,
        count: int,
        domain: str,
        password: str,
        grants: Callable[[int, int, int], list[tuple[str, str, int | None]]],
        label: str,
        out: IO[str],
    ) -> list[int]:
        """Create ``count`` people; ``grants(index, user_id, person_id)`` gives each one's
        (role, scope kind, department id) grants (scope "person" targets their own person)."""
        rng, now = self.rng, self.now
        person_start = reserve_ids(self.cursor, "accounts_person", count)
        user_start = reserve_ids(self.cursor, "accounts_user", count)
        people = []
        person_lines, user_lines = [], []
        password_field = text(password)
        for index in range(count):
            female = rng.random() < 0.52
            first = rng.choice(vocab.FEMALE_NAMES if female else vocab.MALE_NAMES)
            last = f"{rng.choice(vocab.LAST_NAMES)} {rng.choice(vocab.LAST_NAMES)}"
            dui = self._dui()
            person_id, user_id = person_start + index, user_start + index
            joined = now - timedelta(days=rng.uniform(1, 1500))
            birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 20_000))
            email = f"{ascii_slug(first)}.{ascii_slug(last)}.{person_id}@{domain}"
            phone = f"+5037{rng.randrange(0, 10_000_000):07d}" if rng.random() < 0.6 else ""
            person_lines.append(
                f"{person_id}\t{dui}\t{first}\t{last}\t{birth.isoformat()}\t"
                f"{'F' if female else 'M'}\t{email}\t{phone}\t{joined.isoformat()}"
            )
            user_lines.append(
                f"{user_id}\t{password_field}\t{person_id}\t{dui}\tt\t{joined.isoformat()}\t"
                f"{joined.isoformat()}"
            )
            people.append((user_id, person_id, joined))
        self.person_copy.load(person_lines, Progress(out, f"{label}: persons", count))
        self.user_copy.load(user_lines, Progress(out, f"{label}: users", count))
        grant_rows = []
        for index, (user_id, person_id, joined) in enumerate(people):
            for role, scope_kind, department_id in grants(index, user_id, person_id):
                grant_rows.append((user_id, role, scope_kind, department_id, person_id, joined))
        grant_start = reserve_ids(self.cursor, "accounts_rolegrant", len(grant_rows))
        valid_from = (now - timedelta(days=1600)).date().isoformat()
        lines = (
            f"{grant_start + n}\t{user_id}\t{role}\t{scope_kind}\t"
            f"{NULL if department_id is None else department_id}\t"
            f"{person_id if scope_kind == 'person' else NULL}\t{valid_from}\t{joined.isoformat()}"
            for n, (user_id, role, scope_kind, department_id, person_id, joined) in enumerate(
                grant_rows
            )
        )
        self.grant_copy.load(lines, Progress(out, f"{label}: role grants", len(grant_rows)))
        return [user_id for user_id, _p, _j in people]


def _plan_staff(
    options: GenerateOptions,
    queues: list[QueuePlan],
    loader: PeopleLoader,
    rng: random.Random,
    out: IO[str],
) -> tuple[list[int], list[int]]:
    """Technicians spread over the queues' teams in proportion to volume (at least one each),
    a quarter of them in a second team of the same department; their grants cover exactly the
    departments of their queues (a national grant for national queues). Supervisors: one
    national, then one per department with queues."""
    from core.accounts.choices import Role, ScopeKind
    from helpdesk.models import Queue, Team, TechnicianStatus

    count = options.technicians
    total_weight = sum(q.weight for q in queues)
    # Primary queue per technician: one each first (while technicians last), then by weight.
    primary: list[QueuePlan] = list(queues[:count])
    cum = cumulative([q.weight for q in queues])
    while len(primary) < count:
        primary.append(queues[bisect.bisect_left(cum, rng.random() * total_weight)])
    rng.shuffle(primary)
    memberships: list[list[QueuePlan]] = []
    by_department: dict[int | None, list[QueuePlan]] = defaultdict(list)
    for queue in queues:
        by_department[queue.department_id].append(queue)
    for queue in primary:
        served = [queue]
        siblings = [q for q in by_department[queue.department_id] if q.id != queue.id]
        if siblings and rng.random() < 0.25:
            served.append(rng.choice(siblings))
        memberships.append(served)

    def technician_grants(index: int, user_id: int, person_id: int) -> list:
        departments = {q.department_id for q in memberships[index]}
        if None in departments:
            return [(Role.TECHNICIAN.value, ScopeKind.NATIONAL.value, None)]
        return [(Role.TECHNICIAN.value, ScopeKind.DEPARTMENT.value, d) for d in sorted(departments)]

    password = make_password(STAFF_PASSWORD)
    technicians = loader.load(
        count=count,
        domain=STAFF_EMAIL_DOMAIN,
        password=password,
        grants=technician_grants,
        label="technicians",
        out=out,
    )
    for user_id, served in zip(technicians, memberships, strict=True):
        for queue in served:
            queue.technicians.append(user_id)

    departments = sorted({q.department_id for q in queues if q.department_id is not None})
    supervisor_count = (
        options.supervisors if options.supervisors is not None else 1 + len(departments)
    )
    supervisor_scopes: list[int | None] = [None, *departments][: max(supervisor_count, 0)]
    while len(supervisor_scopes) < supervisor_count:
        supervisor_scopes.append(rng.choice([None, *departments]))

    def supervisor_grants(index: int, user_id: int, person_id: int) -> list:
        department = supervisor_scopes[index]
        if department is None:
            return [(Role.SUPERVISOR.value, ScopeKind.NATIONAL.value, None)]
        return [(Role.SUPERVISOR.value, ScopeKind.DEPARTMENT.value, department)]

    supervisors = loader.load(
        count=supervisor_count,
        domain=STAFF_EMAIL_DOMAIN,
        password=password,
        grants=supervisor_grants,
        label="supervisors",
        out=out,
    )

    names = dict(Queue.objects.filter(pk__in=[q.id for q in queues]).values_list("pk", "name"))
    teams = {t.name: t for t in Team.objects.all()}
    member_rows, queue_rows = [], []
    for queue in queues:
        team = teams[f"Equipo {names[queue.id]}"[:120]]
        queue_rows.append(Team.queues.through(team_id=team.pk, queue_id=queue.id))
        member_rows.extend(
            Team.members.through(team_id=team.pk, user_id=user_id) for user_id in queue.technicians
        )
    Team.queues.through.objects.bulk_create(queue_rows, ignore_conflicts=True, batch_size=5000)
    Team.members.through.objects.bulk_create(member_rows, ignore_conflicts=True, batch_size=5000)
    away = rng.sample(technicians, k=len(technicians) // 20)
    TechnicianStatus.objects.bulk_create(
        [TechnicianStatus(user_id=user_id, available=False) for user_id in away],
        ignore_conflicts=True,
    )
    print(
        f"  ✓ teams: {len(queue_rows)} teams, {len(member_rows)} memberships, "
        f"{len(away)} technicians unavailable",
        file=out,
        flush=True,
    )
    return technicians, supervisors


# --- Tickets --------------------------------------------------------------------------------------

# Status mix for tickets that still need someone (new ones are never assigned).
ACTIVE_MIX = (
    ("new", 0.25),
    ("open", 0.20),
    ("in_progress", 0.35),
    ("waiting_on_requester", 0.15),
    ("reopened", 0.05),
)
PRIORITY_MIX = (("low", 0.15), ("normal", 0.65), ("high", 0.15), ("urgent", 0.05))
CHANNEL_MIX = (("web", 0.60), ("api", 0.25), ("email", 0.15))
RATING_MIX = ((5, 0.45), (4, 0.30), (3, 0.12), (2, 0.06), (1, 0.07))
DAY = 86_400.0


def _picker(mix: Sequence[tuple[Any, float]], rng: random.Random) -> Callable[[], Any]:
    values = [v for v, _w in mix]
    cum = cumulative([w for _v, w in mix])
    total = cum[-1]

    def pick() -> Any:
        return values[bisect.bisect_left(cum, rng.random() * total)]

    return pick


def active_probability(age_days: float) -> float:
    """Share of tickets of a given age still open: a ~5 % backlog that is mostly recent."""
    if age_days < 30:
        return 0.75
    if age_days < 120:
        return 0.20
    if age_days < 365:
        return 0.03
    return 0.005


def creation_moments(count: int, years: float, now: float, rng: random.Random) -> list[float]:
    """Sorted creation times: weekdays busier than weekends, office hours busier than nights,
    volume growing over the period (the system gains users)."""
    days = max(1, int(years * 365))
    start = now - days * DAY
    weights = []
    for day in range(days):
        weekday = time.gmtime(start + day * DAY).tm_wday
        weights.append((1.0 if weekday < 5 else 0.15) * (0.6 + 0.8 * day / days))
    picked = rng.choices(range(days), cum_weights=cumulative(weights), k=count)
    moments = []
    for day in picked:
        # Office hours in El Salvador (UTC-6) are 13:30-22:30 UTC.
        if rng.random() < 0.8:
            second = rng.uniform(13.5 * 3600, 22.5 * 3600)
        else:
            second = rng.uniform(0, DAY)
        moments.append(min(start + day * DAY + second, now - 60))
    moments.sort()
    return moments


@dataclass
class TicketFacts:
    """What the entry and rating passes need to know about each generated ticket."""

    first_id: int
    created: list[float]
    responded: list[float | None]
    ended: list[float | None]  # resolution (or cancellation) moment
    requester: list[int]
    assignee: list[int | None]
    queue_index: list[int]
    channel: list[str]
    status: list[str]
    extra_weight: list[float]


def _year_starts(tz: ZoneInfo, first_year: int, last_year: int) -> list[tuple[float, int]]:
    return [
        (datetime(year, 1, 1, tzinfo=tz).timestamp(), year)
        for year in range(first_year, last_year + 2)
    ]


def _number_starts(cursor: Any, years: Iterable[int], prefix: str) -> dict[int, int]:
    """Next counter value per year: after the counter row and after any existing number."""
    starts = {}
    for year in years:
        cursor.execute("SELECT last_value FROM helpdesk_ticketcounter WHERE year = %s", [year])
        row = cursor.fetchone()
        counter = row[0] if row else 0
        cursor.execute(
            "SELECT MAX(number) FROM helpdesk_ticket WHERE number LIKE %s", [f"{prefix}-{year}-%"]
        )
        highest = cursor.fetchone()[0]
        highest_value = int(highest.rsplit("-", 1)[1]) if highest else 0
        starts[year] = max(counter, highest_value) + 1
    return starts


def load_tickets(
    cursor: Any,
    options: GenerateOptions,
    plan: Plan,
    rng: random.Random,
    now_dt: datetime,
    out: IO[str],
) -> TicketFacts:
    from helpdesk.conf import helpdesk_settings
    from helpdesk.models import Ticket, TicketCounter

    count = options.tickets
    now = now_dt.timestamp()
    tz = ZoneInfo(settings.TIME_ZONE)
    moments = creation_moments(count, options.years, now, rng)
    first_year = datetime.fromtimestamp(moments[0], tz).year
    last_year = datetime.fromtimestamp(moments[-1], tz).year
    year_starts = _year_starts(tz, first_year, last_year)
    year_bounds = [start for start, _year in year_starts]
    prefix = helpdesk_settings.TICKET_PREFIX
    digits = helpdesk_settings.TICKET_NUMBER_DIGITS
    next_number = _number_starts(cursor, range(first_year, last_year + 1), prefix)

    first_id = reserve_ids(cursor, "helpdesk_ticket", count)
    facts = TicketFacts(first_id, moments, [], [], [], [], [], [], [], [])
    pick_active = _picker(ACTIVE_MIX, rng)
    pick_priority = _picker(PRIORITY_MIX, rng)
    pick_channel = _picker(CHANNEL_MIX, rng)
    queue_cum, queue_total = plan.queue_cum, plan.queue_cum[-1]
    queues = plan.queues
    requesters = plan.requesters
    frequent, heavy = plan.requester_pools
    subjects = [
        [text(f"{stem}{tail}") for tail in vocab.SUBJECT_TAILS] for stem in vocab.SUBJECT_STEMS
    ]
    forms = ["{}"] * 4 + [
        text(json.dumps({"centro_educativo": school}, ensure_ascii=False))
        for school in vocab.FORM_SCHOOLS
    ]
    random_ = rng.random
    uniform = rng.uniform

    def choice(items: Sequence[Any]) -> Any:
        # random.choice's exact integer sampling is several times slower than this.
        return items[int(random_() * len(items))]

    def lines() -> Iterator[str]:
        for index, created in enumerate(moments):
            ticket_id = first_id + index
            year_index = bisect.bisect_right(year_bounds, created) - 1
            year = year_starts[year_index][1]
            number = f"{prefix}-{year}-{next_number[year]:0{digits}d}"
            next_number[year] += 1

            queue_index = bisect.bisect_left(queue_cum, random_() * queue_total)
            queue = queues[queue_index]
            service_id, fr_span, res_span = choice(queue.services)
            roll = random_()
            if roll < 0.02 and heavy:
                requester = choice(heavy)
            elif roll < 0.12 and frequent:
                requester = choice(frequent)
            else:
                requester = choice(requesters)
            age_days = (now - created) / DAY
            if random_() < active_probability(age_days):
                status = pick_active()
            elif age_days < 10 and random_() < 0.5:
                status = "resolved"
            else:
                roll = random_()
                if roll < 0.03:
                    status = "cancelled"
                elif roll < 0.036 and index > 0:
                    status = "merged"
                else:
                    status = "closed"
            priority = pick_priority()
            channel = pick_channel()
            if priority == "urgent":
                fr_span, res_span = fr_span / 2, res_span / 2
            fr_due, res_due = created + fr_span, created + res_span
            fr_warn, res_warn = created + fr_span * 0.8, created + res_span * 0.8

            techs = queue.technicians
            responded: float | None = None
            if status != "new" and not (status in ("cancelled", "merged") and random_() < 0.5):
                responded = min(created + fr_span * uniform(0.05, 1.4), now - 30)
            resolved_at = closed_at = waiting_since = escalated_at = None
            ended: float | None = None
            if status in ("resolved", "closed"):
                lower = responded or created
                resolved_at = min(lower + res_span * uniform(0.05, 1.5), now - 20)
                if status == "resolved":
                    resolved_at = max(lower, now - uniform(0, 6) * DAY)
                else:
                    closed_at = min(resolved_at + uniform(0.02, 7) * DAY, now - 10)
                ended = resolved_at
            elif status == "cancelled":
                ended = min(created + uniform(0.01, 5) * DAY, now - 10)
                closed_at = ended
            elif status == "merged":
                ended = min(created + uniform(0.01, 2) * DAY, now - 10)
            elif status == "waiting_on_requester":
                waiting_since = min((responded or created) + uniform(0.01, 3) * DAY, now - 5)
            active = status in ("new", "open", "in_progress", "waiting_on_requester", "reopened")

            if status == "new" or not techs:
                assignee = None
            elif active:
                assignee = choice(techs) if random_() < 0.9 else None
            elif status in ("resolved", "closed"):
                assignee = choice(techs)
            else:
                assignee = choice(techs) if random_() < 0.5 else None

            fr_breached = (responded is not None and responded > fr_due) or (
                responded is None and active and now > fr_due
            )
            fr_warned = fr_breached or (responded is None and active and now > fr_warn)
            if active:
                res_breached = now > res_due
                res_warned = now > res_warn
            else:
                res_breached = resolved_at is not None and resolved_at > res_due
                res_warned = res_breached
            if active and res_breached and random_() < 0.3:
                escalated_at = res_due + 600
            merged_into = NULL
            if status == "merged":
                merged_into = str(ticket_id - 1 - int(random_() * min(index, 5000)))
            updated = max(
                x for x in (created, responded, resolved_at, closed_at, waiting_since) if x
            )
            stem = subjects[(queue.area + (index % 3)) % len(subjects)]
            facts.responded.append(responded)
            facts.ended.append(ended)
            facts.requester.append(requester)
            facts.assignee.append(assignee)
            facts.queue_index.append(queue_index)
            facts.channel.append(channel)
            facts.status.append(status)
            facts.extra_weight.append(0.0 if responded is None else 1.0)
            yield "\t".join(
                (
                    str(ticket_id),
                    number,
                    choice(stem),
                    str(requester),
                    str(service_id),
                    str(queue.id),
                    NULL if assignee is None else str(assignee),
                    priority,
                    status,
                    channel,
                    choice(forms),
                    ts(fr_due),
                    ts(fr_warn),
                    ts(res_due),
                    ts(res_warn),
                    NULL if responded is None else ts(responded),
                    NULL if resolved_at is None else ts(resolved_at),
                    NULL if closed_at is None else ts(closed_at),
                    NULL if waiting_since is None else ts(waiting_since),
                    "t" if fr_warned else "f",
                    "t" if fr_breached else "f",
                    "t" if res_warned else "f",
                    "t" if res_breached else "f",
                    NULL if escalated_at is None else ts(escalated_at),
                    merged_into,
                    ts(created),
                    ts(updated),
                )
            )

    copy = CopyTable(
        cursor,
        Ticket,
        [
            "id", "number", "subject", "requester_id", "service_id", "queue_id", "assignee_id",
            "priority", "status", "channel", "form_data", "first_response_due_at",
            "first_response_warn_at", "resolution_due_at", "resolution_warn_at",
            "first_responded_at", "resolved_at", "closed_at", "waiting_since",
            "first_response_warned", "first_response_breached", "resolution_warned",
            "resolution_breached", "escalated_at", "merged_into_id", "created_at", "updated_at",
        ],
    )  # fmt: skip
    copy.load(lines(), Progress(out, "tickets", count))
    for year, following in next_number.items():
        TicketCounter.objects.update_or_create(year=year, defaults={"last_value": following - 1})
    return facts


def load_entries(
    cursor: Any,
    options: GenerateOptions,
    plan: Plan,
    facts: TicketFacts,
    rng: random.Random,
    now: float,
    out: IO[str],
) -> int:
    """The conversation: each ticket's description, then replies and notes spread between the
    first response and the end of the ticket. Unanswered tickets keep only their description;
    the rest of the entries are spread over the answered ones at random (exact total)."""
    from helpdesk.models import TicketEntry

    total = options.entries
    count = len(facts.created)
    extra = [0] * count
    remaining = total - count
    if remaining > 0:
        weights = cumulative(facts.extra_weight)
        if weights[-1] > 0:
            for index in rng.choices(range(count), cum_weights=weights, k=remaining):
                extra[index] += 1
        else:
            extra[-1] += remaining
    first_id = reserve_ids(cursor, "helpdesk_ticketentry", total)
    requester_bodies = [
        text(" ".join(rng.sample(vocab.REQUESTER_SENTENCES, 3))) for _ in range(500)
    ]
    staff_bodies = [text(" ".join(rng.sample(vocab.STAFF_SENTENCES, 2))) for _ in range(300)]
    notes = [text(" ".join(rng.sample(vocab.NOTE_SENTENCES, 2))) for _ in range(200)]
    random_, uniform = rng.random, rng.uniform
    queues = plan.queues

    def choice(items: Sequence[Any]) -> Any:
        return items[int(random_() * len(items))]

    def lines() -> Iterator[str]:
        entry_id = first_id
        for index in range(count):
            created = facts.created[index]
            requester = facts.requester[index]
            channel = facts.channel[index]
            message_id = f"<bench-{entry_id}@correo.bench.example>" if channel == "email" else ""
            yield (
                f"{entry_id}\t{facts.first_id + index}\treply\t{requester}\t"
                f"{choice(requester_bodies)}\t{channel}\t{message_id}\t{ts(created)}"
            )
            entry_id += 1
            n = extra[index]
            if not n:
                continue
            start = facts.responded[index] or created
            end = facts.ended[index] or now - 1
            end = max(end, start + 1)
            techs = queues[facts.queue_index[index]].technicians
            staff = facts.assignee[index] or (choice(techs) if techs else None)
            moments = sorted(uniform(start, end) for _ in range(n - 1))
            moments.insert(0, start)
            for position, moment in enumerate(moments):
                roll = random_()
                if position == 0 or (0.4 <= roll < 0.8):
                    kind, author, body, entry_channel = "reply", staff, choice(staff_bodies), "web"
                elif roll < 0.4:
                    kind, author, entry_channel = "reply", requester, channel
                    body = choice(requester_bodies)
                else:
                    kind, author, body, entry_channel = "note", staff, choice(notes), "web"
                message_id = (
                    f"<bench-{entry_id}@correo.bench.example>"
                    if entry_channel == "email" and author == requester
                    else ""
                )
                yield (
                    f"{entry_id}\t{facts.first_id + index}\t{kind}\t"
                    f"{NULL if author is None else author}\t{body}\t{entry_channel}\t"
                    f"{message_id}\t{ts(moment)}"
                )
                entry_id += 1

    copy = CopyTable(
        cursor,
        TicketEntry,
        ["id", "ticket_id", "kind", "author_id", "body", "channel", "message_id", "created_at"],
    )
    return copy.load(lines(), Progress(out, "conversation entries", total))


def load_ratings(
    cursor: Any, facts: TicketFacts, rng: random.Random, now: float, out: IO[str]
) -> int:
    """A satisfaction rating on a fifth of the resolved and closed tickets."""
    from helpdesk.models import SatisfactionRating

    pick = _picker(RATING_MIX, rng)
    rated = [
        index
        for index, status in enumerate(facts.status)
        if status in ("resolved", "closed") and rng.random() < 0.2
    ]
    first_id = reserve_ids(cursor, "helpdesk_satisfactionrating", len(rated))
    comments = ["", "", "", "Muy buena atención.", "Tardaron demasiado.", "Gracias, todo bien."]

    def lines() -> Iterator[str]:
        for n, index in enumerate(rated):
            moment = min((facts.ended[index] or now) + rng.uniform(0.01, 3) * DAY, now - 1)
            yield (
                f"{first_id + n}\t{facts.first_id + index}\t{pick()}\t{rng.choice(comments)}\t"
                f"{facts.requester[index]}\t{ts(moment)}"
            )

    copy = CopyTable(
        cursor,
        SatisfactionRating,
        ["id", "ticket_id", "rating", "comment", "rated_by_id", "created_at"],
    )
    return copy.load(lines(), Progress(out, "satisfaction ratings", len(rated)))


# --- The whole run ------------------------------------------------------------------------------


def check_migrations(using: str) -> None:
    """The models are the generator's and the runner's source of truth: refuse a database
    that lags behind them."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in pending[:5])
        raise BenchError(
            f"La base de datos tiene migraciones pendientes ({names}…): ejecute "
            "«DATABASE_URL=… python manage.py migrate» primero."
        )


def check_database(using: str, force: bool) -> None:
    from helpdesk.models import Ticket

    connection = connections[using]
    if connection.vendor != "postgresql":
        raise BenchError(
            f"El generador solo funciona en PostgreSQL (la base «{using}» es {connection.vendor})."
            " Indique --database-url postgres://…"
        )
    check_migrations(using)
    if not force and Ticket.objects.using(using).exists():
        raise BenchError(
            "La base de datos ya tiene casos; use una base vacía o --force para añadir más."
        )


def generate(
    options: GenerateOptions, *, out: IO[str] | None = None, using: str = "default"
) -> GenerateReport:
    """Generate the data set described by ``options`` (see the module docstring)."""
    out = out or sys.stdout
    options = options.resolved()
    check_database(using, options.force)
    rng = random.Random(options.seed)
    connection = connections[using]
    report = GenerateReport()
    started = time.perf_counter()
    now_dt = timezone.now().replace(microsecond=0)
    big = options.tickets + options.entries + options.requesters >= REBUILD_THRESHOLD
    rebuild = options.rebuild_indexes == "yes" or (options.rebuild_indexes == "auto" and big)
    report.rebuilt_indexes = rebuild
    print(
        f"Generating {options.tickets:,} tickets, {options.entries:,} entries, "
        f"{options.requesters:,} requesters, {options.technicians} technicians, "
        f"{options.queues} queues on «{connection.settings_dict.get('NAME')}»"
        f"{' (dropping and re-creating indexes)' if rebuild else ''}",
        file=out,
        flush=True,
    )
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        tables = ", ".join(f'"{t}"' for t in (*LOADED_TABLES, "helpdesk_ticketcounter"))
        cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
        queues = _plan_catalogue(options, rng, out)
        loader = PeopleLoader(cursor, rng, now_dt)
        technicians, supervisors = _plan_staff(options, queues, loader, rng, out)
        saved = drop_secondary(cursor, LOADED_TABLES) if rebuild else None
        requesters = loader.load(
            count=options.requesters,
            domain=REQUESTER_EMAIL_DOMAIN,
            password=make_password(None),
            grants=lambda _i, _u, _p: [("citizen", "person", None)],
            label="requesters",
            out=out,
        )
        pool = requesters[:]
        rng.shuffle(pool)
        heavy = pool[: min(20, max(1, len(pool) // 1000))]
        frequent = pool[len(heavy) : len(heavy) + max(1, len(pool) // 100)]
        plan = Plan(
            queues=queues,
            queue_cum=cumulative([q.weight for q in queues]),
            technicians=technicians,
            supervisors=supervisors,
            requesters=requesters,
            requester_pools=(frequent, heavy),
        )
        facts = load_tickets(cursor, options, plan, rng, now_dt, out)
        report.counts["tickets"] = len(facts.created)
        report.counts["entries"] = load_entries(
            cursor, options, plan, facts, rng, now_dt.timestamp(), out
        )
        report.counts["ratings"] = load_ratings(cursor, facts, rng, now_dt.timestamp(), out)
        report.counts["requesters"] = len(requesters)
        report.counts["technicians"] = len(technicians)
        report.counts["supervisors"] = len(supervisors)
        report.counts["queues"] = len(queues)
        if saved is not None:
            print("Re-creating indexes and constraints…", file=out, flush=True)
            recreate_secondary(cursor, saved, out)
        print("Committing…", file=out, flush=True)
    if options.vacuum:
        with connection.cursor() as cursor:
            for table in (*LOADED_TABLES, "helpdesk_queue", "helpdesk_team_members"):
                step = time.perf_counter()
                cursor.execute(f'VACUUM (ANALYZE) "{table}"')
                print(
                    f"  ✓ VACUUM (ANALYZE) {table} ({time.perf_counter() - step:.1f} s)",
                    file=out,
                    flush=True,
                )
    report.seconds = time.perf_counter() - started
    summary = ", ".join(f"{name} {value:,}" for name, value in report.counts.items())
    print(f"Done in {report.seconds:.0f} s: {summary}.", file=out, flush=True)
    return report


__all__ = ["BenchError", "GenerateOptions", "GenerateReport", "generate"]
