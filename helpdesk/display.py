"""How help-desk facts read to a person: SLA targets in business terms ("respuesta en 1 día
hábil"), the next deadline of a ticket, a service's answers with their labels, a workflow's status.

Pure functions over loaded rows: no queries of their own beyond what the caller prefetched.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.durations import business_duration

from .choices import ACTIVE_STATUSES, FieldType, SlaTarget, TicketStatus
from .conf import helpdesk_settings
from .models import Service, ServiceField, Ticket

# --- Labels and links of many tickets ----------------------------------------------------------


def choice_labels(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Value → label of a ``TextChoices``'s ``choices`` in the active language, translated once
    for a whole list (``get_FOO_display()`` rebuilds the choices dict on every call)."""
    return {value: str(label) for value, label in choices}


# A ticket number that ``reverse()`` would put in a URL unchanged (no quoting needed).
_PLAIN_NUMBER = re.compile(r"[A-Za-z0-9_.~-]+")
_NUMBER_MARK = "NUMBER"


class TicketUrl:
    """``reverse(name, kwargs={"number": …})`` for many tickets at the cost of one call: the URL
    is reversed once with a marker and the number spliced in (numbers needing quoting, which the
    app never makes, still go through ``reverse``). Build it inside the request (script prefix
    and language are then set)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.prefix, _mark, self.suffix = reverse(name, kwargs={"number": _NUMBER_MARK}).rpartition(
            _NUMBER_MARK
        )

    def __call__(self, number: str) -> str:
        if _PLAIN_NUMBER.fullmatch(number):
            return f"{self.prefix}{number}{self.suffix}"
        return reverse(self.name, kwargs={"number": number})


@dataclass(frozen=True)
class ServiceExpectations:
    """What a requester can expect from a service, at its default priority."""

    first_response: timedelta
    resolution: timedelta

    @property
    def first_response_text(self) -> str:
        return _("respuesta en %(time)s") % {"time": business_duration(self.first_response)}

    @property
    def resolution_text(self) -> str:
        return _("solución en %(time)s") % {"time": business_duration(self.resolution)}


def service_expectations(service: Service) -> ServiceExpectations:
    """Targets of the service's SLA policy at its default priority (prefetch
    ``sla_policy__priority_targets`` to keep lists at a fixed number of queries)."""
    first_response, resolution = service.sla_policy.targets_for(service.default_priority)
    return ServiceExpectations(first_response=first_response, resolution=resolution)


# --- Ticket deadlines -------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    kind: str
    label: Any
    due_at: datetime
    breached: bool


FIRST_RESPONSE_LABEL = gettext_lazy("Primera respuesta a más tardar")
RESOLUTION_LABEL = gettext_lazy("Solución a más tardar")


def next_deadline(ticket: Ticket) -> Deadline | None:
    """The next SLA moment the help desk promised for ``ticket``, or ``None`` when nothing is
    pending (a finished ticket, or one waiting on its requester while the clock is paused)."""
    if ticket.status not in ACTIVE_STATUSES:
        return None
    if ticket.first_responded_at is None and ticket.first_response_due_at is not None:
        return Deadline(
            kind=SlaTarget.FIRST_RESPONSE.value,
            label=FIRST_RESPONSE_LABEL,
            due_at=ticket.first_response_due_at,
            breached=ticket.first_response_breached,
        )
    paused = helpdesk_settings.SLA_PAUSE_WHILE_WAITING
    if ticket.status == TicketStatus.WAITING_ON_REQUESTER and paused:
        return None
    if ticket.resolution_due_at is None:
        return None
    return Deadline(
        kind=SlaTarget.RESOLUTION.value,
        label=RESOLUTION_LABEL,
        due_at=ticket.resolution_due_at,
        breached=ticket.resolution_breached,
    )


# --- Answers and workflows -------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    label: str
    value: Any
    attachment_id: int | None = None


def _date_text(value: Any) -> str:
    """A stored ISO date as dd/mm/aaaa (anything else as it was stored)."""
    try:
        return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def form_answers(fields: list[ServiceField], data: dict[str, Any]) -> list[Answer]:
    """The ticket's stored answers in the order of the service's form, with their labels.

    Choice values show their label; file answers point at their attachment; answers whose field
    was later removed from the service are still shown, under their key.
    """
    answers: list[Answer] = []
    seen: set[str] = set()
    for spec in fields:
        seen.add(spec.key)
        value = data.get(spec.key)
        if value in (None, ""):
            continue
        if spec.field_type == FieldType.FILE and isinstance(value, dict):
            answers.append(
                Answer(spec.label, value.get("name", ""), attachment_id=value.get("attachment_id"))
            )
        elif spec.field_type == FieldType.CHOICE:
            answers.append(Answer(spec.label, dict(spec.choice_pairs()).get(str(value), value)))
        elif spec.field_type == FieldType.DATE:
            answers.append(Answer(spec.label, _date_text(value)))
        else:
            answers.append(Answer(spec.label, value))
    answers.extend(
        Answer(key, value)
        for key, value in data.items()
        if key not in seen and value not in (None, "") and not isinstance(value, dict)
    )
    return answers


PROCESS_STATUS_LABELS = {
    "NEW": gettext_lazy("En curso"),
    "DONE": gettext_lazy("Terminado"),
    "CANCELED": gettext_lazy("Cancelado"),
}


def process_status_label(status: str) -> str:
    return str(PROCESS_STATUS_LABELS.get(status, status))


def process_title(process: Any) -> str:
    """The name of the workflow a ``viewflow.Process`` runs (its flow's ``process_title``)."""
    flow_class = getattr(process, "flow_class", None)
    return str(flow_class.process_title) if flow_class is not None else ""


def process_open_steps(process: Any) -> list[str]:
    """The names of the steps the process waits on now (its open human tasks), for the
    requester's page: "Revisar el respaldo". One query."""
    from viewflow.workflow.models import Task

    tasks = Task.objects.filter(
        process_id=process.pk, flow_task_type="HUMAN", status__in=["NEW", "ASSIGNED", "STARTED"]
    ).order_by("created", "pk")
    return [str(task.flow_task.task_title) for task in tasks if task.flow_task is not None]
