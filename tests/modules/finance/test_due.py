"""Due times of the department's purchase-plan review and liquidation steps, with the clock
frozen: the people who have the item in their Bandeja are reminded once, the departmental
officers are told once it is overdue (never another department's), each step starts a new
clock, and the sweep is safe to run twice."""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.accounts.choices import Role, ScopeKind
from core.audit.models import AuditEvent
from modules.finance.due import review_due_sweep
from modules.finance.models import BudgetLine, Liquidation, PurchasePlan
from modules.finance.services import (
    budget_approve,
    budget_create,
    budget_submit,
    liquidation_confirm,
    liquidation_evaluate,
    purchase_item_add,
    purchase_plan_create,
    purchase_plan_review,
    purchase_plan_submit,
)
from notifications.models import OutboxMessage
from tests.factories import DepartmentFactory

from .conftest import YEAR, add_lines

pytestmark = pytest.mark.django_db

SV = ZoneInfo("America/El_Salvador")
MONDAY_8 = datetime(YEAR, 3, 2, 8, 0, tzinfo=SV)


def frozen(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def approved(treasurer, director, reviewer, school, allocation, categories):
    budget = budget_create(actor=treasurer, school=school, year=YEAR)
    add_lines(treasurer, budget, categories)
    budget_submit(actor=director, budget=budget)
    return budget_approve(actor=reviewer, budget=budget)


@pytest.fixture
def officer(make_user, school):
    return make_user(
        role=Role.DEPARTMENTAL_OFFICER,
        scope_kind=ScopeKind.DEPARTMENT,
        target=school.municipality.department,
    )


@pytest.fixture
def far_officer(make_user):
    return make_user(
        role=Role.DEPARTMENTAL_OFFICER, scope_kind=ScopeKind.DEPARTMENT, target=DepartmentFactory()
    )


def _events(obj):
    return [
        (e.action, e.payload["recipients"])
        for e in AuditEvent.objects.filter(
            action__in=["finance.review_reminded", "finance.review_escalated"],
            object_id=str(obj.pk),
            object_type=f"finance.{obj._meta.model_name}",
        ).order_by("seq")
    ]


def _notified(template):
    return sorted(
        set(OutboxMessage.objects.filter(template=template).values_list("user_id", flat=True))
    )


def test_the_plan_review_is_reminded_then_escalated_once(
    client, approved, treasurer, reviewer, far_reviewer, officer, far_officer
):
    plan = purchase_plan_create(actor=treasurer, budget=approved)
    line = BudgetLine.objects.get(budget=approved, category__code="MAT-DIDACT")
    purchase_item_add(
        actor=treasurer,
        plan=plan,
        line=line,
        description="Resmas",
        quantity=10,
        unit_price="4.50",
        month=3,
    )
    with frozen(MONDAY_8):
        purchase_plan_submit(actor=treasurer, plan=plan)
    plan.refresh_from_db()
    # Three working days of 07:30 to 16:30; reminded a quarter before
    assert plan.due_at == datetime(YEAR, 3, 5, 8, 0, tzinfo=SV)
    assert plan.remind_at == datetime(YEAR, 3, 4, 10, 15, tzinfo=SV)

    # Not yet
    assert review_due_sweep(now=plan.remind_at - timedelta(minutes=1)).reminded == 0
    # Reminded once: the department's reviewers (never the preparer nor another department)
    assert review_due_sweep(now=plan.remind_at).reminded == 1
    assert review_due_sweep(now=plan.remind_at + timedelta(minutes=5)).reminded == 0
    # Overdue: escalated once to the department's officers
    late = plan.due_at + timedelta(minutes=1)
    assert review_due_sweep(now=late).escalated == 1
    assert review_due_sweep(now=late + timedelta(minutes=5)).escalated == 0

    assert _events(plan) == [
        ("finance.review_reminded", [reviewer.pk]),
        ("finance.review_escalated", [officer.pk]),
    ]
    assert _notified("finance/review_due_soon") == [reviewer.pk]
    assert _notified("finance/review_overdue") == [officer.pk]
    message = OutboxMessage.objects.filter(template="finance/review_overdue").first()
    assert "Revisar el plan de compras" in message.subject
    assert message.link == reverse("finance:budget", args=[approved.pk]) + "#plan-de-compras"

    # The link opens for the people told; another department gets a 404
    for user, status in ((reviewer, 200), (officer, 200), (far_reviewer, 404), (far_officer, 404)):
        client.force_login(user)
        assert client.get(message.link).status_code == status

    # Reviewed: nothing more to sweep
    purchase_plan_review(actor=reviewer, plan=PurchasePlan.objects.get(pk=plan.pk), approve=True)
    result = review_due_sweep(now=late + timedelta(days=30))
    assert (result.reminded, result.escalated) == (0, 0)


def test_each_liquidation_step_has_its_own_clock(
    approved, director, reviewer, officer, far_officer, make_user
):
    colleague = make_user(
        role=Role.FINANCE_REVIEWER, scope_kind=ScopeKind.DEPARTMENT, target=approved.department
    )
    with frozen(MONDAY_8):
        liquidation = liquidation_confirm(actor=director, budget=approved)
    assert review_due_sweep(now=liquidation.remind_at).reminded == 1
    assert _notified("finance/review_due_soon") == sorted([reviewer.pk, colleague.pk])

    # Evaluated the next week: a new clock; the approvers are reminded (never the evaluator)
    evaluated_at = MONDAY_8 + timedelta(days=7)
    with frozen(evaluated_at):
        liquidation_evaluate(actor=reviewer, liquidation=liquidation, note="Conforme.")
    liquidation = Liquidation.objects.get(pk=liquidation.pk)
    assert liquidation.due_at == datetime(YEAR, 3, 12, 8, 0, tzinfo=SV)
    assert liquidation.reminded_at is None
    assert liquidation.escalated_at is None
    assert review_due_sweep(now=liquidation.remind_at).reminded == 1
    assert review_due_sweep(now=liquidation.due_at).escalated == 1
    result = review_due_sweep(now=liquidation.due_at + timedelta(hours=1))
    assert (result.reminded, result.escalated) == (0, 0)

    assert _events(liquidation) == [
        ("finance.review_reminded", [reviewer.pk, colleague.pk]),
        ("finance.review_reminded", sorted([officer.pk, colleague.pk])),
        ("finance.review_escalated", [officer.pk]),
    ]
    assert far_officer.pk not in _notified("finance/review_overdue")
