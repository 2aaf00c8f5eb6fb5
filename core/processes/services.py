"""Writes of processes outside ``core.workflow``: the due-time sweep.

``task_due_sweep`` reminds the people of a task nearing its due time and escalates an overdue
one to supervisors of the same scope, each once: the mark (``TaskDue.reminded_at`` /
``escalated_at``), the audit event on the process and the notices (``hooks.task_due_reminder``)
are written in one transaction per task, under a row lock, so two sweeps never both send.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from core.accounts.choices import ScopeKind
from core.accounts.models import RoleGrant, User
from core.accounts.scopes import active_grant_q
from core.audit.services import audit_record
from core.workflow import PROCESS_OBJECT_TYPE, process_chain_key

from .hooks import ESCALATION, REMINDER, task_due_reminder
from .models import TaskDue

OPEN_STATUSES = ("NEW", "ASSIGNED", "STARTED")


@dataclass(frozen=True)
class SweepResult:
    reminded: int
    escalated: int


def people_in_scope(
    *, roles: Any, targets: dict[str, int | None], exclude: Q | None = None
) -> QuerySet[User]:
    """Active users holding one of ``roles`` through a grant that covers ``targets`` (the
    ``covers`` keywords of a process: ``{"department_id": 3, "school_id": 7}``)."""
    covering = Q(scope_kind=ScopeKind.NATIONAL)
    for key, target_id in targets.items():
        if target_id is not None:
            kind = key.removesuffix("_id")
            covering |= Q(scope_kind=kind, **{f"{kind}_id": target_id})
    grants = RoleGrant.objects.filter(active_grant_q(), covering, role__in=list(roles))
    people = User.objects.filter(is_active=True, pk__in=grants.values("user_id"))
    if exclude is not None:
        people = people.exclude(exclude)
    return people.select_related("person").order_by("pk")


def _recipients(row: TaskDue, kind: str) -> list[User]:
    task = row.task
    node = task.flow_task
    if kind == ESCALATION:
        return list(node.escalation_recipients(task))
    if task.owner_id is not None:
        return [User.objects.select_related("person").get(pk=task.owner_id)]
    return list(node.eligible_people(task))


def _handle(pk: int, kind: str, now: datetime) -> bool:
    """Remind or escalate one task, once; ``False`` when it no longer needs it."""
    mark = "reminded_at" if kind == REMINDER else "escalated_at"
    with transaction.atomic():
        row = (
            TaskDue.objects.select_for_update(of=("self",))
            .select_related("task")
            .filter(pk=pk, task__status__in=OPEN_STATUSES, **{f"{mark}__isnull": True})
            .first()
        )
        if row is None:
            return False
        task = row.task
        node = task.flow_task
        recipients = _recipients(row, kind)
        setattr(row, mark, now)
        row.save(update_fields=[mark])
        audit_record(
            action="task.remind" if kind == REMINDER else "task.escalate",
            chain_key=process_chain_key(task.process_id),
            object_type=PROCESS_OBJECT_TYPE,
            object_id=task.process_id,
            actor=None,
            from_state=task.status,
            to_state=task.status,
            payload={
                "node": node.name,
                "task_id": task.pk,
                "due_at": row.due_at.isoformat(),
                "recipients": [user.pk for user in recipients],
            },
        )
        task_due_reminder.send(
            sender=TaskDue,
            task=task,
            recipients=recipients,
            kind=kind,
            due_at=row.due_at,
            link=reverse("process:task", kwargs={"pk": task.pk}),
        )
    return True


def task_due_sweep(*, now: datetime | None = None) -> SweepResult:
    """Remind tasks that near their due time and escalate overdue ones (idempotent)."""
    now = now or timezone.now()
    open_rows = TaskDue.objects.filter(task__status__in=OPEN_STATUSES)
    to_remind = list(
        open_rows.filter(reminded_at__isnull=True, remind_at__lte=now, due_at__gt=now)
        .order_by("due_at")
        .values_list("pk", flat=True)
    )
    to_escalate = list(
        open_rows.filter(escalated_at__isnull=True, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)
    )
    reminded = sum(_handle(pk, REMINDER, now) for pk in to_remind)
    escalated = sum(_handle(pk, ESCALATION, now) for pk in to_escalate)
    return SweepResult(reminded=reminded, escalated=escalated)
