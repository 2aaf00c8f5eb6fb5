"""Reminders and escalation of the department's steps that are not viewflow tasks: the review
of a purchase plan, and the evaluation and approval of a liquidation (the Bandeja lists them
through ``ModelWorkItemSource``; the budget's own review is a ``RoleTask`` and is swept by
``core.processes``).

Same rule as ``RoleTask``: each step is due ``lifecycles.DEPARTMENT_DUE`` of business time
after it starts, its people are reminded a quarter of that before, and once overdue the
department's officers are told. Each happens once per step: the mark (``reminded_at`` /
``escalated_at``, reset when the next step starts), the audit event and the outbox rows are
written in one transaction under a row lock, so two sweeps never both send.

Who is told is who has the item in their Bandeja (``selectors.plan_reviews_for`` /
``liquidations_for``): the finance reviewers of the school's department (never who prepared
the plan or evaluated the liquidation), plus the departmental officers for an evaluated
liquidation; the escalation goes to the departmental officers of that department.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.choices import Role
from core.audit.services import audit_record
from core.processes.services import people_in_scope
from notifications.services import notify

from .choices import LiquidationStatus, PurchasePlanStatus
from .models import Liquidation, PurchasePlan

REMINDER = "reminder"
ESCALATION = "escalation"
ESCALATE_TO = (Role.DEPARTMENTAL_OFFICER,)
WAITING = {
    PurchasePlan: (PurchasePlanStatus.IN_REVIEW,),
    Liquidation: (LiquidationStatus.CONFIRMED, LiquidationStatus.EVALUATED),
}


@dataclass(frozen=True)
class DueSweepResult:
    reminded: int
    escalated: int


def _targets(record: Any) -> dict[str, int | None]:
    school = record.budget.school
    return {
        "department_id": record.budget.department_id,
        "municipality_id": school.municipality_id,
        "school_id": school.pk,
    }


def _step(record: Any) -> tuple[str, list[str], int | None]:
    """The step waiting: its Spanish name, who works it, and who may not (by user id)."""
    if isinstance(record, PurchasePlan):
        return _("Revisar el plan de compras"), [Role.FINANCE_REVIEWER], record.prepared_by_id
    if record.status == LiquidationStatus.CONFIRMED:
        return _("Evaluar la liquidación"), [Role.FINANCE_REVIEWER], None
    return (
        _("Aprobar la liquidación"),
        [Role.DEPARTMENTAL_OFFICER, Role.FINANCE_REVIEWER],
        record.evaluated_by_id,
    )


def _recipients(record: Any, kind: str) -> list[Any]:
    _name, roles, excluded = _step(record)
    if kind == ESCALATION:
        roles, excluded = list(ESCALATE_TO), None
    exclude = Q(pk=excluded) if excluded else None
    return list(people_in_scope(roles=roles, targets=_targets(record), exclude=exclude))


def _handle(model: Any, pk: int, kind: str, now: datetime) -> bool:
    """Remind or escalate one record's waiting step, once; ``False`` if no longer needed."""
    mark = "reminded_at" if kind == REMINDER else "escalated_at"
    with transaction.atomic():
        record = (
            model.objects.select_for_update(of=("self",))
            .select_related("budget__school")
            .filter(pk=pk, status__in=WAITING[model], **{f"{mark}__isnull": True})
            .first()
        )
        if record is None:
            return False
        step, _roles, _excluded = _step(record)
        recipients = _recipients(record, kind)
        setattr(record, mark, now)
        record.save(update_fields=[mark])
        audit_record(
            action="finance.review_reminded" if kind == REMINDER else "finance.review_escalated",
            obj=record,
            actor=None,
            payload={
                "status": record.status,
                "due_at": record.due_at.isoformat(),
                "recipients": [user.pk for user in recipients],
            },
        )
        template = "finance/review_due_soon" if kind == REMINDER else "finance/review_overdue"
        context = {
            "step": step,
            "subject": str(record.work_item_title),
            "due_at": record.due_at,
        }
        round_key = f"{model._meta.model_name}:{pk}:{record.status}:{record.due_at:%Y%m%d%H%M}"
        for user in recipients:
            notify(
                recipient=user.person,
                user=user,
                template=template,
                context=context,
                link=record.work_item_url,
                idempotency_key=f"finance-review:{round_key}:{kind}:{user.pk}",
            )
    return True


def review_due_sweep(*, now: datetime | None = None) -> DueSweepResult:
    """Remind the department's plan reviews and liquidation steps nearing their due time and
    escalate overdue ones (idempotent)."""
    now = now or timezone.now()
    reminded = escalated = 0
    for model, statuses in WAITING.items():
        waiting = model.objects.filter(status__in=statuses, due_at__isnull=False)
        to_remind = list(
            waiting.filter(reminded_at__isnull=True, remind_at__lte=now, due_at__gt=now)
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)
        )
        to_escalate = list(
            waiting.filter(escalated_at__isnull=True, due_at__lte=now)
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)
        )
        reminded += sum(_handle(model, pk, REMINDER, now) for pk in to_remind)
        escalated += sum(_handle(model, pk, ESCALATION, now) for pk in to_escalate)
    return DueSweepResult(reminded=reminded, escalated=escalated)
