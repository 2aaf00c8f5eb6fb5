"""Due times of the budget's review: the department's reviewers are reminded while nobody took
it, then the departmental officers are told once it is overdue (never another department's)."""

from datetime import timedelta

from core.accounts.choices import Role, ScopeKind
from core.audit.models import AuditEvent
from core.processes.models import TaskDue
from core.processes.services import task_due_sweep
from core.workflow import process_chain_key
from workflows.budget.flows import BudgetFlow
from workflows.budget.services import budget_step

from .conftest import open_task


def test_the_review_reminds_the_reviewers_and_escalates_to_the_department(
    opened, treasurer, director, reviewer, far_reviewer, make_user
):
    officer = make_user(
        role=Role.DEPARTMENTAL_OFFICER, scope_kind=ScopeKind.DEPARTMENT, target=opened.department
    )
    budget_step(actor=treasurer, task=open_task(opened, BudgetFlow.prepare), data={})
    budget_step(
        actor=director, task=open_task(opened, BudgetFlow.submit), data={"decision": "submit"}
    )
    due = TaskDue.objects.get(task=open_task(opened, BudgetFlow.review))

    task_due_sweep(now=due.remind_at)
    task_due_sweep(now=due.due_at + timedelta(minutes=1))
    task_due_sweep(now=due.due_at + timedelta(minutes=6))

    events = AuditEvent.objects.filter(
        chain_key=process_chain_key(opened.pk), action__in=["task.remind", "task.escalate"]
    ).order_by("seq")
    assert [(e.action, e.payload["node"], e.payload["recipients"]) for e in events] == [
        ("task.remind", "review", [reviewer.pk]),
        ("task.escalate", "review", [officer.pk]),
    ]
    assert far_reviewer.pk not in events[0].payload["recipients"]
