"""The rules of school finances, through the services: submission guards, separation of duties,
approved budgets locked without an authorisation, supplier NIT, exact totals."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.audit.models import AuditEvent
from core.exceptions import Conflict
from modules.finance.choices import BudgetStatus, PaymentStatus
from modules.finance.models import (
    BankAccount,
    Budget,
    BudgetLine,
    BudgetLineMonth,
    Invoice,
    Payment,
)
from modules.finance.services import (
    bank_account_open,
    budget_adjustment_approve,
    budget_approve,
    budget_change_authorise,
    budget_create,
    budget_line_add,
    budget_observe,
    budget_submit,
    fiscal_year_close,
    invoice_record,
    payment_authorise,
    payment_prepare,
    reconciliation_record,
)

from .conftest import YEAR, add_lines

pytestmark = pytest.mark.django_db

NIT = "0614-050707-104-8"


@pytest.fixture
def budget(treasurer, school, allocation):
    return budget_create(actor=treasurer, school=school, year=YEAR)


@pytest.fixture
def approved(budget, treasurer, director, reviewer, categories):
    add_lines(treasurer, budget, categories)
    budget_submit(actor=director, budget=budget)
    return budget_approve(actor=reviewer, budget=budget)


def _state(budget):
    return Budget.objects.values_list("status", flat=True).get(pk=budget.pk)


# --- Totals and the monthly distribution ------------------------------------------------------


def test_a_line_is_spread_over_the_months_without_losing_a_cent(budget, treasurer, categories):
    line = budget_line_add(
        actor=treasurer,
        budget=budget,
        kind="expense",
        source="transfer",
        category=categories["MAT-DIDACT"],
        description="Papel",
        amount="1000.01",
    )

    months = list(BudgetLineMonth.objects.filter(line=line).values_list("amount", flat=True))
    assert len(months) == 12
    assert sum(months) == Decimal("1000.01")
    assert budget.months_add_up()


def test_a_given_distribution_must_add_up_to_the_line(budget, treasurer, categories):
    with pytest.raises(ValidationError) as error:
        budget_line_add(
            actor=treasurer,
            budget=budget,
            kind="expense",
            source="own",
            category=categories["ACT-EDUC"],
            description="Festival",
            amount="100.00",
            months={3: "60.00", 9: "39.99"},
        )

    assert "months" in error.value.message_dict
    assert not BudgetLine.objects.exists()


def test_totals_are_exact_decimal_sums(budget, treasurer, categories):
    for amount in ("0.10", "0.20", "0.70"):
        budget_line_add(
            actor=treasurer,
            budget=budget,
            kind="income",
            source="own",
            category=categories["ING-PROPIOS"],
            description="Rifa",
            amount=amount,
        )

    assert budget.own_balance() == Decimal("1.00")


def test_a_negative_or_malformed_amount_is_refused(budget, treasurer, categories):
    for amount in ("-5", "doce", "1e20"):
        with pytest.raises(ValidationError):
            budget_line_add(
                actor=treasurer,
                budget=budget,
                kind="income",
                source="own",
                category=categories["ING-PROPIOS"],
                description="x",
                amount=amount,
            )
    assert not BudgetLine.objects.exists()


# --- Submission guards ------------------------------------------------------------------------


def test_submit_refused_while_the_transfer_is_not_fully_allocated(
    budget, treasurer, director, categories
):
    add_lines(treasurer, budget, categories, transfer_expense="2999.99")

    with pytest.raises(Conflict) as error:
        budget_submit(actor=director, budget=budget)

    assert "transferencia" in error.value.reason
    assert _state(budget) == BudgetStatus.IN_PROGRESS
    assert not AuditEvent.objects.filter(action="budget.submit").exists()


def test_submit_refused_without_any_allocation(treasurer, director, school, categories):
    budget = budget_create(actor=treasurer, school=school, year=YEAR)
    add_lines(treasurer, budget, categories)

    with pytest.raises(Conflict):
        budget_submit(actor=director, budget=budget)
    assert _state(budget) == BudgetStatus.IN_PROGRESS


def test_submit_refused_when_own_spending_exceeds_own_income(
    budget, treasurer, director, categories
):
    add_lines(treasurer, budget, categories, own_expense="250.01")

    with pytest.raises(Conflict) as error:
        budget_submit(actor=director, budget=budget)

    assert "propios" in error.value.reason
    assert _state(budget) == BudgetStatus.IN_PROGRESS


def test_submit_with_both_guards_met(budget, treasurer, director, categories):
    add_lines(treasurer, budget, categories, own_expense="250.00")

    budget_submit(actor=director, budget=budget)

    budget.refresh_from_db()
    assert budget.status == BudgetStatus.SUBMITTED
    assert budget.submitted_by == director


def test_only_the_director_submits(budget, treasurer, categories):
    add_lines(treasurer, budget, categories)

    with pytest.raises(PermissionDenied):
        budget_submit(actor=treasurer, budget=budget)
    assert _state(budget) == BudgetStatus.IN_PROGRESS


# --- Review and separation of duties -----------------------------------------------------------


def test_observing_needs_a_comment_and_sends_the_budget_back(
    budget, treasurer, director, reviewer, categories
):
    add_lines(treasurer, budget, categories)
    budget_submit(actor=director, budget=budget)

    with pytest.raises(ValidationError):
        budget_observe(actor=reviewer, budget=budget, comment="  ")
    assert _state(budget) == BudgetStatus.SUBMITTED

    budget_observe(actor=reviewer, budget=budget, comment="Detalle el mantenimiento.")
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.OBSERVED
    assert budget.review_comment == "Detalle el mantenimiento."


def test_the_preparer_can_never_approve(budget, treasurer, director, categories):
    from core.accounts.services import role_grant

    # The treasurer also holds the finance reviewer role in the department
    role_grant(
        user=treasurer,
        role="finance_reviewer",
        scope_kind="department",
        target=budget.school.municipality.department,
    )
    from core.accounts.scopes import forget_grants

    forget_grants(treasurer)
    add_lines(treasurer, budget, categories)
    budget_submit(actor=director, budget=budget)

    with pytest.raises(PermissionDenied):
        budget_approve(actor=treasurer, budget=budget)
    assert _state(budget) == BudgetStatus.SUBMITTED
    assert not AuditEvent.objects.filter(action="budget.approve").exists()


def test_a_reviewer_of_another_department_cannot_approve(
    budget, treasurer, director, far_reviewer, categories
):
    add_lines(treasurer, budget, categories)
    budget_submit(actor=director, budget=budget)

    with pytest.raises(PermissionDenied):
        budget_approve(actor=far_reviewer, budget=budget)
    assert _state(budget) == BudgetStatus.SUBMITTED


# --- An approved budget is locked -------------------------------------------------------------


def test_an_approved_budget_refuses_edits_without_authorisation(approved, treasurer, categories):
    lines_before = BudgetLine.objects.count()

    with pytest.raises(Conflict) as error:
        budget_line_add(
            actor=treasurer,
            budget=approved,
            kind="expense",
            source="own",
            category=categories["ACT-EDUC"],
            description="Otra",
            amount="10.00",
        )

    assert error.value.code == "budget_locked"
    assert BudgetLine.objects.count() == lines_before


def test_an_authorised_change_is_audited_and_reapproved(approved, treasurer, reviewer, categories):
    with pytest.raises(ValidationError):
        budget_change_authorise(actor=reviewer, budget=approved, reason="")
    assert _state(approved) == BudgetStatus.APPROVED

    budget_change_authorise(actor=reviewer, budget=approved, reason="Donación recibida")
    budget_line_add(
        actor=treasurer,
        budget=approved,
        kind="income",
        source="own",
        category=categories["ING-DONAC"],
        description="Donación",
        amount="40.00",
    )
    budget_adjustment_approve(actor=reviewer, budget=approved)

    assert _state(approved) == BudgetStatus.APPROVED
    event = AuditEvent.objects.get(action="budget.authorise_change")
    assert event.actor_id == reviewer.pk
    assert event.payload["reason"] == "Donación recibida"


def test_year_end_closes_approved_budgets_once(approved):
    assert fiscal_year_close(year=YEAR) == 1
    assert _state(approved) == BudgetStatus.CLOSED
    assert fiscal_year_close(year=YEAR) == 0


# --- Execution --------------------------------------------------------------------------------


@pytest.fixture
def account(treasurer, school):
    return bank_account_open(
        actor=treasurer,
        school=school,
        bank="Banco Agrícola",
        number="1234-5678",
        opening_balance="3000",
    )


def _invoice(approved, treasurer, **extra):
    line = approved.lines.get(category__code="MAT-DIDACT")
    data = {
        "supplier_name": "Librería Central, S.A. de C.V.",
        "supplier_nit": NIT,
        "number": "F-1",
        "issued_on": date(YEAR, 3, 2),
        "amount": "120.50",
        **extra,
    }
    return invoice_record(actor=treasurer, line=line, **data)


@pytest.mark.parametrize("nit", ["0614-050707-104-9", "123", "", "ABCD-050707-104-8"])
def test_an_invalid_supplier_nit_is_refused_and_nothing_saved(approved, treasurer, nit):
    with pytest.raises(ValidationError) as error:
        _invoice(approved, treasurer, supplier_nit=nit)

    assert "supplier_nit" in error.value.message_dict
    assert not Invoice.objects.exists()


def test_a_valid_nit_is_stored_compact(approved, treasurer):
    invoice = _invoice(approved, treasurer)

    assert invoice.supplier_nit == "06140507071048"
    assert invoice.category.code == "MAT-DIDACT"


def test_invoices_cannot_exceed_their_line(approved, treasurer):
    _invoice(approved, treasurer, amount="999.99")

    with pytest.raises(ValidationError):
        _invoice(approved, treasurer, number="F-2", amount="0.02")
    assert Invoice.objects.count() == 1


def test_no_invoice_before_approval(budget, treasurer, categories):
    add_lines(treasurer, budget, categories)
    line = budget.lines.get(category__code="MAT-DIDACT")

    with pytest.raises(Conflict):
        invoice_record(
            actor=treasurer,
            line=line,
            supplier_name="X",
            supplier_nit=NIT,
            number="1",
            issued_on=date(YEAR, 1, 5),
            amount="1.00",
        )
    assert not Invoice.objects.exists()


def test_a_cheque_needs_two_different_people(approved, treasurer, director, account):
    from core.accounts.scopes import forget_grants
    from core.accounts.services import role_grant

    # One person holding both school roles prepares a cheque...
    role_grant(user=treasurer, role="director", scope_kind="school", target=approved.school)
    forget_grants(treasurer)
    payment = payment_prepare(
        actor=treasurer,
        invoice=_invoice(approved, treasurer),
        method="cheque",
        account=account,
        cheque_number="0001",
    )

    # ...and cannot also authorise it
    with pytest.raises(PermissionDenied):
        payment_authorise(actor=treasurer, payment=payment)
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PREPARED
    assert not AuditEvent.objects.filter(action="payment.authorise").exists()

    # The director (another person) signs it
    payment_authorise(actor=director, payment=payment)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.AUTHORISED
    assert payment.authorised_by == director
    assert payment.paid_on is not None


def test_the_database_refuses_one_signer_for_both(approved, treasurer, account):
    payment = payment_prepare(
        actor=treasurer,
        invoice=_invoice(approved, treasurer),
        method="cheque",
        account=account,
        cheque_number="0002",
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(authorised_by=treasurer)


def test_a_cheque_needs_an_account_and_a_number(approved, treasurer):
    with pytest.raises(ValidationError):
        payment_prepare(
            actor=treasurer, invoice=_invoice(approved, treasurer), method="cheque", account=None
        )
    assert not Payment.objects.exists()


@pytest.mark.parametrize("number", ["1234-٥٦٧٨", "1234-5678²", "\uff11234-5678"])
def test_a_bank_account_number_takes_ascii_digits_only(treasurer, school, number):
    # Arabic-Indic, superscript and full-width digits are digits to str.isdigit().
    with pytest.raises(ValidationError) as error:
        bank_account_open(actor=treasurer, school=school, bank="Banco Agrícola", number=number)

    assert error.value.message_dict["number"] == [
        "El número de cuenta solo lleva dígitos y guiones."
    ]
    assert not BankAccount.objects.exists()
    assert not AuditEvent.objects.filter(action="finance.bank_account_opened").exists()


@pytest.mark.parametrize("cheque_number", ["٠٠٠٤", "0004²", "\uff10004"])
def test_a_cheque_number_takes_ascii_digits_only(approved, treasurer, account, cheque_number):
    invoice = _invoice(approved, treasurer)

    with pytest.raises(ValidationError) as error:
        payment_prepare(
            actor=treasurer,
            invoice=invoice,
            method="cheque",
            account=account,
            cheque_number=cheque_number,
        )

    assert error.value.message_dict["cheque_number"] == ["Escriba el número del cheque (dígitos)."]
    assert not Payment.objects.exists()


def test_the_director_cannot_prepare_a_payment(approved, treasurer, director):
    with pytest.raises(PermissionDenied):
        payment_prepare(actor=director, invoice=_invoice(approved, treasurer), method="petty_cash")
    assert not Payment.objects.exists()


def test_reconciliation_sets_the_statement_against_the_books(
    approved, treasurer, director, account
):
    payment = payment_prepare(
        actor=treasurer,
        invoice=_invoice(approved, treasurer),
        method="cheque",
        account=account,
        cheque_number="0003",
    )
    payment_authorise(actor=director, payment=payment)
    payment.refresh_from_db()

    with pytest.raises(ValidationError):
        reconciliation_record(
            actor=treasurer, account=account, month=payment.paid_on, statement_balance="3000.00"
        )
    row = reconciliation_record(
        actor=treasurer, account=account, month=payment.paid_on, statement_balance="2879.50"
    )

    assert row.month == payment.paid_on.replace(day=1)
    assert row.book_balance == Decimal("2879.50")
    assert row.difference == Decimal("0.00")


# --- Purchase plan and liquidation ----------------------------------------------------------


def test_a_purchase_plan_needs_an_approved_budget(budget, treasurer, categories):
    from modules.finance.models import PurchasePlan
    from modules.finance.services import purchase_plan_create

    add_lines(treasurer, budget, categories)
    with pytest.raises(Conflict):
        purchase_plan_create(actor=treasurer, budget=budget)
    assert not PurchasePlan.objects.exists()


def test_the_purchase_plan_has_its_own_review(approved, treasurer, reviewer):
    from core.accounts.scopes import forget_grants
    from core.accounts.services import role_grant
    from modules.finance.choices import PurchasePlanStatus
    from modules.finance.services import (
        purchase_item_add,
        purchase_plan_create,
        purchase_plan_review,
        purchase_plan_submit,
    )

    plan = purchase_plan_create(actor=treasurer, budget=approved)
    line = approved.lines.get(category__code="MAT-DIDACT")
    with pytest.raises(ValidationError):  # 3 x 400.00 exceeds the 1000.00 line
        purchase_item_add(
            actor=treasurer,
            plan=plan,
            line=line,
            description="Pupitres",
            quantity=3,
            unit_price="400.00",
            month=2,
        )
    item = purchase_item_add(
        actor=treasurer,
        plan=plan,
        line=line,
        description="Resmas de papel",
        quantity=3,
        unit_price="4.333",
        month=2,
    )
    assert item.unit_price == Decimal("4.33")  # rounded to the cent, half to even
    assert item.total == Decimal("12.99")
    purchase_plan_submit(actor=treasurer, plan=plan)

    # The preparer, even holding the reviewer role, cannot review it
    role_grant(
        user=treasurer, role="finance_reviewer", scope_kind="department", target=approved.department
    )
    forget_grants(treasurer)
    with pytest.raises(PermissionDenied):
        purchase_plan_review(actor=treasurer, plan=plan, approve=True)

    with pytest.raises(ValidationError):
        purchase_plan_review(actor=reviewer, plan=plan, approve=False, comment="")
    purchase_plan_review(actor=reviewer, plan=plan, approve=False, comment="Cotice dos veces.")
    plan.refresh_from_db()
    assert plan.status == PurchasePlanStatus.OBSERVED
    purchase_plan_submit(actor=treasurer, plan=plan)
    purchase_plan_review(actor=reviewer, plan=plan, approve=True)
    plan.refresh_from_db()
    assert plan.status == PurchasePlanStatus.APPROVED
    assert plan.approved_by == reviewer


def test_the_liquidation_accounts_for_every_cent(
    approved, treasurer, director, reviewer, make_user, account
):
    from modules.finance.choices import LiquidationStatus
    from modules.finance.services import (
        liquidation_approve,
        liquidation_confirm,
        liquidation_evaluate,
    )

    payment = payment_prepare(
        actor=treasurer,
        invoice=_invoice(approved, treasurer, amount="120.55"),
        method="cheque",
        account=account,
        cheque_number="0009",
    )
    payment_authorise(actor=director, payment=payment)

    liquidation = liquidation_confirm(actor=director, budget=approved, supplier_returns="0.45")

    # 3000.00 received + 0.45 returned - 120.55 paid = 2879.90 back to the ministry
    assert liquidation.received == Decimal("3000.00")
    assert liquidation.executed == Decimal("120.55")
    assert liquidation.refund == Decimal("2879.90")
    liquidation_evaluate(actor=reviewer, liquidation=liquidation, note="Conforme.")
    with pytest.raises(PermissionDenied):
        liquidation_approve(actor=reviewer, liquidation=liquidation)
    officer = make_user(
        role="departmental_officer", scope_kind="department", target=approved.department
    )
    liquidation_approve(actor=officer, liquidation=liquidation)
    liquidation.refresh_from_db()
    assert liquidation.status == LiquidationStatus.APPROVED


def test_the_department_totals_follow_approvals_and_payments(
    approved, treasurer, director, account
):
    from modules.finance.models import DepartmentTotal

    def totals():
        return {
            t.category.code: (t.budgeted, t.executed)
            for t in DepartmentTotal.objects.filter(
                fiscal_year_id=YEAR, department_id=approved.department_id
            )
        }

    # Approval published the expense lines
    assert totals() == {
        "MAT-DIDACT": (Decimal("1000.00"), Decimal("0.00")),
        "MANTENIM": (Decimal("2000.00"), Decimal("0.00")),
        "ACT-EDUC": (Decimal("100.00"), Decimal("0.00")),
    }
    payment = payment_prepare(
        actor=treasurer,
        invoice=_invoice(approved, treasurer, amount="0.01"),
        method="cheque",
        account=account,
        cheque_number="0010",
    )
    assert totals()["MAT-DIDACT"][1] == Decimal("0.00")  # prepared is not executed

    payment_authorise(actor=director, payment=payment)

    assert totals()["MAT-DIDACT"] == (Decimal("1000.00"), Decimal("0.01"))
