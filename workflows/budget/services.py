"""Every write of the budget process.

- ``budget_process_open``: the treasurer creates the school's budget for a year and starts its
  process, in one transaction.
- ``budget_prepared`` / ``budget_submitted`` / ``budget_reviewed``: the work of each human step
  (the review approves, adjusts and approves, or observes),
  run by the step's form inside ``core.workflow.task_action`` (the task's owner is the actor);
  they fire the budget's transitions through ``modules.finance.services``.
- ``budget_step``: take a task if it is free and complete it with a form's data (the API, the
  tests and the demo); of two people deciding at once, one wins and the other gets a 409.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.exceptions import Conflict
from core.work import task_acting_role
from core.workflow import process_start, task_action
from modules.finance.models import Budget, BudgetLineAdjustment
from modules.finance.services import (
    budget_approve,
    budget_create,
    budget_observe,
    budget_submit,
)
from modules.schools.models import School

from .flows import BudgetFlow
from .models import BudgetProcess


@transaction.atomic
def budget_process_open(
    *, actor: Any, school: School, year: int, request: HttpRequest | None = None
) -> BudgetProcess:
    budget = budget_create(actor=actor, school=school, year=year, request=request)
    return process_start(
        actor=actor, flow_class=BudgetFlow, request=request, seed=budget, budget=budget
    )


def budget_step(*, actor: Any, task: Any, data: Any, request: HttpRequest | None = None) -> Any:
    node = task.flow_task
    form = node.get_form(data)
    if not form.is_valid():
        raise ValidationError(form.errors)
    role = task_acting_role(actor=actor, task=task)
    with transaction.atomic():
        if task.owner_id is None:
            task_action(actor=actor, task=task, action="assign", request=request, role=role)
        return task_action(
            actor=actor,
            task=task,
            action="execute",
            request=request,
            role=role,
            fn=lambda activation: node.save_form(form, activation),
        )


def _process(activation: Any) -> BudgetProcess:
    process = activation.process
    if not isinstance(process, BudgetProcess):
        process = BudgetProcess.objects.get(pk=process.pk)
    return process


def _budget(process: BudgetProcess) -> Budget:
    return Budget.objects.get(pk=process.budget_id)


def budget_prepared(*, activation: Any) -> None:
    process = _process(activation)
    audit_record(
        action="budget.prepared",
        obj=_budget(process),
        actor=activation.task.owner,
        role=task_acting_role(actor=activation.task.owner, task=activation.task),
    )


def budget_submitted(*, activation: Any, submit: bool, comment: str) -> None:
    process = _process(activation)
    actor = activation.task.owner
    budget = _budget(process)
    if submit:
        budget_submit(actor=actor, budget=budget)
        process.decision = "submit"
    else:
        audit_record(
            action="budget.returned_to_treasurer",
            obj=budget,
            actor=actor,
            role=task_acting_role(actor=actor, task=activation.task),
            payload={"comment": comment},
        )
        process.decision = "return"
    process.save(update_fields=["decision"])


def budget_reviewed(*, activation: Any, decision: str, comment: str) -> None:
    """``approve``, ``adjust`` (approve with the adjustments this reviewer recorded during
    this review task: refused when there are none) or ``observe``. Approving checks the
    submission guards again, so an adjustment that broke one is refused with its reason."""
    process = _process(activation)
    actor = activation.task.owner
    budget = _budget(process)
    if decision == "observe":
        budget_observe(actor=actor, budget=budget, comment=comment)
        process.decision = "observe"
    else:
        adjustments = 0
        if decision == "adjust":
            adjustments = BudgetLineAdjustment.objects.filter(
                budget=budget, adjusted_by=actor, adjusted_at__gte=activation.task.created
            ).count()
            if not adjustments:
                raise Conflict(
                    _(
                        "No hay ajustes registrados en esta revisión: ajuste los montos en la "
                        "página del presupuesto o elija «Aprobar el presupuesto»."
                    ),
                    code="no_adjustments",
                )
        budget_approve(actor=actor, budget=budget, comment=comment, adjustments=adjustments)
        process.decision = "approve"
    process.save(update_fields=["decision"])
