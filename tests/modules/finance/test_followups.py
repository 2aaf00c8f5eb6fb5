"""Purchase plan and liquidation on the budget page, and in the department's Bandeja."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.accounts.choices import Role, ScopeKind
from core.work.bandeja import work_queue
from modules.finance.choices import LiquidationStatus, PurchasePlanStatus
from modules.finance.models import Liquidation, PurchasePlan
from modules.finance.services import budget_approve, budget_create, budget_submit

from .conftest import YEAR, add_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(treasurer, director, reviewer, school, allocation, categories):
    budget = budget_create(actor=treasurer, school=school, year=YEAR)
    add_lines(treasurer, budget, categories)
    budget_submit(actor=director, budget=budget)
    return budget_approve(actor=reviewer, budget=budget)


def _titles(user):
    return [item.title for item in work_queue(actor=user).available.items]


def test_purchase_plan_prepared_reviewed_from_the_bandeja(
    client, approved, treasurer, reviewer, far_reviewer
):
    client.force_login(treasurer)
    client.post(reverse("finance:plan_create", args=[approved.pk]))
    plan = PurchasePlan.objects.get()
    line = approved.lines.get(category__code="MAT-DIDACT")
    client.post(
        reverse("finance:plan_item_add", args=[plan.pk]),
        {
            "line": line.pk,
            "description": "Resmas",
            "quantity": "10",
            "unit_price": "4.50",
            "month": "3",
        },
    )
    client.post(reverse("finance:plan_submit", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PurchasePlanStatus.IN_REVIEW
    assert plan.items.get().total == Decimal("45.00")
    assert plan.due_at is not None

    # In the department's reviewer's Bandeja, not in another department's
    title = f"Plan de compras {approved.school.code} · {YEAR}"
    assert title in _titles(reviewer)
    assert title not in _titles(far_reviewer)

    # Another department's reviewer: 404, nothing changes
    client.force_login(far_reviewer)
    response = client.post(reverse("finance:plan_review", args=[plan.pk]), {"decision": "approve"})
    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.status == PurchasePlanStatus.IN_REVIEW

    client.force_login(reviewer)
    response = client.post(reverse("finance:plan_review", args=[plan.pk]), {"decision": "approve"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PurchasePlanStatus.APPROVED
    assert title not in _titles(reviewer)


def test_liquidation_confirmed_evaluated_approved(client, approved, director, reviewer, make_user):
    officer = make_user(
        role=Role.DEPARTMENTAL_OFFICER, scope_kind=ScopeKind.DEPARTMENT, target=approved.department
    )
    client.force_login(director)
    client.post(
        reverse("finance:liquidation_confirm", args=[approved.pk]), {"supplier_returns": "0"}
    )
    liquidation = Liquidation.objects.get()
    assert liquidation.refund == Decimal("3000.00")  # nothing paid yet
    title = f"Liquidación {approved.school.code} · {YEAR}"
    assert title in _titles(reviewer)
    assert title not in _titles(officer)

    client.force_login(reviewer)
    client.post(
        reverse("finance:liquidation_evaluate", args=[liquidation.pk]), {"note": "Conforme."}
    )
    liquidation.refresh_from_db()
    assert liquidation.status == LiquidationStatus.EVALUATED
    assert title in _titles(officer)
    assert title not in _titles(reviewer)  # the evaluator never approves

    client.force_login(officer)
    client.post(reverse("finance:liquidation_approve", args=[liquidation.pk]))
    liquidation.refresh_from_db()
    assert liquidation.status == LiquidationStatus.APPROVED
