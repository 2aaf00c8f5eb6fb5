"""Demo: DEMO-001's budgets. 2025 went through the whole process (approved by the demo finance
reviewer, with invoices and two-signature payments: the transparency page has data; then an
authorised change added a donation and was approved again); 2026 was
prepared by the demo treasurer and submitted by the demo director, and waits in the demo
finance reviewer's Bandeja (Lemus Cañas, department 06)."""

from __future__ import annotations

from datetime import date

from viewflow.workflow.models import Task

from core.accounts.models import User
from core.demo import DemoContext
from modules.finance.choices import PaymentMethod
from modules.finance.models import BankAccount, Budget, BudgetLine, Category
from modules.finance.services import (
    budget_adjustment_approve,
    budget_change_authorise,
    budget_line_add,
    invoice_record,
    payment_authorise,
    payment_prepare,
)
from modules.schools.models import School

from .flows import BudgetFlow
from .models import BudgetProcess
from .services import budget_process_open, budget_step

# (kind, source, category code, description, amount)
DEMO_LINES = (
    ("income", "transfer", "ING-TRANSF", "Transferencia de funcionamiento", "4800.00"),
    ("income", "own", "ING-PROPIOS", "Tienda escolar y actividades", "650.00"),
    ("expense", "transfer", "MAT-DIDACT", "Materiales didácticos y de oficina", "1450.00"),
    ("expense", "transfer", "SERV-BASIC", "Agua, energía e internet", "1350.00"),
    ("expense", "transfer", "MANTENIM", "Mantenimiento de aulas y sanitarios", "1600.00"),
    ("expense", "transfer", "LIMPIEZA", "Artículos de limpieza", "400.00"),
    ("expense", "own", "ACT-EDUC", "Actividades culturales y deportivas", "500.00"),
)
# (category code, supplier, supplier NIT, number, issued on, amount, cheque number or "")
DEMO_INVOICES = (
    (
        "MAT-DIDACT",
        "Librería La Ceiba, S.A. de C.V.",
        "0614-050707-104-8",
        "F-10231",
        date(2025, 2, 14),
        "612.40",
        "000101",
    ),
    (
        "SERV-BASIC",
        "Distribuidora Eléctrica del Centro",
        "0614-050707-104-8",
        "F-55012",
        date(2025, 3, 31),
        "118.75",
        "000102",
    ),
    (
        "MANTENIM",
        "Ferretería El Progreso",
        "0614-050707-104-8",
        "F-2207",
        date(2025, 4, 22),
        "845.00",
        "000103",
    ),
    (
        "LIMPIEZA",
        "Ferretería El Progreso",
        "0614-050707-104-8",
        "R-118",
        date(2025, 5, 6),
        "36.50",
        "",
    ),
)


def seed_budget_process(context: DemoContext) -> None:
    school = School.objects.select_related("municipality").get(code="DEMO-001")
    treasurer = User.objects.get(dui="02026012-5")
    director = User.objects.get(dui="02026006-0")
    reviewer = User.objects.get(dui="02026014-1")
    if not Budget.objects.filter(school=school, fiscal_year_id=2025).exists():
        process = _submitted(school, treasurer, director, 2025)
        budget_step(
            actor=reviewer,
            task=_open(process, BudgetFlow.review),
            data={
                "decision": "approve",
                "comment": "Conforme a la transferencia.",
            },
        )
        _execute(process.budget, treasurer, director)
        _authorised_change(process.budget, treasurer, reviewer)
        context.count("budgets")
    if not Budget.objects.filter(school=school, fiscal_year_id=2026).exists():
        _submitted(school, treasurer, director, 2026)
        context.count("budgets")


def _submitted(school: School, treasurer: User, director: User, year: int) -> BudgetProcess:
    process = budget_process_open(actor=treasurer, school=school, year=year)
    categories = {c.code: c for c in Category.objects.all()}
    for kind, source, code, description, amount in DEMO_LINES:
        budget_line_add(
            actor=treasurer,
            budget=process.budget,
            kind=kind,
            source=source,
            category=categories[code],
            description=f"{description} {year}" if code == "ING-TRANSF" else description,
            amount=amount,
        )
    budget_step(actor=treasurer, task=_open(process, BudgetFlow.prepare), data={})
    budget_step(actor=director, task=_open(process, BudgetFlow.submit), data={"decision": "submit"})
    return process


def _execute(budget: Budget, treasurer: User, director: User) -> None:
    account = BankAccount.objects.filter(school_id=budget.school_id).first()
    for code, supplier, nit, number, issued_on, amount, cheque in DEMO_INVOICES:
        line = BudgetLine.objects.filter(budget=budget, category__code=code).first()
        invoice = invoice_record(
            actor=treasurer,
            line=line,
            supplier_name=supplier,
            supplier_nit=nit,
            number=number,
            issued_on=issued_on,
            amount=amount,
        )
        method = PaymentMethod.CHEQUE if cheque else PaymentMethod.PETTY_CASH
        payment = payment_prepare(
            actor=treasurer, invoice=invoice, method=method, account=account, cheque_number=cheque
        )
        payment_authorise(actor=director, payment=payment)


def _authorised_change(budget: Budget, treasurer: User, reviewer: User) -> None:
    """A change of the approved 2025 budget: authorised by the reviewer with a reason, a
    donation added by the treasurer, approved again (all in the audit trail)."""
    budget_change_authorise(
        actor=reviewer,
        budget=budget,
        reason="Donación de la alcaldía para la biblioteca escolar.",
    )
    budget_line_add(
        actor=treasurer,
        budget=budget,
        kind="income",
        source="own",
        category=Category.objects.get(code="ING-DONAC"),
        description="Donación de la alcaldía",
        amount="300.00",
    )
    budget_adjustment_approve(actor=reviewer, budget=budget)


def _open(process: BudgetProcess, node: object) -> Task:
    return Task.objects.get(process=process, flow_task=node, status__in=["NEW", "ASSIGNED"])
