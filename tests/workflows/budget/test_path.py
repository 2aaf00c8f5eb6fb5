"""The budget process end to end: prepare → submit → observe → correct → resubmit → approve, who
may work each step, the submission guards inside the flow, and due times."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from viewflow.workflow.models import Task

from core.accounts.scopes import forget_grants
from core.accounts.services import role_grant
from core.audit.models import AuditEvent
from core.exceptions import Conflict
from core.processes.models import TaskDue
from core.workflow import process_chain_key
from modules.finance.choices import BudgetStatus
from modules.finance.models import Budget, BudgetLine
from modules.finance.services import budget_line_add
from workflows.budget.flows import BudgetFlow
from workflows.budget.services import budget_process_open, budget_step

from .conftest import YEAR, open_task

pytestmark = pytest.mark.django_db


def _status(process):
    return Budget.objects.values_list("status", flat=True).get(pk=process.budget_id)


def _queue(node, user):
    condition = node.work_queue_q(user)
    return [] if condition is None else list(Task.objects.filter(condition, status="NEW"))


def test_observed_then_corrected_then_approved(
    opened, treasurer, director, reviewer, far_reviewer, categories
):
    process = opened
    # The treasurer prepares, the director submits
    budget_step(actor=treasurer, task=open_task(process, BudgetFlow.prepare), data={})
    budget_step(
        actor=director, task=open_task(process, BudgetFlow.submit), data={"decision": "submit"}
    )
    assert _status(process) == BudgetStatus.SUBMITTED

    # The review lands in the department's reviewer's Bandeja, not in another department's
    review = open_task(process, BudgetFlow.review)
    assert _queue(BudgetFlow.review, reviewer) == [review]
    assert _queue(BudgetFlow.review, far_reviewer) == []
    assert TaskDue.objects.filter(task=review).exists()

    # Observing needs a comment
    with pytest.raises(Exception, match="comment"):
        budget_step(actor=reviewer, task=review, data={"decision": "observe", "comment": ""})
    budget_step(
        actor=reviewer,
        task=review,
        data={"decision": "observe", "comment": "Falta el detalle de mantenimiento."},
    )
    assert _status(process) == BudgetStatus.OBSERVED

    # Back to the school: the treasurer corrects a line and prepares again
    budget_line_add(
        actor=treasurer,
        budget=Budget.objects.get(pk=process.budget_id),
        kind="income",
        source="own",
        category=categories["ING-DONAC"],
        description="Donación de padres",
        amount="20.00",
    )
    budget_step(actor=treasurer, task=open_task(process, BudgetFlow.prepare), data={})
    budget_step(
        actor=director, task=open_task(process, BudgetFlow.submit), data={"decision": "submit"}
    )
    budget_step(
        actor=reviewer,
        task=open_task(process, BudgetFlow.review),
        data={"decision": "approve", "comment": ""},
    )

    process.refresh_from_db()
    assert _status(process) == BudgetStatus.APPROVED
    assert process.status == "DONE"
    actions = list(
        AuditEvent.objects.filter(
            action__in=["budget.submit", "budget.observe", "budget.approve"]
        ).values_list("action", flat=True)
    )
    assert actions == ["budget.submit", "budget.observe", "budget.submit", "budget.approve"]
    assert AuditEvent.objects.filter(chain_key=process_chain_key(process.pk)).count() > 10


def test_director_can_return_the_budget_to_the_treasurer(opened, treasurer, director):
    budget_step(actor=treasurer, task=open_task(opened, BudgetFlow.prepare), data={})
    budget_step(
        actor=director,
        task=open_task(opened, BudgetFlow.submit),
        data={"decision": "return", "comment": "Revise los servicios básicos."},
    )

    assert _status(opened) == BudgetStatus.IN_PROGRESS
    assert open_task(opened, BudgetFlow.prepare)


def test_the_submit_guard_holds_inside_the_flow(
    treasurer, director, school, allocation, categories
):
    from tests.modules.finance.conftest import add_lines

    process = budget_process_open(actor=treasurer, school=school, year=YEAR)
    add_lines(treasurer, process.budget, categories, transfer_expense="2500.00")
    budget_step(actor=treasurer, task=open_task(process, BudgetFlow.prepare), data={})
    task = open_task(process, BudgetFlow.submit)

    with pytest.raises(Conflict) as error:
        budget_step(actor=director, task=task, data={"decision": "submit"})

    assert "transferencia" in error.value.reason
    assert _status(process) == BudgetStatus.IN_PROGRESS
    task.refresh_from_db()
    assert task.status == "NEW"  # the take was rolled back with the refused step
    assert not AuditEvent.objects.filter(action="task.execute", payload__node="submit").exists()


def test_the_preparer_can_never_review(opened, treasurer, director):
    # The treasurer also holds the finance reviewer role of the department
    role_grant(
        user=treasurer,
        role="finance_reviewer",
        scope_kind="department",
        target=opened.department,
    )
    forget_grants(treasurer)
    budget_step(actor=treasurer, task=open_task(opened, BudgetFlow.prepare), data={})
    budget_step(
        actor=director, task=open_task(opened, BudgetFlow.submit), data={"decision": "submit"}
    )
    review = open_task(opened, BudgetFlow.review)

    assert _queue(BudgetFlow.review, treasurer) == []
    with pytest.raises(PermissionDenied):
        budget_step(actor=treasurer, task=review, data={"decision": "approve", "comment": ""})
    assert _status(opened) == BudgetStatus.SUBMITTED
    review.refresh_from_db()
    assert review.owner_id is None


def test_only_a_treasurer_of_the_school_opens_a_budget(director, other_school, school, allocation):
    with pytest.raises(PermissionDenied):
        budget_process_open(actor=director, school=school, year=YEAR)
    assert not Budget.objects.exists()


def test_a_second_budget_for_the_same_year_is_refused(opened, treasurer, school):
    with pytest.raises(Conflict):
        budget_process_open(actor=treasurer, school=school, year=YEAR)
    assert Budget.objects.count() == 1
    assert BudgetLine.objects.filter(budget_id=opened.budget_id).count() == 5


# --- Opening from the page ----------------------------------------------------------------------


def _open_from_the_page(client, school_pk, year):
    response = client.post(reverse("budget:open"), {"centro": school_pk, "anio": year})
    return response, [str(m) for m in get_messages(response.wsgi_request)]


def test_the_treasurer_opens_a_budget_from_the_page(client, treasurer, school, allocation):
    client.force_login(treasurer)

    response, _said = _open_from_the_page(client, str(school.pk), str(YEAR))

    budget = Budget.objects.get(school=school, fiscal_year_id=YEAR)
    assert response.status_code == 302
    assert response.url == reverse("finance:budget", args=[budget.pk])


@pytest.mark.parametrize("field", ["centro", "anio"])
@pytest.mark.parametrize("digits", ["²", "arabic-indic"])
def test_a_school_or_year_that_is_not_plain_digits_is_refused_and_nothing_opens(
    client, treasurer, school, allocation, field, digits
):
    # "²" and "٢٠٢٦" are digits to str.isdigit(): int("²") failed (a 500) and int("٢٠٢٦") is 2026,
    # so the budget opened. Only ASCII digits are a school id or a year.
    client.force_login(treasurer)
    values = {"centro": str(school.pk), "anio": str(YEAR)}
    if digits == "²":
        values[field] = "²"
    else:
        values[field] = values[field].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    events = AuditEvent.objects.count()

    response, said = _open_from_the_page(client, values["centro"], values["anio"])

    assert response.status_code == 302
    assert response.url == reverse("finance:mine")
    assert said == ["Elija un centro educativo a su cargo y un año válido."]
    assert not Budget.objects.exists()
    assert AuditEvent.objects.count() == events
