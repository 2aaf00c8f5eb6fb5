"""Two finance reviewers approving the same budget at once, on PostgreSQL (real threads released
by a barrier): one wins, the budget is approved once and audited once. SQLite has no row locks,
so this runs on PostgreSQL only."""

from collections.abc import Callable

import pytest
from viewflow.workflow.models import Task

from core.accounts.choices import Role, ScopeKind
from core.accounts.models import User
from core.audit.models import AuditEvent
from modules.finance.choices import BudgetStatus
from modules.finance.models import Budget
from tests.concurrency import race
from workflows.budget.flows import BudgetFlow
from workflows.budget.services import budget_step

from .conftest import open_task

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_reviewers_approving_at_once_one_wins(opened, treasurer, director, make_user):
    # Given a submitted budget and two reviewers of its department with the task on screen
    budget_step(actor=treasurer, task=open_task(opened, BudgetFlow.prepare), data={})
    budget_step(
        actor=director, task=open_task(opened, BudgetFlow.submit), data={"decision": "submit"}
    )
    task = open_task(opened, BudgetFlow.review)
    reviewers = [
        make_user(
            role=Role.FINANCE_REVIEWER, scope_kind=ScopeKind.DEPARTMENT, target=opened.department
        )
        for _ in range(2)
    ]
    copies = [(User.objects.get(pk=r.pk), Task.objects.get(pk=task.pk)) for r in reviewers]

    def approve(actor: User, copy: Task) -> Callable[[], object]:
        data = {"decision": "approve", "comment": ""}
        return lambda: budget_step(actor=actor, task=copy, data=data)

    # When both approve at the same moment
    outcomes = race([approve(actor, copy) for actor, copy in copies])

    # Then one won and the other was told the task is no longer available
    assert sorted(map(str, outcomes)) == ["ok", "transition_not_allowed"]
    winner = reviewers[outcomes.index("ok")]
    budget = Budget.objects.get(pk=opened.budget_id)
    assert budget.status == BudgetStatus.APPROVED
    assert budget.approved_by_id == winner.pk
    assert AuditEvent.objects.filter(action="budget.approve").count() == 1
    assert AuditEvent.objects.filter(action="task.execute", payload__node="review").count() == 1
