"""Reads of school finances: scoped for staff (``core.accounts.scopes``: outside the actor's
scope → 404), and the public transparency totals (aggregates by category only: no names of
people, no suppliers, no invoices).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, Prefetch, QuerySet, Sum, Value, When
from django.http import Http404

from core.accounts.choices import Role
from core.accounts.scopes import ScopePaths, get_in_scope_or_404, scope_filter
from modules.schools.models import Department, School

from .choices import (
    PUBLISHED_BUDGET_STATES,
    AllocationStatus,
    BoardRole,
    LineKind,
    LiquidationStatus,
    PaymentStatus,
    PurchasePlanStatus,
)
from .models import (
    Allocation,
    BankAccount,
    BankReconciliation,
    Board,
    BoardMember,
    Budget,
    BudgetLine,
    Category,
    DepartmentTotal,
    FiscalYear,
    Invoice,
    Liquidation,
    Payment,
    PurchasePlan,
    Transfer,
)
from .money import ZERO, money_sum, percent, to_money

# Who reads budgets, and how a budget reaches the scope targets.
BUDGET_READERS = (
    Role.TREASURER,
    Role.DIRECTOR,
    Role.FINANCE_REVIEWER,
    Role.DEPARTMENTAL_OFFICER,
    Role.MINISTRY_OFFICER,
    Role.AUDITOR,
)
BUDGET_PATHS = ScopePaths(
    department="department_id", municipality="school__municipality_id", school="school_id"
)
SCHOOL_PATHS = ScopePaths(
    department="municipality__department_id", municipality="municipality_id", school="id"
)


def budget_list(
    actor: Any,
    *,
    year: int | None = None,
    department_id: int | None = None,
    status: str = "",
    school_code: str = "",
) -> QuerySet[Budget]:
    """The budgets ``actor`` may read, filtered, with their totals (one query)."""
    budgets = scope_filter(
        actor, Budget.objects.all(), roles=BUDGET_READERS, paths=BUDGET_PATHS
    ).select_related("school", "department")
    if year:
        budgets = budgets.filter(fiscal_year_id=year)
    if department_id:
        budgets = budgets.filter(department_id=department_id)
    if status:
        budgets = budgets.filter(status=status)
    if school_code:
        budgets = budgets.filter(school__code__iexact=school_code.strip())
    if "process" in Budget._meta.fields_map:
        # The process of each budget (the workflows layer adds the relation), for auditors' links.
        budgets = budgets.annotate(process_id=F("process"))
    return budgets.order_by("-fiscal_year_id", "school__code")


def budget_get(actor: Any, pk: int, *, roles: Any = BUDGET_READERS) -> Budget:
    return get_in_scope_or_404(
        actor,
        Budget.objects.select_related("school__municipality", "department", "prepared_by"),
        roles=roles,
        paths=BUDGET_PATHS,
        pk=pk,
    )


def schools_managed(actor: Any) -> QuerySet[School]:
    """The schools whose finances ``actor`` manages (treasurer, director)."""
    return scope_filter(
        actor,
        School.objects.filter(is_active=True),
        roles=[Role.TREASURER, Role.DIRECTOR],
        paths=SCHOOL_PATHS,
    ).order_by("code")


@dataclass(frozen=True)
class LineRow:
    line: BudgetLine
    months: dict[int, Decimal]
    invoiced: Decimal


@dataclass(frozen=True)
class BudgetSheet:
    budget: Budget
    income: list[LineRow]
    expense: list[LineRow]
    totals: dict[str, Decimal]
    invoices: list[Invoice]
    accounts: list[BankAccount]


def budget_sheet(budget: Budget) -> BudgetSheet:
    """Everything the budget page shows, in a fixed number of queries."""
    lines = list(
        budget.lines.select_related("category")
        .prefetch_related("months")
        .order_by("kind", "category__position", "pk")
    )
    invoiced = {
        line_id: _cents(total)
        for line_id, total in budget.invoices.values("line_id")
        .annotate(total=Sum("amount"))
        .values_list("line_id", "total")
    }
    rows = [
        LineRow(line, {m.month: m.amount for m in line.months.all()}, invoiced.get(line.pk, ZERO))
        for line in lines
    ]
    income = [row for row in rows if row.line.kind == LineKind.INCOME]
    expense = [row for row in rows if row.line.kind == LineKind.EXPENSE]
    totals = {
        "income": money_sum(r.line.amount for r in income),
        "expense": money_sum(r.line.amount for r in expense),
        "transfer": budget.transfer_amount(),
        "own_balance": budget.own_balance(),
    }
    invoices = list(
        budget.invoices.select_related("category", "line", "payment").order_by("-issued_on", "-pk")
    )
    accounts = list(BankAccount.objects.filter(school_id=budget.school_id, is_active=True))
    return BudgetSheet(budget, income, expense, totals, invoices, accounts)


def payment_get(actor: Any, pk: int) -> Payment:
    return get_in_scope_or_404(
        actor,
        Payment.objects.select_related("invoice", "school__municipality"),
        roles=[Role.TREASURER, Role.DIRECTOR],
        paths=BUDGET_PATHS,
        pk=pk,
    )


def line_get(actor: Any, pk: int) -> BudgetLine:
    return get_in_scope_or_404(
        actor,
        BudgetLine.objects.select_related("budget", "category"),
        roles=[Role.TREASURER, Role.DIRECTOR],
        paths=ScopePaths(
            department="budget__department_id",
            municipality="budget__school__municipality_id",
            school="budget__school_id",
        ),
        pk=pk,
    )


def invoice_get(actor: Any, pk: int) -> Invoice:
    return get_in_scope_or_404(
        actor,
        Invoice.objects.select_related("budget"),
        roles=[Role.TREASURER, Role.DIRECTOR],
        paths=BUDGET_PATHS,
        pk=pk,
    )


# --- Transparency (public) ------------------------------------------------------------------


@dataclass(frozen=True)
class TransparencyRow:
    code: str
    category: str
    budgeted: Decimal
    executed: Decimal

    @property
    def executed_percent(self) -> Decimal:
        return percent(self.executed, self.budgeted)


@dataclass(frozen=True)
class Transparency:
    year: int | None
    rows: list[TransparencyRow]
    budgeted: Decimal
    executed: Decimal
    budgets: int

    @property
    def executed_percent(self) -> Decimal:
        return percent(self.executed, self.budgeted)


def published_years() -> list[int]:
    """The fiscal years with at least one published budget, newest first (one query)."""
    return list(
        FiscalYear.objects.filter(budgets__status__in=PUBLISHED_BUDGET_STATES)
        .distinct()
        .order_by("-year")
        .values_list("year", flat=True)
    )


def default_transparency_year(years: list[int]) -> int:
    return years[0]


def transparency(
    year: int, *, department_id: int | None = None, school_id: int | None = None
) -> Transparency:
    """Budget against execution by expense category for the published budgets of ``year``
    (nationally, in one department, or in one school): three queries whatever the size.

    Budgeted: the expense lines of budgets approved (or being adjusted, or closed).
    Executed: the payments authorised (both signatures) of those schools in that year.
    Nationally and per department the figures come from ``DepartmentTotal`` (a few rows per
    department, kept by the services); one school's are summed from its own rows.
    """
    budgets = Budget.objects.filter(fiscal_year_id=year, status__in=PUBLISHED_BUDGET_STATES)
    if school_id is not None:
        budgets = budgets.filter(school_id=school_id)
        budgeted = _by_category(
            BudgetLine.objects.filter(
                kind=LineKind.EXPENSE,
                budget__fiscal_year_id=year,
                budget__school_id=school_id,
                budget__status__in=PUBLISHED_BUDGET_STATES,
            ),
            "amount",
        )
        executed = _by_category(
            Payment.objects.filter(
                fiscal_year_id=year, school_id=school_id, status=PaymentStatus.AUTHORISED
            ),
            "amount",
        )
    else:
        totals = DepartmentTotal.objects.filter(fiscal_year_id=year)
        if department_id is not None:
            totals = totals.filter(department_id=department_id)
            budgets = budgets.filter(department_id=department_id)
        rows = list(totals.values("category_id").annotate(b=Sum("budgeted"), e=Sum("executed")))
        budgeted = {r["category_id"]: _cents(r["b"]) for r in rows}
        executed = {r["category_id"]: _cents(r["e"]) for r in rows}
    rows = [
        TransparencyRow(
            code=category.code,
            category=category.name,
            budgeted=budgeted.get(category.pk) or ZERO,
            executed=executed.get(category.pk) or ZERO,
        )
        for category in Category.objects.filter(kind=LineKind.EXPENSE).order_by("position", "code")
        if category.is_active or category.pk in budgeted or category.pk in executed
    ]
    return Transparency(
        year=year,
        rows=rows,
        budgeted=money_sum(r.budgeted for r in rows),
        executed=money_sum(r.executed for r in rows),
        budgets=budgets.count(),
    )


def _by_category(queryset: QuerySet[Any], field: str) -> dict[int, Decimal]:
    rows = queryset.values("category_id").annotate(total=Sum(field))
    return {category: _cents(total) for category, total in rows.values_list("category_id", "total")}


def _cents(total: Decimal | None) -> Decimal:
    """A database sum as cents (SQLite sums decimals as floating point: exact again here)."""
    return ZERO if total is None else to_money(total)


def public_department(code: str) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise Http404
    return department


def public_school(code: str) -> School:
    school = (
        School.objects.select_related("municipality__department")
        .filter(code__iexact=code, is_active=True)
        .first()
    )
    if school is None:
        raise Http404
    return school


def departments_listed(*, national: bool) -> list[Department]:
    """The departments linked from the national page (none elsewhere: no query)."""
    return list(Department.objects.order_by("code")) if national else []


# --- The department's work on purchase plans and liquidations (Bandeja sources) ---------------

REVIEW_PATHS = ScopePaths(
    department="budget__department_id",
    municipality="budget__school__municipality_id",
    school="budget__school_id",
)


def plan_reviews_for(*, actor: Any) -> QuerySet[PurchasePlan]:
    """Purchase plans in review that ``actor`` may review (never one they prepared)."""
    plans = PurchasePlan.objects.filter(status=PurchasePlanStatus.IN_REVIEW).exclude(
        prepared_by_id=actor.pk
    )
    return scope_filter(
        actor, plans, roles=[Role.FINANCE_REVIEWER], paths=REVIEW_PATHS
    ).select_related("budget__school")


def liquidations_for(*, actor: Any) -> QuerySet[Liquidation]:
    """Liquidations waiting for ``actor``: to evaluate (finance reviewers) or, once evaluated,
    to approve (departmental officers and other reviewers; never the evaluator)."""
    evaluate = scope_filter(
        actor,
        Liquidation.objects.filter(status=LiquidationStatus.CONFIRMED),
        roles=[Role.FINANCE_REVIEWER],
        paths=REVIEW_PATHS,
    )
    approve = scope_filter(
        actor,
        Liquidation.objects.filter(status=LiquidationStatus.EVALUATED).exclude(
            evaluated_by_id=actor.pk
        ),
        roles=[Role.DEPARTMENTAL_OFFICER, Role.FINANCE_REVIEWER],
        paths=REVIEW_PATHS,
    )
    return (evaluate | approve).select_related("budget__school")


def plan_get(actor: Any, pk: int) -> PurchasePlan:
    return get_in_scope_or_404(
        actor,
        PurchasePlan.objects.select_related("budget"),
        roles=BUDGET_READERS,
        paths=REVIEW_PATHS,
        pk=pk,
    )


def liquidation_get(actor: Any, pk: int) -> Liquidation:
    return get_in_scope_or_404(
        actor,
        Liquidation.objects.select_related("budget"),
        roles=BUDGET_READERS,
        paths=REVIEW_PATHS,
        pk=pk,
    )


def budget_followups(budget: Budget) -> dict[str, Any]:
    """The budget's purchase plan (with its items) and liquidation, if any (three queries)."""
    plan = PurchasePlan.objects.filter(budget=budget).first()
    items = list(plan.items.select_related("line").order_by("month", "pk")) if plan else []
    liquidation = Liquidation.objects.filter(budget=budget).first()
    return {"plan": plan, "plan_items": items, "liquidation": liquidation}


# --- Ministry transfers and their allocation ------------------------------------------------

# Who reads transfers and allocations; who moves an allocation on (the lifecycle's
# ``ministry`` permission, within the scope of the grant).
ALLOCATION_READERS = (
    Role.MINISTRY_OFFICER,
    Role.DEPARTMENTAL_OFFICER,
    Role.FINANCE_REVIEWER,
    Role.AUDITOR,
)
ALLOCATION_ACTORS = (Role.MINISTRY_OFFICER, Role.DEPARTMENTAL_OFFICER, Role.FINANCE_REVIEWER)
ALLOCATION_PATHS = ScopePaths(
    department="department_id", municipality="school__municipality_id", school="school_id"
)


@dataclass(frozen=True)
class TransferRow:
    transfer: Transfer
    allocated: Decimal
    schools: int


def transfer_rows(actor: Any, *, year: int | None = None) -> list[TransferRow]:
    """The transfers (of ``year``), each with what ``actor`` can see of it allocated: two
    queries whatever the number of transfers or allocations."""
    transfers = Transfer.objects.order_by("-fiscal_year_id", "name")
    if year:
        transfers = transfers.filter(fiscal_year_id=year)
    transfers = list(transfers)
    allocations = scope_filter(
        actor,
        Allocation.objects.filter(transfer__in=[t.pk for t in transfers]),
        roles=ALLOCATION_READERS,
        paths=ALLOCATION_PATHS,
    )
    sums = {
        row["transfer_id"]: row
        for row in allocations.values("transfer_id").annotate(total=Sum("amount"), n=Count("pk"))
    }
    return [
        TransferRow(
            t,
            _cents(sums.get(t.pk, {}).get("total")),
            sums.get(t.pk, {}).get("n", 0),
        )
        for t in transfers
    ]


def transfer_get(pk: int) -> Transfer:
    """A transfer (national: the caller has checked the reader's role)."""
    transfer = Transfer.objects.filter(pk=pk).first()
    if transfer is None:
        raise Http404
    return transfer


def allocations_of(
    actor: Any, transfer: Transfer, *, department_id: int | None = None, status: str = ""
) -> QuerySet[Allocation]:
    """The allocations of ``transfer`` that ``actor`` may read, filtered."""
    allocations = scope_filter(
        actor,
        Allocation.objects.filter(transfer=transfer),
        roles=ALLOCATION_READERS,
        paths=ALLOCATION_PATHS,
    ).select_related("school", "department")
    if department_id:
        allocations = allocations.filter(department_id=department_id)
    if status:
        allocations = allocations.filter(status=status)
    return allocations.order_by("department__code", "school__code")


def allocation_totals(allocations: QuerySet[Allocation]) -> dict[str, Any]:
    """The total and the total by state of ``allocations`` (one query)."""
    rows = list(
        allocations.order_by().values("status").annotate(total=Sum("amount"), n=Count("pk"))
    )
    by_status = {row["status"]: (_cents(row["total"]), row["n"]) for row in rows}
    return {
        "total": money_sum(total for total, _n in by_status.values()),
        "count": sum(n for _total, n in by_status.values()),
        "by_status": [
            (label, *by_status.get(value, (ZERO, 0))) for value, label in AllocationStatus.choices
        ],
    }


def transfer_remaining(transfer: Transfer) -> Decimal:
    """What is left to allocate of ``transfer``, over every school (one query). The amounts are
    public figures of the ministry's budget, not personal data, so any reader of the transfer
    sees the national remainder."""
    allocated = transfer.allocations.aggregate(total=Sum("amount"))["total"]
    return to_money(transfer.total - _cents(allocated))


def allocation_get(actor: Any, pk: int) -> Allocation:
    return get_in_scope_or_404(
        actor,
        Allocation.objects.select_related("transfer"),
        roles=ALLOCATION_ACTORS,
        paths=ALLOCATION_PATHS,
        pk=pk,
    )


def allocatable_school(actor: Any, code: str) -> School | None:
    """The active school with ``code`` in ``actor``'s allocating scope, if any."""
    return (
        scope_filter(
            actor,
            School.objects.filter(is_active=True, code__iexact=code.strip()),
            roles=ALLOCATION_ACTORS,
            paths=SCHOOL_PATHS,
        )
        .select_related("municipality")
        .first()
    )


# --- The school's board and bank accounts --------------------------------------------------

# Who reads a school's board and bank accounts (school staff, the department, auditors).
SCHOOL_FINANCE_READERS = BUDGET_READERS


def finance_school_get(actor: Any, pk: int, *, roles: Any = SCHOOL_FINANCE_READERS) -> School:
    return get_in_scope_or_404(
        actor,
        School.objects.filter(is_active=True).select_related("municipality"),
        roles=roles,
        paths=SCHOOL_PATHS,
        pk=pk,
    )


# Board members in the order of their offices (president, treasurer, secretary, …).
ROLE_ORDER = Case(
    *(When(role=role, then=Value(position)) for position, role in enumerate(BoardRole.values)),
    default=Value(len(BoardRole.values)),
)


def boards_of(school: School) -> list[Board]:
    """The school's boards, newest term first, with their members (two queries)."""
    return list(
        Board.objects.filter(school=school)
        .prefetch_related(
            Prefetch(
                "members",
                queryset=BoardMember.objects.select_related("person").order_by(
                    ROLE_ORDER, "person__last_names", "pk"
                ),
            )
        )
        .order_by("-term_start", "-pk")
    )


def current_boards(schools: list[School], today: date) -> dict[int, Board]:
    """Each school's board in force on ``today`` with its members in office (two queries)."""
    boards = (
        Board.objects.filter(school__in=schools, term_start__lte=today, term_end__gte=today)
        .prefetch_related(
            Prefetch(
                "members",
                queryset=BoardMember.objects.filter(term_end__gte=today)
                .select_related("person")
                .order_by(ROLE_ORDER, "pk"),
            )
        )
        .order_by("school_id", "-term_start")
    )
    current: dict[int, Board] = {}
    for board in boards:
        current.setdefault(board.school_id, board)
    return current


MEMBER_PATHS = ScopePaths(
    department="board__school__municipality__department_id",
    municipality="board__school__municipality_id",
    school="board__school_id",
)


def member_get(actor: Any, pk: int) -> BoardMember:
    return get_in_scope_or_404(
        actor,
        BoardMember.objects.select_related("board"),
        roles=[Role.DIRECTOR, Role.DEPARTMENTAL_OFFICER],
        paths=MEMBER_PATHS,
        pk=pk,
    )


def board_get(actor: Any, pk: int) -> Board:
    return get_in_scope_or_404(
        actor,
        Board.objects.all(),
        roles=[Role.DIRECTOR, Role.DEPARTMENTAL_OFFICER],
        paths=ScopePaths(
            department="school__municipality__department_id",
            municipality="school__municipality_id",
            school="school_id",
        ),
        pk=pk,
    )


ACCOUNT_PATHS = ScopePaths(
    department="school__municipality__department_id",
    municipality="school__municipality_id",
    school="school_id",
)


@dataclass(frozen=True)
class AccountRow:
    account: BankAccount
    book_balance: Decimal
    reconciliations: list[BankReconciliation]


def account_rows(school: School, until: date) -> list[AccountRow]:
    """The school's bank accounts with their book balance on ``until`` (the opening balance
    less the cheques authorised up to then, as ``services.book_balance``) and their
    reconciliations, newest first: three queries whatever the number of accounts."""
    accounts = list(BankAccount.objects.filter(school=school).order_by("-is_active", "bank", "pk"))
    paid = dict(
        Payment.objects.filter(
            account__in=accounts, status=PaymentStatus.AUTHORISED, paid_on__lte=until
        )
        .values("account_id")
        .annotate(total=Sum("amount"))
        .values_list("account_id", "total")
    )
    reconciliations: dict[int, list[BankReconciliation]] = {}
    for row in (
        BankReconciliation.objects.filter(account__in=accounts)
        .select_related("recorded_by__person")
        .order_by("-month")
    ):
        reconciliations.setdefault(row.account_id, []).append(row)
    return [
        AccountRow(
            account,
            account.opening_balance - _cents(paid.get(account.pk)),
            reconciliations.get(account.pk, []),
        )
        for account in accounts
    ]


def account_get(
    actor: Any, pk: int, *, roles: Any = (Role.TREASURER, Role.DIRECTOR)
) -> BankAccount:
    return get_in_scope_or_404(
        actor, BankAccount.objects.all(), roles=roles, paths=ACCOUNT_PATHS, pk=pk
    )
