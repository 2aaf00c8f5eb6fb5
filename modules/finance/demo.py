"""Demo data: the budget categories (from the migration, loaded again if missing), and for
DEMO-001 a board, a bank account with one month reconciled and the 2025 and 2026 transfer
allocations; the 2026 transfer is also allocated to three more demo schools, in other states
(requested, authorised, closed), so the transfer page shows the whole lifecycle. The budgets
themselves are opened by the budget process's demo step (workflows layer)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.accounts.models import User
from core.accounts.services import person_create
from core.demo import DemoContext
from modules.schools.models import School

from .catalogue import categories_load
from .choices import AllocationStatus, BoardRole
from .models import Allocation, BankAccount, BankReconciliation, Board, BoardMember, Transfer
from .services import (
    allocation_advance,
    allocation_create,
    bank_account_open,
    board_create,
    board_member_add,
    reconciliation_record,
    transfer_create,
)

# 2025: approved and executed (the transparency page); 2026: in review.
DEMO_YEARS = (2025, 2026)
DEMO_SCHOOL = "DEMO-001"
DEMO_TRANSFER = "Transferencia de funcionamiento"
DEMO_ALLOCATION = "4800.00"
# Other members of the demo board (DUIs of the finance demo range).
BOARD_PEOPLE = (
    ("02026401-4", "Ana Gabriela", "Orellana Paz", BoardRole.SECRETARY),
    ("02026402-2", "José Manuel", "Rivas Hernández", BoardRole.TEACHER),
    ("02026403-0", "María Teresa", "Flores de Ayala", BoardRole.PARENT),
    ("02026404-8", "Carmen Elena", "Argueta Soto", BoardRole.PARENT),
    ("02026405-6", "Daniel Alejandro", "Mejía Rivas", BoardRole.STUDENT),
)
# More schools allocated from the 2026 transfer: (code, amount, the steps taken).
OTHER_ALLOCATIONS = (
    ("DEMO-002", "3600.00", ()),
    ("DEMO-003", "3000.00", ("authorise",)),
    ("DEMO-005", "2400.00", ("authorise", "mark_transferred", "close")),
)
# The month reconciled: the bank charged a fee the books did not have yet.
RECONCILED_MONTH = date(2025, 3, 1)


def _user(dui: str) -> User:
    return User.objects.select_related("person").get(dui=dui)


def seed_finance(context: DemoContext) -> None:
    from django.apps import apps

    from core.accounts.models import Person

    context.count("budget categories", categories_load(apps))
    school = School.objects.select_related("municipality").get(code=DEMO_SCHOOL)
    director, treasurer = _user("02026006-0"), _user("02026012-5")
    officer = _user("02026008-6")  # the ministry officer (national)
    board = Board.objects.filter(school=school).first()
    if board is None:
        board = board_create(
            actor=director, school=school, term_start=date(2025, 3, 1), term_end=date(2027, 2, 28)
        )
        context.count("boards")
        board_member_add(
            actor=director, board=board, person=director.person, role=BoardRole.PRESIDENT
        )
        board_member_add(
            actor=director, board=board, person=treasurer.person, role=BoardRole.TREASURER
        )
        for dui, first, last, role in BOARD_PEOPLE:
            person = Person.objects.filter(dui=dui).first() or person_create(
                dui=dui, first_names=first, last_names=last
            )
            board_member_add(actor=director, board=board, person=person, role=role)
        context.count("board members", BoardMember.objects.filter(board=board).count())
    if not BankAccount.objects.filter(school=school).exists():
        bank_account_open(
            actor=treasurer,
            school=school,
            bank="Banco Hipotecario",
            number="00-120-004521-7",
            opening_balance="4800.00",
        )
        context.count("bank accounts")
    for year in DEMO_YEARS:
        _allocation(context, school, officer, year)
    _other_allocations(context, officer)
    _reconciliation(context, school, treasurer)


def _other_allocations(context: DemoContext, officer: User) -> None:
    transfer = Transfer.objects.get(fiscal_year_id=DEMO_YEARS[-1], name=DEMO_TRANSFER)
    for code, amount, steps in OTHER_ALLOCATIONS:
        school = School.objects.select_related("municipality").filter(code=code).first()
        if school is None or Allocation.objects.filter(transfer=transfer, school=school).exists():
            continue
        allocation = allocation_create(
            actor=officer, transfer=transfer, school=school, amount=amount
        )
        for action in steps:
            allocation = allocation_advance(actor=officer, allocation=allocation, action=action)
        context.count("allocations")


def _reconciliation(context: DemoContext, school: School, treasurer: User) -> None:
    account = BankAccount.objects.filter(school=school).order_by("pk").first()
    if account is None or BankReconciliation.objects.filter(account=account).exists():
        return
    reconciliation_record(
        actor=treasurer,
        account=account,
        month=RECONCILED_MONTH,
        statement_balance=account.opening_balance - Decimal("4.50"),
        note="Comisión bancaria por la chequera, cargada por el banco el 31/03/2025.",
    )
    context.count("bank reconciliations")


def _allocation(context: DemoContext, school: School, officer: User, year: int) -> None:
    transfer = Transfer.objects.filter(fiscal_year_id=year, name=DEMO_TRANSFER).first()
    if transfer is None:
        transfer = transfer_create(
            actor=officer,
            year=year,
            name=DEMO_TRANSFER,
            total="1500000.00",
            school_ceiling="6000.00",
        )
        context.count("transfers")
    allocation = Allocation.objects.filter(transfer=transfer, school=school).first()
    if allocation is None:
        allocation = allocation_create(
            actor=officer, transfer=transfer, school=school, amount=DEMO_ALLOCATION
        )
        context.count("allocations")
    for action, state in (
        ("authorise", AllocationStatus.REQUESTED),
        ("mark_transferred", AllocationStatus.AUTHORISED),
    ):
        if allocation.status == state:
            allocation_advance(actor=officer, allocation=allocation, action=action)
