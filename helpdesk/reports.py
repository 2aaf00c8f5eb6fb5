"""The supervisor report: backlog per queue, tickets created and resolved per day, SLA
compliance, median first response in business time and satisfaction, for the queues a
supervisor's or administrator's grants cover; the team's workload (open cases per technician);
and the charts of both pages (``core.charts``).

Everything is counted by the database with aggregates, in a fixed number of queries whatever
the number of tickets (``build_report``: 6, plus the actor's grants once per request). The one
figure computed in Python is the median first-response time, because business time depends on
the holiday calendar (``core.calendar``): one query reads the (created, first response) pairs of
the period and each pair is measured against the period's working windows, precomputed once.

Definitions (periods are local days in ``TIME_ZONE``; "the period" is the last ``days`` days,
today included):

- **backlog**: active tickets (new, open, in progress, waiting, reopened) per queue now, with
  the unassigned ones and those whose SLA is breached;
- **first-response compliance**: of the tickets created in the period whose first-response
  clock has ended (answered, or past the deadline), the share answered in time;
- **resolution compliance**: of the tickets created in the period that were resolved or are past
  their resolution deadline (a ticket waiting on its requester is not, while its clock is
  paused), the share resolved in time. Cancelled and merged tickets count only if they breached;
- **median first response**: over the tickets first answered in the period;
- **satisfaction**: ratings of the tickets resolved in the period (average of 1 to 5, and how
  many), dated like the resolved-per-day counts.
"""

import bisect
import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.accounts.choices import Role
from core.accounts.models import Person, User
from core.accounts.scopes import scope_q
from core.calendar import current_calendar
from core.charts import Chart, Series, bar_chart, line_chart

from .choices import ACTIVE_STATUSES, TicketStatus
from .conf import helpdesk_settings
from .models import Queue, SatisfactionRating, Ticket
from .permissions import QUEUE_SCOPE

REPORT_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR)
DEFAULT_DAYS = 30
ALLOWED_DAYS = (7, 30, 90)


# --- Scope --------------------------------------------------------------------------------------


def report_queue_q(actor: Any) -> Q | None:
    """The queues ``actor`` may report on (supervisor or administrator grants), or ``None``."""
    if not getattr(actor, "is_authenticated", False):
        return None
    return scope_q(actor, REPORT_ROLES, QUEUE_SCOPE)


def can_view_reports(actor: Any) -> bool:
    return report_queue_q(actor) is not None


# --- The report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueBacklog:
    queue_id: int
    name: str
    active: int
    unassigned: int
    breached: int


@dataclass(frozen=True)
class DayCount:
    day: date
    created: int
    resolved: int


@dataclass
class SupervisorReport:
    since: date
    until: date
    days: int
    backlog: list[QueueBacklog] = field(default_factory=list)
    daily: list[DayCount] = field(default_factory=list)
    first_response_total: int = 0
    first_response_met: int = 0
    resolution_total: int = 0
    resolution_met: int = 0
    median_first_response: timedelta | None = None
    first_responses: int = 0
    satisfaction_average: float | None = None
    satisfaction_count: int = 0

    @property
    def first_response_compliance(self) -> float | None:
        return _percent(self.first_response_met, self.first_response_total)

    @property
    def resolution_compliance(self) -> float | None:
        return _percent(self.resolution_met, self.resolution_total)

    @property
    def backlog_total(self) -> int:
        return sum(row.active for row in self.backlog)

    @property
    def created_total(self) -> int:
        return sum(row.created for row in self.daily)

    @property
    def resolved_total(self) -> int:
        return sum(row.resolved for row in self.daily)

    @property
    def median_first_response_hours(self) -> float | None:
        if self.median_first_response is None:
            return None
        return round(self.median_first_response.total_seconds() / 3600, 2)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _period(days: int, now: datetime) -> tuple[date, date, datetime]:
    """(first day, last day, first moment) of the last ``days`` local days."""
    until = timezone.localtime(now, _local_tz()).date()
    since = until - timedelta(days=days - 1)
    start = datetime.combine(since, datetime.min.time(), tzinfo=_local_tz())
    return since, until, start


def _backlog(queues: QuerySet[Queue]) -> list[QueueBacklog]:
    active = Q(tickets__status__in=ACTIVE_STATUSES)
    breached = Q(tickets__first_response_breached=True) | Q(tickets__resolution_breached=True)
    rows = (
        queues.annotate(
            active_count=Count("tickets", filter=active),
            unassigned_count=Count("tickets", filter=active & Q(tickets__assignee__isnull=True)),
            breached_count=Count("tickets", filter=active & breached),
        )
        .filter(Q(is_active=True) | Q(active_count__gt=0))
        .order_by("name", "pk")
        .values_list("pk", "name", "active_count", "unassigned_count", "breached_count")
    )
    return [QueueBacklog(*row) for row in rows]


def _per_day(tickets: QuerySet[Ticket], field_name: str, start: datetime) -> dict[date, int]:
    rows = (
        tickets.filter(**{f"{field_name}__gte": start})
        .annotate(day=TruncDate(field_name, tzinfo=_local_tz()))
        .order_by()
        .values("day")
        .annotate(count=Count("pk"))
        .values_list("day", "count")
    )
    return dict(rows)


def _sla_counts(tickets: QuerySet[Ticket], start: datetime, now: datetime) -> dict[str, int]:
    not_withdrawn = ~Q(status__in=(TicketStatus.CANCELLED, TicketStatus.MERGED))
    answered = Q(first_responded_at__isnull=False)
    fr_overdue = Q(status__in=ACTIVE_STATUSES, first_responded_at__isnull=True) & Q(
        first_response_due_at__lt=now
    )
    fr_population = Q(first_response_breached=True) | (not_withdrawn & (answered | fr_overdue))
    resolved = Q(resolved_at__isnull=False)
    running = Q(status__in=ACTIVE_STATUSES)
    if helpdesk_settings.SLA_PAUSE_WHILE_WAITING:
        running &= ~Q(status=TicketStatus.WAITING_ON_REQUESTER)
    res_overdue = running & Q(resolution_due_at__lt=now)
    res_population = Q(resolution_breached=True) | (not_withdrawn & (resolved | res_overdue))
    return tickets.filter(created_at__gte=start).aggregate(
        first_response_total=Count("pk", filter=fr_population),
        first_response_met=Count("pk", filter=answered & Q(first_response_breached=False)),
        resolution_total=Count("pk", filter=res_population),
        resolution_met=Count("pk", filter=resolved & Q(resolution_breached=False)),
    )


class _WorkingTime:
    """Business time between two moments, by bisection over precomputed working windows (the
    same windows as ``core.calendar.business_time_between``, computed once per report)."""

    def __init__(self, start: datetime, end: datetime) -> None:
        self.opens: list[datetime] = []
        self.lengths: list[timedelta] = []
        self.before: list[timedelta] = []  # working time before each window
        total = timedelta(0)
        for opens, closes in current_calendar().windows_from(start.astimezone(UTC)):
            if opens >= end:
                break
            self.opens.append(opens)
            self.lengths.append(closes - opens)
            self.before.append(total)
            total += closes - opens

    def _until(self, moment: datetime) -> timedelta:
        index = bisect.bisect_right(self.opens, moment) - 1
        if index < 0:
            return timedelta(0)
        inside = min(max(moment - self.opens[index], timedelta(0)), self.lengths[index])
        return self.before[index] + inside

    def between(self, start: datetime, end: datetime) -> timedelta:
        return self._until(end.astimezone(UTC)) - self._until(start.astimezone(UTC))


def _median_first_response(
    tickets: QuerySet[Ticket], start: datetime
) -> tuple[timedelta | None, int]:
    pairs = list(
        tickets.filter(first_responded_at__gte=start)
        .order_by()
        .values_list("created_at", "first_responded_at")
    )
    if not pairs:
        return None, 0
    clock = _WorkingTime(min(c for c, _ in pairs), max(r for _, r in pairs))
    durations = [clock.between(created, responded) for created, responded in pairs]
    median_seconds = statistics.median(d.total_seconds() for d in durations)
    return timedelta(seconds=round(median_seconds)), len(pairs)


def build_report(
    *, actor: Any, days: int = DEFAULT_DAYS, now: datetime | None = None
) -> SupervisorReport:
    """The report over the queues ``actor`` may report on (``can_view_reports``); empty when
    there are none. ``days`` is one of ``ALLOWED_DAYS``."""
    if days not in ALLOWED_DAYS:
        raise ValueError(f"days must be one of {ALLOWED_DAYS}")
    now = now or timezone.now()
    since, until, start = _period(days, now)
    report = SupervisorReport(since=since, until=until, days=days)
    condition = report_queue_q(actor)
    if condition is None:
        return report
    queues = Queue.objects.filter(condition)
    tickets = Ticket.objects.filter(queue__in=queues.values("pk"))

    report.backlog = _backlog(queues)
    created = _per_day(tickets, "created_at", start)
    resolved = _per_day(tickets, "resolved_at", start)
    report.daily = [
        DayCount(day=day, created=created.get(day, 0), resolved=resolved.get(day, 0))
        for day in (since + timedelta(days=offset) for offset in range(days))
    ]
    for name, value in _sla_counts(tickets, start, now).items():
        setattr(report, name, value)
    report.median_first_response, report.first_responses = _median_first_response(tickets, start)
    ratings = SatisfactionRating.objects.filter(
        ticket__queue__in=queues.values("pk"), ticket__resolved_at__gte=start
    ).aggregate(average=Avg("rating"), count=Count("pk"))
    if ratings["average"] is not None:
        report.satisfaction_average = round(float(ratings["average"]), 2)
    report.satisfaction_count = ratings["count"]
    return report


# --- Export ---------------------------------------------------------------------------------------

CSV_HEADER = ("indicador", "dimension", "valor")


def report_rows(report: SupervisorReport) -> list[tuple[str, Any, Any]]:
    """The report as (indicator, dimension, value) rows for the CSV download."""
    rows: list[tuple[str, Any, Any]] = [
        ("periodo_desde", "", report.since),
        ("periodo_hasta", "", report.until),
    ]
    for queue in report.backlog:
        rows += [
            ("pendientes", queue.name, queue.active),
            ("pendientes_sin_asignar", queue.name, queue.unassigned),
            ("pendientes_con_sla_vencido", queue.name, queue.breached),
        ]
    for day in report.daily:
        rows += [("creados", day.day, day.created), ("resueltos", day.day, day.resolved)]
    rows += [
        ("cumplimiento_primera_respuesta_pct", "", report.first_response_compliance),
        ("primera_respuesta_evaluados", "", report.first_response_total),
        ("cumplimiento_resolucion_pct", "", report.resolution_compliance),
        ("resolucion_evaluados", "", report.resolution_total),
        ("mediana_primera_respuesta_horas_habiles", "", report.median_first_response_hours),
        ("primeras_respuestas", "", report.first_responses),
        ("satisfaccion_promedio", "", report.satisfaction_average),
        ("satisfaccion_calificaciones", "", report.satisfaction_count),
    ]
    return rows


def report_as_dict(report: SupervisorReport) -> dict[str, Any]:
    """The report as JSON-ready data (the API's answer)."""
    return {
        "since": report.since,
        "until": report.until,
        "days": report.days,
        "backlog": [
            {
                "queue_id": row.queue_id,
                "queue": row.name,
                "active": row.active,
                "unassigned": row.unassigned,
                "breached": row.breached,
            }
            for row in report.backlog
        ],
        "daily": [
            {"day": row.day, "created": row.created, "resolved": row.resolved}
            for row in report.daily
        ],
        "sla": {
            "first_response_total": report.first_response_total,
            "first_response_met": report.first_response_met,
            "first_response_compliance": report.first_response_compliance,
            "resolution_total": report.resolution_total,
            "resolution_met": report.resolution_met,
            "resolution_compliance": report.resolution_compliance,
        },
        "first_response": {
            "median_business_hours": report.median_first_response_hours,
            "count": report.first_responses,
        },
        "satisfaction": {
            "average": report.satisfaction_average,
            "count": report.satisfaction_count,
        },
    }


# --- Charts (core.charts: drawn by Chart.js, each with its table) -------------------------------


def backlog_chart(report: SupervisorReport) -> Chart:
    """Active, unassigned and SLA-breached cases per queue, as bars side by side."""
    rows = report.backlog
    return bar_chart(
        key="pendientes",
        title=_("Casos pendientes por cola"),
        category_header=_("Cola"),
        categories=[row.name for row in rows],
        series=[
            Series(_("Pendientes"), [row.active for row in rows]),
            Series(_("Sin asignar"), [row.unassigned for row in rows]),
            Series(_("Con SLA vencido"), [row.breached for row in rows], colour="#a31f1f"),
        ],
        horizontal=True,
        description=_("Casos activos (nuevos, abiertos, en proceso, en espera o reabiertos)."),
    )


def daily_chart(report: SupervisorReport) -> Chart:
    """Cases created and resolved per day: two lines, the second dashed."""
    return line_chart(
        key="diario",
        title=_("Casos creados y resueltos por día"),
        category_header=_("Día"),
        categories=[date_format(row.day, "D j/m") for row in report.daily],
        series=[
            Series(_("Creados"), [row.created for row in report.daily]),
            Series(_("Resueltos"), [row.resolved for row in report.daily], dashed=True),
        ],
        description=_(
            "En los últimos %(days)d días se crearon %(created)d casos y se resolvieron "
            "%(resolved)d."
        )
        % {
            "days": report.days,
            "created": report.created_total,
            "resolved": report.resolved_total,
        },
        fold_table=True,
    )


# --- The team's workload ------------------------------------------------------------------------

# Columns: the active statuses (``ACTIVE_STATUSES``), in the order they are worked.


@dataclass(frozen=True)
class TechnicianLoad:
    user_id: int
    name: str
    by_status: dict[str, int]
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass
class TeamWorkload:
    technicians: list[TechnicianLoad] = field(default_factory=list)
    unassigned: int = 0
    unassigned_overdue: int = 0

    @property
    def assigned(self) -> int:
        return sum(load.total for load in self.technicians)

    @property
    def overdue(self) -> int:
        return sum(load.overdue for load in self.technicians) + self.unassigned_overdue


def overdue_q(now: datetime) -> Q:
    """A case past a deadline: flagged by the SLA sweep, or its resolution due time has gone by
    (the sweep may not have run yet) while its clock runs."""
    running = (
        ~Q(status=TicketStatus.WAITING_ON_REQUESTER)
        if (helpdesk_settings.SLA_PAUSE_WHILE_WAITING)
        else Q()
    )
    return (
        Q(first_response_breached=True)
        | Q(resolution_breached=True)
        | (running & Q(resolution_due_at__lt=now))
    )


def build_workload(*, actor: Any, now: datetime | None = None) -> TeamWorkload:
    """Open cases per technician and status, and how many are overdue, over the queues ``actor``
    may report on; every member of a team serving those queues is listed, idle ones too.

    Two queries whatever the number of cases and people (plus the actor's grants, once per
    request): the counts per (assignee, status), then the names of members and assignees.
    """
    now = now or timezone.now()
    workload = TeamWorkload()
    condition = report_queue_q(actor)
    if condition is None:
        return workload
    queue_ids = Queue.objects.filter(condition).values("pk")
    counts = (
        Ticket.objects.filter(queue__in=queue_ids, status__in=ACTIVE_STATUSES)
        .order_by()
        .values("assignee_id", "status")
        .annotate(count=Count("pk"), overdue=Count("pk", filter=overdue_q(now)))
        .values_list("assignee_id", "status", "count", "overdue", named=True)
    )
    by_person: dict[int, dict[str, int]] = {}
    overdue: dict[int, int] = {}
    for row in counts:
        if row.assignee_id is None:
            workload.unassigned += row.count
            workload.unassigned_overdue += row.overdue
            continue
        by_person.setdefault(row.assignee_id, {})[row.status] = row.count
        overdue[row.assignee_id] = overdue.get(row.assignee_id, 0) + row.overdue
    members = Q(helpdesk_teams__is_active=True, helpdesk_teams__queues__in=queue_ids) & Q(
        is_active=True
    )
    people = (
        User.objects.filter(members | Q(pk__in=list(by_person)))
        .distinct()
        .values_list("pk", "person__first_names", "person__last_names")
    )
    workload.technicians = sorted(
        (
            TechnicianLoad(
                user_id=pk,
                name=Person.compose_full_name(first, last),
                by_status=by_person.get(pk, {}),
                overdue=overdue.get(pk, 0),
            )
            for pk, first, last in people
        ),
        key=lambda load: (-load.total, load.name.casefold(), load.user_id),
    )
    return workload


def workload_chart(workload: TeamWorkload) -> Chart:
    """Each technician's open cases piled up by status, and beside them the overdue ones."""
    loads = workload.technicians
    labels = dict(TicketStatus.choices)
    series = [
        Series(
            str(labels[status]), [load.by_status.get(status, 0) for load in loads], stack="estado"
        )
        for status in ACTIVE_STATUSES
    ]
    series.append(
        Series(
            _("Con plazo vencido"),
            [load.overdue for load in loads],
            colour="#a31f1f",
            stack="vencidos",
        )
    )
    return bar_chart(
        key="carga",
        title=_("Casos abiertos por técnico"),
        category_header=_("Técnico"),
        categories=[load.name for load in loads],
        series=series,
        horizontal=True,
        stacked=True,
        description=_("Cada barra suma los casos asignados por estado; la roja, los vencidos."),
    )


__all__ = [
    "ALLOWED_DAYS",
    "CSV_HEADER",
    "DEFAULT_DAYS",
    "SupervisorReport",
    "TeamWorkload",
    "backlog_chart",
    "build_report",
    "build_workload",
    "can_view_reports",
    "daily_chart",
    "report_as_dict",
    "report_queue_q",
    "report_rows",
    "workload_chart",
]
