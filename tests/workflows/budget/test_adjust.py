"""Adjust and approve: the departmental reviewer holding the review changes line amounts (with
a reason, audited, months split again without losing a cent), the school reads the adjustment
on its budget page, and the approval checks the submission guards again. Nobody else adjusts:
the preparer, the submitter and another department get a 404, a reviewer of the department
who does not hold the task is refused; nothing changes."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.accounts.choices import Role, ScopeKind
from core.accounts.scopes import forget_grants
from core.accounts.services import role_grant
from core.audit.models import AuditEvent
from core.exceptions import Conflict
from core.work import task_acting_role
from core.workflow import task_action
from modules.finance.choices import BudgetStatus
from modules.finance.models import Budget, BudgetLine, BudgetLineAdjustment
from modules.finance.services import budget_lines_adjust
from workflows.budget.flows import BudgetFlow
from workflows.budget.selectors import budget_process_details
from workflows.budget.services import budget_step

from .conftest import open_task

pytestmark = pytest.mark.django_db

EVEN_1000 = [Decimal("83.34")] * 4 + [Decimal("83.33")] * 8


def take(actor, task):
    task_action(
        actor=actor, task=task, action="assign", role=task_acting_role(actor=actor, task=task)
    )
    task.refresh_from_db()
    return task


@pytest.fixture
def in_review(opened, treasurer, director):
    budget_step(actor=treasurer, task=open_task(opened, BudgetFlow.prepare), data={})
    budget_step(
        actor=director, task=open_task(opened, BudgetFlow.submit), data={"decision": "submit"}
    )
    return opened


def _line(process, code):
    return BudgetLine.objects.prefetch_related("months").get(
        budget_id=process.budget_id, category__code=code
    )


def _months(line):
    return [m.amount for m in line.months.order_by("month")]


def _amounts(process):
    return dict(BudgetLine.objects.filter(budget_id=process.budget_id).values_list("pk", "amount"))


def _post_adjust(client, process, changes, reason="Ajuste a la tabla de costos 2026."):
    data = {f"line_{pk}": str(amount) for pk, amount in _amounts(process).items()}
    for line, amount in changes.items():
        data[f"line_{line.pk}"] = amount
    data["reason"] = reason
    return client.post(reverse("finance:budget_adjust", args=[process.budget_id]), data)


def test_the_reviewer_adjusts_then_approves_and_the_school_sees_it(
    client, in_review, treasurer, reviewer
):
    review = take(reviewer, open_task(in_review, BudgetFlow.review))
    materials, upkeep, activities = (
        _line(in_review, "MAT-DIDACT"),
        _line(in_review, "MANTENIM"),
        _line(in_review, "ACT-EDUC"),
    )
    assert _months(materials) == EVEN_1000

    # The reviewer holding the task sees the adjust form and moves money between lines
    client.force_login(reviewer)
    page = client.get(reverse("finance:budget", args=[in_review.budget_id]))
    assert "Ajustar montos de la revisión" in page.content.decode()
    response = _post_adjust(
        client,
        in_review,
        {materials: "1233.33", upkeep: "1766.67", activities: "87.50"},
    )
    assert response.status_code == 302

    # Amounts changed exactly; each line's months split again in proportion, to the cent
    materials.refresh_from_db()
    upkeep.refresh_from_db()
    activities.refresh_from_db()
    assert (materials.amount, upkeep.amount, activities.amount) == (
        Decimal("1233.33"),
        Decimal("1766.67"),
        Decimal("87.50"),
    )
    assert _months(_line(in_review, "MAT-DIDACT")) == (
        [Decimal("102.79")] * 4 + [Decimal("102.78")] + [Decimal("102.77")] * 7
    )
    assert _months(_line(in_review, "MANTENIM")) == (
        [Decimal("147.23")] * 3 + [Decimal("147.22")] * 9
    )
    assert _months(_line(in_review, "ACT-EDUC")) == ([Decimal("7.30")] * 2 + [Decimal("7.29")] * 10)
    for code, amount in (("MAT-DIDACT", "1233.33"), ("MANTENIM", "1766.67"), ("ACT-EDUC", "87.50")):
        assert sum(_months(_line(in_review, code)), Decimal("0.00")) == Decimal(amount)

    # One audit event with before and after of every line and the reason
    event = AuditEvent.objects.get(action="finance.budget_lines_adjusted")
    assert event.actor_id == reviewer.pk
    assert event.payload["reason"] == "Ajuste a la tabla de costos 2026."
    changed = sorted((r["category"], r["before"], r["after"]) for r in event.payload["lines"])
    assert changed == [
        ("ACT-EDUC", "100.00", "87.50"),
        ("MANTENIM", "2000.00", "1766.67"),
        ("MAT-DIDACT", "1000.00", "1233.33"),
    ]
    months = {r["category"]: r["months_after"] for r in event.payload["lines"]}
    assert months["ACT-EDUC"]["1"] == "7.30"
    assert BudgetLineAdjustment.objects.filter(budget_id=in_review.budget_id).count() == 3

    # The task page tells the reviewer what they adjusted
    details = budget_process_details(process_pk=in_review.pk)
    assert {"label": "Ajustes del revisor", "value": "3 montos ajustados"} in [
        {"label": row["label"], "value": row["value"]} for row in details
    ]

    # «Ajustar y aprobar»: the guards still hold, the budget is approved
    budget_step(actor=reviewer, task=review, data={"decision": "adjust", "comment": ""})
    budget = Budget.objects.get(pk=in_review.budget_id)
    assert budget.status == BudgetStatus.APPROVED
    assert budget.approved_by_id == reviewer.pk
    assert AuditEvent.objects.get(action="budget.approve").payload["adjustments"] == 3

    # The school reads what the reviewer changed and why
    client.force_login(treasurer)
    html = client.get(reverse("finance:budget", args=[in_review.budget_id])).content.decode()
    assert "Ajustado por el revisor:" in html
    assert "de US$ 1000,00 a US$ 1233,33" in html
    assert "Ajuste a la tabla de costos 2026." in html
    assert "Ajustar montos de la revisión" not in html


def _nothing_changed(process, amounts_before):
    assert _amounts(process) == amounts_before
    assert not BudgetLineAdjustment.objects.exists()
    assert not AuditEvent.objects.filter(action="finance.budget_lines_adjusted").exists()
    assert Budget.objects.get(pk=process.budget_id).status == BudgetStatus.SUBMITTED


def test_only_the_reviewer_holding_the_task_adjusts(
    client, in_review, treasurer, director, reviewer, far_reviewer, make_user
):
    before = _amounts(in_review)
    materials = _line(in_review, "MAT-DIDACT")
    colleague = make_user(
        role=Role.FINANCE_REVIEWER, scope_kind=ScopeKind.DEPARTMENT, target=in_review.department
    )
    take(reviewer, open_task(in_review, BudgetFlow.review))

    # The preparer, the submitter and another department's reviewer: 404
    for outsider in (treasurer, director, far_reviewer):
        client.force_login(outsider)
        assert _post_adjust(client, in_review, {materials: "900.00"}).status_code == 404
    _nothing_changed(in_review, before)

    # A reviewer of the department who does not hold the task: refused, no form on the page
    client.force_login(colleague)
    page = client.get(reverse("finance:budget", args=[in_review.budget_id]))
    assert "Ajustar montos de la revisión" not in page.content.decode()
    response = _post_adjust(client, in_review, {materials: "900.00"})
    assert response.status_code == 302
    assert "Solo quien tiene la revisión" in client.get(response.url).content.decode()
    _nothing_changed(in_review, before)


def test_the_preparer_holding_the_reviewer_role_never_adjusts(in_review, treasurer, reviewer):
    role_grant(
        user=treasurer,
        role="finance_reviewer",
        scope_kind="department",
        target=in_review.department,
    )
    forget_grants(treasurer)
    before = _amounts(in_review)
    materials = _line(in_review, "MAT-DIDACT")
    with pytest.raises(PermissionDenied):
        budget_lines_adjust(
            actor=treasurer,
            budget=Budget.objects.get(pk=in_review.budget_id),
            amounts={materials.pk: "900.00"},
            reason="Intento",
        )
    _nothing_changed(in_review, before)


def test_a_reason_is_required_and_something_must_change(client, in_review, reviewer):
    take(reviewer, open_task(in_review, BudgetFlow.review))
    before = _amounts(in_review)
    materials = _line(in_review, "MAT-DIDACT")
    client.force_login(reviewer)
    _post_adjust(client, in_review, {materials: "900.00"}, reason="   ")
    _post_adjust(client, in_review, {})
    _nothing_changed(in_review, before)


def test_approval_refused_when_the_adjustment_breaks_a_guard(client, in_review, reviewer):
    review = take(reviewer, open_task(in_review, BudgetFlow.review))
    client.force_login(reviewer)
    # Less spent than the transfer: the transfer is no longer fully allocated
    _post_adjust(client, in_review, {_line(in_review, "MAT-DIDACT"): "900.00"})
    assert BudgetLineAdjustment.objects.count() == 1

    with pytest.raises(Conflict) as error:
        budget_step(actor=reviewer, task=review, data={"decision": "adjust", "comment": ""})
    assert "La transferencia del Ministerio no está asignada por completo" in error.value.reason
    assert Budget.objects.get(pk=in_review.budget_id).status == BudgetStatus.SUBMITTED
    assert not AuditEvent.objects.filter(action="budget.approve").exists()
    review.refresh_from_db()
    assert review.status == "ASSIGNED"

    # Plain approval is refused the same way; own spending above own income too
    with pytest.raises(Conflict):
        budget_step(actor=reviewer, task=review, data={"decision": "approve", "comment": ""})
    _post_adjust(
        client,
        in_review,
        {_line(in_review, "MAT-DIDACT"): "1000.00", _line(in_review, "ACT-EDUC"): "250.01"},
    )
    with pytest.raises(Conflict) as error:
        budget_step(actor=reviewer, task=review, data={"decision": "adjust", "comment": ""})
    assert "saldo negativo" in error.value.reason

    # Corrected: approved
    _post_adjust(client, in_review, {_line(in_review, "ACT-EDUC"): "250.00"})
    budget_step(actor=reviewer, task=review, data={"decision": "adjust", "comment": ""})
    assert Budget.objects.get(pk=in_review.budget_id).status == BudgetStatus.APPROVED


def test_adjust_and_approve_needs_an_adjustment(in_review, reviewer):
    review = take(reviewer, open_task(in_review, BudgetFlow.review))
    with pytest.raises(Conflict) as error:
        budget_step(actor=reviewer, task=review, data={"decision": "adjust", "comment": ""})
    assert error.value.code == "no_adjustments"
    assert Budget.objects.get(pk=in_review.budget_id).status == BudgetStatus.SUBMITTED


def test_no_adjustment_outside_the_review(client, opened, reviewer):
    # Still being prepared: there is no review task, and the status is not "formulado"
    before = _amounts(opened)
    client.force_login(reviewer)
    _post_adjust(client, opened, {_line(opened, "MAT-DIDACT"): "900.00"})
    assert _amounts(opened) == before
    assert not BudgetLineAdjustment.objects.exists()
