"""Every write of school finances. Each checks the actor's role and scope (``PermissionDenied``
outside it: views have already answered 404 through the selectors), validates the input
(``ValidationError`` keyed by field, nothing saved), writes inside one transaction and appends
an audit event; state changes go through ``core.workflow.transition``.

Separation of duties enforced here (and by database constraints where a row can say it): the
person who prepared a budget never observes nor approves it; the person who prepared a cheque
never authorises it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as NitError
from stdnum.sv import nit as sv_nit

from core.accounts.choices import Role
from core.accounts.scopes import covers, grants_with_roles
from core.audit.services import audit_record
from core.exceptions import Conflict
from core.workflow import transition
from modules.schools.models import Department, School

from .choices import (
    EDITABLE_BUDGET_STATES,
    PUBLISHED_BUDGET_STATES,
    BoardKind,
    BoardRole,
    BudgetStatus,
    DocumentKind,
    FundSource,
    LineKind,
    PaymentMethod,
    PaymentStatus,
    PurchasePlanStatus,
)
from .hooks import holds_review
from .lifecycles import start_department_clock
from .models import (
    Allocation,
    BankAccount,
    BankReconciliation,
    Board,
    BoardMember,
    Budget,
    BudgetLine,
    BudgetLineAdjustment,
    BudgetLineMonth,
    Category,
    DepartmentTotal,
    FiscalYear,
    Invoice,
    Liquidation,
    Payment,
    PurchasePlan,
    PurchasePlanItem,
    Transfer,
)
from .money import MAX_AMOUNT, MONTHS, ZERO, money_sum, spread, spread_monthly, to_money
from .selectors import transfer_remaining

SCHOOL_FINANCE_ROLES = (Role.TREASURER, Role.DIRECTOR)
ALLOCATING_ROLES = (Role.MINISTRY_OFFICER, Role.DEPARTMENTAL_OFFICER, Role.FINANCE_REVIEWER)


# --- Checks -------------------------------------------------------------------------------------


def acting_grant(actor: Any, roles: Any, *, school: School) -> Any:
    """The actor's grant among ``roles`` that covers ``school``; ``PermissionDenied`` if none."""
    department_id = school.municipality.department_id
    for grant in grants_with_roles(actor, roles):
        if covers(
            grant,
            school_id=school.pk,
            municipality_id=school.municipality_id,
            department_id=department_id,
        ):
            return grant
    raise PermissionDenied


def _amount(value: Any, field: str, *, positive: bool = True) -> Decimal:
    try:
        amount = to_money(value)
    except ValueError as exc:
        raise ValidationError({field: _("Escriba un monto válido, por ejemplo 1250.00.")}) from exc
    if positive and amount <= 0:
        raise ValidationError({field: _("El monto debe ser mayor que cero.")})
    if abs(amount) > MAX_AMOUNT:
        raise ValidationError({field: _("El monto es demasiado grande.")})
    return amount


def _text(value: Any, field: str, max_length: int, *, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationError({field: _("Este dato es obligatorio.")})
    if len(text) > max_length:
        raise ValidationError(
            {field: _("Admite como máximo %(count)d caracteres.") % {"count": max_length}}
        )
    return text


def supplier_nit_clean(value: Any) -> str:
    """The supplier's NIT as 14 digits, or a ``ValidationError`` (python-stdnum's check)."""
    try:
        return sv_nit.validate(str(value or ""))
    except NitError as exc:
        raise ValidationError(
            {"supplier_nit": _("El NIT del proveedor no es válido (revise los 14 dígitos).")}
        ) from exc


def _locked_budget(budget: Budget) -> Budget:
    return (
        Budget.objects.select_for_update().select_related("school__municipality").get(pk=budget.pk)
    )


def _editable(budget: Budget) -> None:
    if budget.status not in EDITABLE_BUDGET_STATES:
        raise Conflict(
            _(
                "El presupuesto está «%(status)s»: solo se modifica con una autorización "
                "expresa del revisor departamental."
            )
            % {"status": budget.get_status_display()},
            code="budget_locked",
        )


# --- Transparency totals -----------------------------------------------------------------------


def department_totals_refresh(*, year: int, department_id: int) -> None:
    """Rebuild the department's budget-against-execution rows of ``year`` from the published
    budgets and the authorised payments. Refreshes of one department are serialised by a lock
    on its row; each statement then reads what the others committed (READ COMMITTED)."""
    with transaction.atomic():
        list(Department.objects.select_for_update().filter(pk=department_id).values("pk"))
        budgeted = dict(
            BudgetLine.objects.filter(
                kind=LineKind.EXPENSE,
                budget__fiscal_year_id=year,
                budget__department_id=department_id,
                budget__status__in=PUBLISHED_BUDGET_STATES,
            )
            .values("category_id")
            .annotate(total=Sum("amount"))
            .values_list("category_id", "total")
        )
        executed = dict(
            Payment.objects.filter(
                fiscal_year_id=year,
                department_id=department_id,
                status=PaymentStatus.AUTHORISED,
            )
            .values("category_id")
            .annotate(total=Sum("amount"))
            .values_list("category_id", "total")
        )
        DepartmentTotal.objects.filter(fiscal_year_id=year, department_id=department_id).delete()
        DepartmentTotal.objects.bulk_create(
            DepartmentTotal(
                fiscal_year_id=year,
                department_id=department_id,
                category_id=category_id,
                budgeted=to_money(budgeted.get(category_id) or ZERO),
                executed=to_money(executed.get(category_id) or ZERO),
            )
            for category_id in sorted(set(budgeted) | set(executed))
        )


def _refresh_totals(obj: Any) -> None:
    department_totals_refresh(year=obj.fiscal_year_id, department_id=obj.department_id)


def _add_executed(payment: Payment) -> None:
    """An authorised payment adds its amount to its department's row (no rebuild: a payment
    is the most frequent change, and the sum is exact in Decimal)."""
    row, _created = DepartmentTotal.objects.get_or_create(
        fiscal_year_id=payment.fiscal_year_id,
        department_id=payment.department_id,
        category_id=payment.category_id,
    )
    DepartmentTotal.objects.filter(pk=row.pk).update(executed=F("executed") + payment.amount)


def transparency_totals_rebuild(*, year: int) -> int:
    """Rebuild every department's rows of ``year`` (after a bulk load); returns how many."""
    departments = list(Department.objects.values_list("pk", flat=True))
    for department_id in departments:
        department_totals_refresh(year=year, department_id=department_id)
    return len(departments)


# --- Fiscal years, transfers and allocations ----------------------------------------------------


def fiscal_year_ensure(year: int) -> FiscalYear:
    fiscal_year, _created = FiscalYear.objects.get_or_create(year=year)
    return fiscal_year


@transaction.atomic
def transfer_create(
    *,
    actor: Any,
    year: int,
    name: str,
    total: Any,
    school_ceiling: Any,
    request: HttpRequest | None = None,
) -> Transfer:
    if not grants_with_roles(actor, [Role.MINISTRY_OFFICER]):
        raise PermissionDenied
    name = _text(name, "name", 150)
    amount = _amount(total, "total")
    ceiling = _amount(school_ceiling, "school_ceiling")
    if ceiling > amount:
        raise ValidationError(
            {"school_ceiling": _("El techo por centro no puede superar el monto total.")}
        )
    fiscal_year = fiscal_year_ensure(year)
    if Transfer.objects.filter(fiscal_year=fiscal_year, name=name).exists():
        raise ValidationError({"name": _("Ya existe una transferencia con ese nombre este año.")})
    created = Transfer.objects.create(
        fiscal_year=fiscal_year, name=name, total=amount, school_ceiling=ceiling
    )
    audit_record(
        action="finance.transfer_created",
        obj=created,
        actor=actor,
        role=Role.MINISTRY_OFFICER,
        request=request,
        payload={"year": year, "total": str(amount), "school_ceiling": str(ceiling)},
    )
    return created


@transaction.atomic
def allocation_create(
    *,
    actor: Any,
    transfer: Transfer,
    school: School,
    amount: Any,
    request: HttpRequest | None = None,
) -> Allocation:
    """Allocate part of ``transfer`` to ``school`` (requested), within the school ceiling and
    what is left of the transfer. The transfer's row is locked, so two allocations made at once
    cannot together exceed it."""
    grant = acting_grant(actor, ALLOCATING_ROLES, school=school)
    value = _amount(amount, "amount")
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    left = transfer_remaining(transfer)
    if value > left:
        raise ValidationError(
            {
                "amount": _(
                    "Supera lo que queda de la transferencia: US$ %(left)s de US$ %(total)s."
                )
                % {"left": left, "total": transfer.total}
            }
        )
    if value > transfer.school_ceiling:
        raise ValidationError(
            {
                "amount": _("Supera el techo por centro de %(ceiling)s.")
                % {"ceiling": transfer.school_ceiling}
            }
        )
    if Allocation.objects.filter(transfer=transfer, school=school).exists():
        raise ValidationError(
            {"school": _("El centro ya tiene una asignación de esta transferencia.")}
        )
    allocation = Allocation.objects.create(
        transfer=transfer,
        school=school,
        department_id=school.municipality.department_id,
        amount=value,
    )
    audit_record(
        action="finance.allocation_created",
        obj=allocation,
        actor=actor,
        role=grant.role,
        request=request,
        payload={"transfer": transfer.pk, "school": school.pk, "amount": str(value)},
    )
    return allocation


def allocation_advance(
    *, actor: Any, allocation: Allocation, action: str, request: HttpRequest | None = None
) -> Allocation:
    """Move an allocation on: ``authorise``, ``mark_transferred`` (today) or ``close``."""
    if action not in ("authorise", "mark_transferred", "close"):
        raise Conflict(_("Acción desconocida."), code="unknown_action")
    school = School.objects.select_related("municipality").get(pk=allocation.school_id)
    grant = acting_grant(actor, ALLOCATING_ROLES, school=school)
    extra = {"on": timezone.localdate()} if action == "mark_transferred" else {}
    return transition(
        actor=actor, obj=allocation, name=action, request=request, role=grant.role, **extra
    )


# --- The school board ---------------------------------------------------------------------------


@transaction.atomic
def board_create(
    *,
    actor: Any,
    school: School,
    term_start: date,
    term_end: date,
    kind: str | None = None,
    request: HttpRequest | None = None,
) -> Board:
    """The school's board for a term (a CECE for subsidised schools, else a CDE)."""
    grant = acting_grant(actor, [Role.DIRECTOR, Role.DEPARTMENTAL_OFFICER], school=school)
    if kind is None:
        kind = BoardKind.CECE if school.sector == "subsidised" else BoardKind.CDE
    if kind not in BoardKind.values:
        raise ValidationError({"kind": _("Tipo de organismo desconocido.")})
    if term_end <= term_start:
        raise ValidationError({"term_end": _("El período debe terminar después de empezar.")})
    board = Board.objects.create(school=school, kind=kind, term_start=term_start, term_end=term_end)
    audit_record(
        action="finance.board_created",
        obj=board,
        actor=actor,
        role=grant.role,
        request=request,
        payload={"school": school.pk, "kind": kind},
    )
    return board


@transaction.atomic
def board_member_add(
    *,
    actor: Any,
    board: Board,
    person: Any,
    role: str,
    request: HttpRequest | None = None,
) -> BoardMember:
    school = School.objects.select_related("municipality").get(pk=board.school_id)
    grant = acting_grant(actor, [Role.DIRECTOR, Role.DEPARTMENTAL_OFFICER], school=school)
    if role not in BoardRole.values:
        raise ValidationError({"role": _("Cargo desconocido.")})
    single = (BoardRole.PRESIDENT, BoardRole.TREASURER, BoardRole.SECRETARY)
    if role in single and board.members.filter(role=role, left_office=False).exists():
        raise ValidationError({"role": _("Ese cargo ya está ocupado en el organismo.")})
    if board.members.filter(person=person).exists():
        raise ValidationError({"person": _("Esa persona ya es miembro del organismo.")})
    member = BoardMember.objects.create(
        board=board, person=person, role=role, term_start=board.term_start, term_end=board.term_end
    )
    audit_record(
        action="finance.board_member_added",
        obj=board,
        actor=actor,
        role=grant.role,
        request=request,
        payload={"member": member.pk, "role": role},
    )
    return member


@transaction.atomic
def board_member_enrol(
    *,
    actor: Any,
    board: Board,
    dui: str,
    role: str,
    first_names: str = "",
    last_names: str = "",
    request: HttpRequest | None = None,
) -> BoardMember:
    """Add the person with ``dui`` (its check digit verified) to ``board``; a person SIGES does
    not know yet is registered with the names given."""
    from core.accounts.dui import normalize_dui
    from core.accounts.models import Person
    from core.accounts.services import person_create

    try:
        dui = normalize_dui(str(dui or ""))
    except ValidationError as exc:
        raise ValidationError({"dui": exc.messages}) from exc
    person = Person.objects.filter(dui=dui).first()
    if person is None:
        first = _text(first_names, "first_names", 100)
        last = _text(last_names, "last_names", 100)
        school = School.objects.select_related("municipality").get(pk=board.school_id)
        acting_grant(actor, [Role.DIRECTOR, Role.DEPARTMENTAL_OFFICER], school=school)
        person = person_create(dui=dui, first_names=first, last_names=last)
    return board_member_add(actor=actor, board=board, person=person, role=role, request=request)


@transaction.atomic
def board_member_end_term(
    *,
    actor: Any,
    member: BoardMember,
    on: date | None = None,
    request: HttpRequest | None = None,
) -> BoardMember:
    """End a member's term on ``on`` (today by default), before the board's own term ends."""
    locked = BoardMember.objects.select_for_update().get(pk=member.pk)
    board = Board.objects.get(pk=locked.board_id)
    school = School.objects.select_related("municipality").get(pk=board.school_id)
    grant = acting_grant(actor, [Role.DIRECTOR, Role.DEPARTMENTAL_OFFICER], school=school)
    on = on or timezone.localdate()
    if locked.term_end <= on:
        raise Conflict(_("El período de ese miembro ya terminó."), code="term_ended")
    if on < locked.term_start:
        raise ValidationError(
            {
                "on": _("El período no puede terminar antes de empezar (%(start)s).")
                % {"start": locked.term_start.strftime("%d/%m/%Y")}
            }
        )
    previous = locked.term_end
    locked.term_end = on
    locked.left_office = True
    locked.save(update_fields=["term_end", "left_office"])
    audit_record(
        action="finance.board_member_term_ended",
        obj=board,
        actor=actor,
        role=grant.role,
        request=request,
        payload={"member": locked.pk, "from": previous.isoformat(), "to": on.isoformat()},
    )
    return locked


# --- Budgets ------------------------------------------------------------------------------------


@transaction.atomic
def budget_create(
    *, actor: Any, school: School, year: int, request: HttpRequest | None = None
) -> Budget:
    """A new budget of ``school`` for ``year`` (the treasurer prepares it)."""
    grant = acting_grant(actor, [Role.TREASURER], school=school)
    fiscal_year = fiscal_year_ensure(year)
    if fiscal_year.closed_at is not None:
        raise Conflict(_("El año fiscal %(year)s ya está cerrado.") % {"year": year}, code="closed")
    if Budget.objects.filter(school=school, fiscal_year=fiscal_year).exists():
        raise Conflict(
            _("El centro ya tiene un presupuesto para %(year)s.") % {"year": year},
            code="budget_exists",
        )
    budget = Budget.objects.create(
        school=school,
        department_id=school.municipality.department_id,
        fiscal_year=fiscal_year,
        prepared_by=actor,
    )
    audit_record(
        action="finance.budget_created",
        obj=budget,
        actor=actor,
        role=grant.role,
        request=request,
        payload={"school": school.pk, "year": year},
    )
    return budget


def _months(amount: Decimal, months: dict[int, Any] | None) -> dict[int, Decimal]:
    """The monthly distribution of a line: given (must add up to the amount) or spread evenly."""
    if not months:
        return spread_monthly(amount)
    parsed: dict[int, Decimal] = {}
    for month, value in months.items():
        if month not in MONTHS:
            raise ValidationError({"months": _("Los meses van del 1 al 12.")})
        part = _amount(value, "months", positive=False)
        if part < 0:
            raise ValidationError({"months": _("Un mes no puede tener un monto negativo.")})
        if part:
            parsed[month] = part
    if money_sum(parsed.values()) != amount:
        raise ValidationError(
            {
                "months": _("La distribución mensual suma %(sum)s y la línea %(amount)s.")
                % {"sum": money_sum(parsed.values()), "amount": amount}
            }
        )
    return parsed


@transaction.atomic
def budget_line_add(
    *,
    actor: Any,
    budget: Budget,
    kind: str,
    source: str,
    category: Category,
    description: str,
    amount: Any,
    months: dict[int, Any] | None = None,
    request: HttpRequest | None = None,
) -> BudgetLine:
    """Add an income or expense line; its months are spread evenly unless given."""
    locked = _locked_budget(budget)
    grant = acting_grant(actor, SCHOOL_FINANCE_ROLES, school=locked.school)
    _editable(locked)
    if kind not in LineKind.values:
        raise ValidationError({"kind": _("Tipo de línea desconocido.")})
    if source not in FundSource.values:
        raise ValidationError({"source": _("Fuente de fondos desconocida.")})
    if category.kind != kind or not category.is_active:
        raise ValidationError({"category": _("La categoría no corresponde al tipo de línea.")})
    description = _text(description, "description", 200)
    value = _amount(amount, "amount")
    distribution = _months(value, months)
    line = BudgetLine.objects.create(
        budget=locked,
        kind=kind,
        source=source,
        category=category,
        description=description,
        amount=value,
    )
    BudgetLineMonth.objects.bulk_create(
        BudgetLineMonth(line=line, month=month, amount=part)
        for month, part in distribution.items()
        if part
    )
    audit_record(
        action="finance.budget_line_added",
        obj=locked,
        actor=actor,
        role=grant.role,
        request=request,
        payload={
            "line": line.pk,
            "kind": kind,
            "source": source,
            "category": category.code,
            "amount": str(value),
            "status": locked.status,
        },
    )
    return line


@transaction.atomic
def budget_line_remove(*, actor: Any, line: BudgetLine, request: HttpRequest | None = None) -> None:
    locked = _locked_budget(line.budget)
    grant = acting_grant(actor, SCHOOL_FINANCE_ROLES, school=locked.school)
    _editable(locked)
    if line.invoices.exists():
        raise Conflict(_("La línea tiene facturas registradas."), code="line_in_use")
    payload = {"line": line.pk, "amount": str(line.amount), "category": line.category_id}
    line.delete()
    audit_record(
        action="finance.budget_line_removed",
        obj=locked,
        actor=actor,
        role=grant.role,
        request=request,
        payload=payload,
    )


def _not_the_preparer(actor: Any, budget: Budget) -> None:
    if actor is not None and actor.pk in (budget.prepared_by_id, budget.submitted_by_id):
        raise PermissionDenied(
            _("Quien preparó o presentó el presupuesto no puede revisarlo ni aprobarlo.")
        )


def budget_submit(*, actor: Any, budget: Budget, request: HttpRequest | None = None) -> Budget:
    """The director presents the budget for review (guards: transfer fully allocated, own
    income balance ≥ 0, every line's months add up)."""
    school = School.objects.select_related("municipality").get(pk=budget.school_id)
    grant = acting_grant(actor, [Role.DIRECTOR], school=school)
    return transition(actor=actor, obj=budget, name="submit", request=request, role=grant.role)


def budget_observe(
    *, actor: Any, budget: Budget, comment: str, request: HttpRequest | None = None
) -> Budget:
    school = School.objects.select_related("municipality").get(pk=budget.school_id)
    grant = acting_grant(actor, [Role.FINANCE_REVIEWER], school=school)
    _not_the_preparer(actor, budget)
    comment = _text(comment, "comment", 2000)
    return transition(
        actor=actor,
        obj=budget,
        name="observe",
        request=request,
        role=grant.role,
        comment=comment,
        payload={"comment": comment},
    )


def budget_approve(
    *,
    actor: Any,
    budget: Budget,
    comment: str = "",
    adjustments: int = 0,
    request: HttpRequest | None = None,
) -> Budget:
    """The reviewer approves the submitted budget. The submission guards are checked again
    (409 with the reason): the reviewer may have adjusted line amounts (``adjustments``: how
    many, recorded in the audit event)."""
    school = School.objects.select_related("municipality").get(pk=budget.school_id)
    grant = acting_grant(actor, [Role.FINANCE_REVIEWER], school=school)
    _not_the_preparer(actor, budget)
    comment = _text(comment, "comment", 2000, required=False)
    return transition(
        actor=actor,
        obj=budget,
        name="approve",
        request=request,
        role=grant.role,
        comment=comment,
        payload={"adjustments": adjustments} if adjustments else None,
        in_transaction=[_refresh_totals],
    )


def _resplit(line: BudgetLine, amount: Decimal) -> dict[int, Decimal]:
    """The months of ``line`` for its new ``amount``: in proportion to its current months by
    the largest remainder (``money.spread``), so they add up to the amount to the cent."""
    current = {m.month: m.amount for m in line.months.all() if m.amount}
    if not current:
        return spread_monthly(amount)
    months = sorted(current)
    return dict(zip(months, spread(amount, [current[m] for m in months]), strict=True))


@transaction.atomic
def budget_lines_adjust(
    *,
    actor: Any,
    budget: Budget,
    amounts: dict[int, Any],
    reason: str,
    request: HttpRequest | None = None,
) -> list[BudgetLineAdjustment]:
    """The departmental reviewer who holds the budget's review changes line amounts before
    approving it ("adjust and approve"). ``amounts`` maps line ids to new amounts; unchanged
    ones are skipped. Each changed line's months are split again in proportion to its former
    months (largest remainder: no cent lost). The reason is required and shown to the school.

    Never the preparer or submitter; only while the budget is submitted and the review task is
    the actor's (``hooks.holds_review``). The guards are not checked here but on approval."""
    locked = _locked_budget(budget)
    grant = acting_grant(actor, [Role.FINANCE_REVIEWER], school=locked.school)
    _not_the_preparer(actor, locked)
    if locked.status != BudgetStatus.SUBMITTED:
        raise Conflict(
            _("Solo se ajusta un presupuesto presentado que está en revisión."),
            code="budget_not_in_review",
        )
    if not holds_review(actor, locked):
        raise PermissionDenied(
            _("Solo quien tiene la revisión de este presupuesto en su Bandeja puede ajustarlo.")
        )
    reason = _text(reason, "reason", 2000)
    lines = {
        line.pk: line
        for line in BudgetLine.objects.select_for_update()
        .filter(budget=locked)
        .select_related("category")
        .prefetch_related("months")
    }
    changes: list[tuple[BudgetLine, Decimal]] = []
    for line_id, raw in amounts.items():
        line = lines.get(line_id)
        if line is None:
            raise ValidationError({"amounts": _("Esa línea no es de este presupuesto.")})
        value = _amount(raw, f"line_{line_id}")
        if value != line.amount:
            changes.append((line, value))
    if not changes:
        raise ValidationError({"amounts": _("No cambió ningún monto.")})
    made, payload = [], []
    for line, value in changes:
        before_months = {m.month: m.amount for m in line.months.all()}
        after_months = _resplit(line, value)
        BudgetLineMonth.objects.filter(line=line).delete()
        BudgetLineMonth.objects.bulk_create(
            BudgetLineMonth(line=line, month=month, amount=part)
            for month, part in after_months.items()
            if part
        )
        before = line.amount
        BudgetLine.objects.filter(pk=line.pk).update(amount=value)
        made.append(
            BudgetLineAdjustment.objects.create(
                budget=locked,
                line=line,
                amount_before=before,
                amount_after=value,
                reason=reason,
                adjusted_by=actor,
            )
        )
        payload.append(
            {
                "line": line.pk,
                "category": line.category.code,
                "before": str(before),
                "after": str(value),
                "months_before": {str(m): str(a) for m, a in sorted(before_months.items())},
                "months_after": {str(m): str(a) for m, a in sorted(after_months.items())},
            }
        )
    audit_record(
        action="finance.budget_lines_adjusted",
        obj=locked,
        actor=actor,
        role=grant.role,
        request=request,
        payload={"reason": reason, "lines": payload},
    )
    return made


def budget_change_authorise(
    *, actor: Any, budget: Budget, reason: str, request: HttpRequest | None = None
) -> Budget:
    """The explicit, audited authorisation to change an approved budget."""
    school = School.objects.select_related("municipality").get(pk=budget.school_id)
    grant = acting_grant(actor, [Role.FINANCE_REVIEWER], school=school)
    reason = _text(reason, "reason", 2000)
    return transition(
        actor=actor,
        obj=budget,
        name="authorise_change",
        request=request,
        role=grant.role,
        reason=reason,
        payload={"reason": reason},
    )


def budget_adjustment_approve(
    *, actor: Any, budget: Budget, request: HttpRequest | None = None
) -> Budget:
    school = School.objects.select_related("municipality").get(pk=budget.school_id)
    grant = acting_grant(actor, [Role.FINANCE_REVIEWER], school=school)
    _not_the_preparer(actor, budget)
    return transition(
        actor=actor,
        obj=budget,
        name="approve_adjustment",
        request=request,
        role=grant.role,
        in_transaction=[_refresh_totals],
    )


def fiscal_year_close(*, year: int) -> int:
    """Year end (the system): close every approved budget of ``year`` and the year itself.
    Safe to run twice. Returns how many budgets it closed."""
    closed = 0
    open_states = [BudgetStatus.APPROVED, BudgetStatus.ADJUSTING]
    for budget in Budget.objects.filter(fiscal_year_id=year, status__in=open_states):
        transition(actor=None, obj=budget, name="close")
        closed += 1
    with transaction.atomic():
        fiscal_year = FiscalYear.objects.select_for_update().filter(year=year).first()
        if fiscal_year is not None and fiscal_year.closed_at is None:
            fiscal_year.closed_at = timezone.now()
            fiscal_year.save(update_fields=["closed_at"])
            audit_record(
                action="finance.fiscal_year_closed",
                obj=fiscal_year,
                payload={"budgets_closed": closed},
            )
    return closed


def fiscal_years_due_close(today: date | None = None) -> list[int]:
    """Fiscal years that ended before ``today`` and are still open."""
    today = today or timezone.localdate()
    return list(
        FiscalYear.objects.filter(year__lt=today.year, closed_at__isnull=True).values_list(
            "year", flat=True
        )
    )


# --- Execution ----------------------------------------------------------------------------------


@transaction.atomic
def bank_account_open(
    *,
    actor: Any,
    school: School,
    bank: str,
    number: str,
    opening_balance: Any = ZERO,
    request: HttpRequest | None = None,
) -> BankAccount:
    grant = acting_grant(actor, SCHOOL_FINANCE_ROLES, school=school)
    bank = _text(bank, "bank", 100)
    number = _text(number, "number", 30).replace(" ", "")
    digits = number.replace("-", "")
    if not (digits.isascii() and digits.isdigit()):
        raise ValidationError({"number": _("El número de cuenta solo lleva dígitos y guiones.")})
    balance = _amount(opening_balance, "opening_balance", positive=False)
    if BankAccount.objects.filter(bank=bank, number=number).exists():
        raise ValidationError({"number": _("Esa cuenta ya está registrada.")})
    account = BankAccount.objects.create(
        school=school, bank=bank, number=number, opening_balance=balance
    )
    audit_record(
        action="finance.bank_account_opened",
        obj=account,
        actor=actor,
        role=grant.role,
        request=request,
        payload={"school": school.pk, "bank": bank},
    )
    return account


@transaction.atomic
def invoice_record(
    *,
    actor: Any,
    line: BudgetLine,
    supplier_name: str,
    supplier_nit: str,
    number: str,
    issued_on: date,
    amount: Any,
    kind: str = DocumentKind.INVOICE,
    request: HttpRequest | None = None,
) -> Invoice:
    """Record a supplier's invoice or receipt against an expense line of an approved budget;
    the line's invoices may not exceed the line."""
    budget = _locked_budget(line.budget)
    grant = acting_grant(actor, SCHOOL_FINANCE_ROLES, school=budget.school)
    if budget.status not in (BudgetStatus.APPROVED, BudgetStatus.ADJUSTING):
        raise Conflict(
            _("Solo se registran facturas de un presupuesto aprobado."), code="budget_not_approved"
        )
    if line.budget_id != budget.pk or line.kind != LineKind.EXPENSE:
        raise ValidationError({"line": _("Elija una línea de gasto del presupuesto.")})
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Tipo de documento desconocido.")})
    supplier_name = _text(supplier_name, "supplier_name", 150)
    nit = supplier_nit_clean(supplier_nit)
    number = _text(number, "number", 40)
    value = _amount(amount, "amount")
    if issued_on.year != budget.fiscal_year_id:
        raise ValidationError({"issued_on": _("La fecha no es del año fiscal del presupuesto.")})
    used = money_sum(line.invoices.values_list("amount", flat=True))
    if used + value > line.amount:
        raise ValidationError(
            {"amount": _("La línea tiene %(left)s disponibles.") % {"left": line.amount - used}}
        )
    if Invoice.objects.filter(school=budget.school, supplier_nit=nit, number=number).exists():
        raise ValidationError({"number": _("Esa factura del proveedor ya está registrada.")})
    invoice = Invoice.objects.create(
        budget=budget,
        line=line,
        category_id=line.category_id,
        school_id=budget.school_id,
        department_id=budget.department_id,
        fiscal_year_id=budget.fiscal_year_id,
        kind=kind,
        supplier_name=supplier_name,
        supplier_nit=nit,
        number=number,
        issued_on=issued_on,
        amount=value,
        recorded_by=actor,
    )
    audit_record(
        action="finance.invoice_recorded",
        obj=budget,
        actor=actor,
        role=grant.role,
        request=request,
        payload={"invoice": invoice.pk, "amount": str(value), "line": line.pk},
    )
    return invoice


@transaction.atomic
def payment_prepare(
    *,
    actor: Any,
    invoice: Invoice,
    method: str,
    account: BankAccount | None = None,
    cheque_number: str = "",
    request: HttpRequest | None = None,
) -> Payment:
    """The treasurer prepares the payment of an invoice (a cheque, or petty cash)."""
    school = School.objects.select_related("municipality").get(pk=invoice.school_id)
    grant = acting_grant(actor, [Role.TREASURER], school=school)
    if Payment.objects.filter(invoice=invoice).exists():
        raise Conflict(_("La factura ya tiene un pago."), code="already_paid")
    if method not in PaymentMethod.values:
        raise ValidationError({"method": _("Forma de pago desconocida.")})
    cheque_number = _text(cheque_number, "cheque_number", 20, required=False)
    if method == PaymentMethod.CHEQUE:
        if account is None or account.school_id != invoice.school_id or not account.is_active:
            raise ValidationError({"account": _("Elija una cuenta bancaria vigente del centro.")})
        if not (cheque_number.isascii() and cheque_number.isdigit()):
            raise ValidationError({"cheque_number": _("Escriba el número del cheque (dígitos).")})
    else:
        account, cheque_number = None, ""
    payment = Payment.objects.create(
        invoice=invoice,
        method=method,
        account=account,
        cheque_number=cheque_number,
        amount=invoice.amount,
        category_id=invoice.category_id,
        school_id=invoice.school_id,
        department_id=invoice.department_id,
        fiscal_year_id=invoice.fiscal_year_id,
        prepared_by=actor,
    )
    audit_record(
        action="finance.payment_prepared",
        obj=payment,
        actor=actor,
        role=grant.role,
        request=request,
        payload={"invoice": invoice.pk, "method": method, "amount": str(payment.amount)},
    )
    return payment


def payment_authorise(
    *, actor: Any, payment: Payment, request: HttpRequest | None = None
) -> Payment:
    """The board's president (the director) signs the payment: never who prepared it."""
    school = School.objects.select_related("municipality").get(pk=payment.school_id)
    grant = acting_grant(actor, [Role.DIRECTOR], school=school)
    if payment.prepared_by_id == actor.pk:
        raise PermissionDenied(
            _("Quien preparó el pago no puede autorizarlo: se necesitan dos firmas distintas.")
        )
    if payment.status != PaymentStatus.PREPARED:
        raise Conflict(_("El pago ya está autorizado."), code="already_authorised")
    return transition(
        actor=actor,
        obj=payment,
        name="authorise",
        request=request,
        role=grant.role,
        on=timezone.localdate(),
        in_transaction=[_add_executed],
    )


def book_balance(account: BankAccount, until: date) -> Decimal:
    """The opening balance less the cheques authorised up to ``until``."""
    paid = Payment.objects.filter(
        account=account, status=PaymentStatus.AUTHORISED, paid_on__lte=until
    ).values_list("amount", flat=True)
    return account.opening_balance - money_sum(paid)


@transaction.atomic
def reconciliation_record(
    *,
    actor: Any,
    account: BankAccount,
    month: date,
    statement_balance: Any,
    note: str = "",
    request: HttpRequest | None = None,
) -> BankReconciliation:
    """Set the bank statement's balance at the end of ``month`` against the books; a
    difference needs an explanation."""
    school = School.objects.select_related("municipality").get(pk=account.school_id)
    grant = acting_grant(actor, SCHOOL_FINANCE_ROLES, school=school)
    first = month.replace(day=1)
    next_month = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    statement = _amount(statement_balance, "statement_balance", positive=False)
    books = book_balance(account, next_month.fromordinal(next_month.toordinal() - 1))
    difference = statement - books
    note = _text(note, "note", 300, required=False)
    if difference and not note:
        raise ValidationError({"note": _("Explique la diferencia entre el banco y los libros.")})
    if BankReconciliation.objects.filter(account=account, month=first).exists():
        raise ValidationError({"month": _("Ese mes ya está conciliado.")})
    row = BankReconciliation.objects.create(
        account=account,
        month=first,
        statement_balance=statement,
        book_balance=books,
        difference=difference,
        note=note,
        recorded_by=actor,
    )
    audit_record(
        action="finance.reconciliation_recorded",
        obj=account,
        actor=actor,
        role=grant.role,
        request=request,
        payload={"month": first.isoformat(), "difference": str(difference)},
    )
    return row


# --- Purchase plans -----------------------------------------------------------------------------


def _approved(budget: Budget) -> None:
    if budget.status not in (BudgetStatus.APPROVED, BudgetStatus.ADJUSTING):
        raise Conflict(
            _("El plan de compras necesita un presupuesto aprobado."), code="budget_not_approved"
        )


@transaction.atomic
def purchase_plan_create(
    *, actor: Any, budget: Budget, request: HttpRequest | None = None
) -> PurchasePlan:
    locked = _locked_budget(budget)
    grant = acting_grant(actor, SCHOOL_FINANCE_ROLES, school=locked.school)
    _approved(locked)
    if PurchasePlan.objects.filter(budget=locked).exists():
        raise Conflict(_("El presupuesto ya tiene plan de compras."), code="plan_exists")
    plan = PurchasePlan.objects.create(budget=locked, prepared_by=actor)
    audit_record(
        action="finance.purchase_plan_created",
        obj=plan,
        actor=actor,
        role=grant.role,
        request=request,
        payload={"budget": locked.pk},
    )
    return plan


@transaction.atomic
def purchase_item_add(
    *,
    actor: Any,
    plan: PurchasePlan,
    line: BudgetLine,
    description: str,
    quantity: int,
    unit_price: Any,
    month: int,
    request: HttpRequest | None = None,
) -> PurchasePlanItem:
    """Plan a purchase on an expense line; a line's purchases may not exceed it."""
    locked = PurchasePlan.objects.select_for_update().get(pk=plan.pk)
    budget = Budget.objects.select_related("school__municipality").get(pk=locked.budget_id)
    grant = acting_grant(actor, SCHOOL_FINANCE_ROLES, school=budget.school)
    if locked.status not in (PurchasePlanStatus.IN_PROGRESS, PurchasePlanStatus.OBSERVED):
        raise Conflict(_("El plan de compras ya no se puede modificar."), code="plan_locked")
    if line.budget_id != budget.pk or line.kind != LineKind.EXPENSE:
        raise ValidationError({"line": _("Elija una línea de gasto del presupuesto.")})
    if not isinstance(quantity, int) or quantity <= 0:
        raise ValidationError({"quantity": _("La cantidad debe ser un entero positivo.")})
    if month not in MONTHS:
        raise ValidationError({"month": _("Los meses van del 1 al 12.")})
    price = _amount(unit_price, "unit_price")
    total = to_money(price * quantity)
    planned = money_sum(line.purchases.values_list("total", flat=True))
    if planned + total > line.amount:
        raise ValidationError(
            {
                "unit_price": _("La línea tiene %(left)s sin planificar.")
                % {"left": line.amount - planned}
            }
        )
    item = PurchasePlanItem.objects.create(
        plan=locked,
        line=line,
        description=_text(description, "description", 200),
        quantity=quantity,
        unit_price=price,
        total=total,
        month=month,
    )
    audit_record(
        action="finance.purchase_item_added",
        obj=locked,
        actor=actor,
        role=grant.role,
        request=request,
        payload={"item": item.pk, "line": line.pk, "total": str(total)},
    )
    return item


def purchase_plan_submit(
    *, actor: Any, plan: PurchasePlan, request: HttpRequest | None = None
) -> PurchasePlan:
    budget = Budget.objects.select_related("school__municipality").get(pk=plan.budget_id)
    grant = acting_grant(actor, SCHOOL_FINANCE_ROLES, school=budget.school)
    if not plan.items.exists():
        raise Conflict(_("El plan de compras no tiene compras."), code="plan_empty")
    return transition(actor=actor, obj=plan, name="submit", request=request, role=grant.role)


def purchase_plan_review(
    *,
    actor: Any,
    plan: PurchasePlan,
    approve: bool,
    comment: str = "",
    request: HttpRequest | None = None,
) -> PurchasePlan:
    """The department's reviewer approves the plan or observes it (comment required); whoever
    prepared it never reviews it."""
    budget = Budget.objects.select_related("school__municipality").get(pk=plan.budget_id)
    grant = acting_grant(actor, [Role.FINANCE_REVIEWER], school=budget.school)
    if actor.pk == plan.prepared_by_id:
        raise PermissionDenied(_("Quien preparó el plan de compras no puede revisarlo."))
    if approve:
        return transition(actor=actor, obj=plan, name="approve", request=request, role=grant.role)
    comment = _text(comment, "comment", 2000)
    return transition(
        actor=actor,
        obj=plan,
        name="observe",
        request=request,
        role=grant.role,
        comment=comment,
        payload={"comment": comment},
    )


# --- Liquidation --------------------------------------------------------------------------------


def liquidation_figures(budget: Budget) -> dict[str, Decimal]:
    """What the school received from the transfer and paid with it (both signatures)."""
    received = budget.transfer_amount()
    executed = money_sum(
        Payment.objects.filter(
            invoice__budget=budget,
            invoice__line__source=FundSource.TRANSFER,
            status=PaymentStatus.AUTHORISED,
        ).values_list("amount", flat=True)
    )
    return {"received": received, "executed": executed}


@transaction.atomic
def liquidation_confirm(
    *,
    actor: Any,
    budget: Budget,
    supplier_returns: Any = ZERO,
    request: HttpRequest | None = None,
) -> Liquidation:
    """The director confirms the year's accounts: what was not spent (plus what suppliers gave
    back) is the refund owed to the ministry, to the cent."""
    locked = _locked_budget(budget)
    grant = acting_grant(actor, [Role.DIRECTOR], school=locked.school)
    if locked.status != BudgetStatus.CLOSED:
        _approved(locked)
    if Liquidation.objects.filter(budget=locked).exists():
        raise Conflict(_("La liquidación ya fue confirmada."), code="liquidation_exists")
    returns = _amount(supplier_returns, "supplier_returns", positive=False)
    if returns < 0:
        raise ValidationError({"supplier_returns": _("Las devoluciones no pueden ser negativas.")})
    figures = liquidation_figures(locked)
    refund = figures["received"] + returns - figures["executed"]
    if refund < 0:
        raise Conflict(
            _("Los pagos con la transferencia superan lo recibido: revise las facturas."),
            code="overspent",
        )
    liquidation = Liquidation(
        budget=locked,
        received=figures["received"],
        executed=figures["executed"],
        supplier_returns=returns,
        refund=refund,
        confirmed_by=actor,
    )
    start_department_clock(liquidation)
    liquidation.save()
    audit_record(
        action="finance.liquidation_confirmed",
        obj=liquidation,
        actor=actor,
        role=grant.role,
        request=request,
        payload={k: str(v) for k, v in {**figures, "returns": returns, "refund": refund}.items()},
    )
    return liquidation


def liquidation_evaluate(
    *, actor: Any, liquidation: Liquidation, note: str, request: HttpRequest | None = None
) -> Liquidation:
    budget = Budget.objects.select_related("school__municipality").get(pk=liquidation.budget_id)
    grant = acting_grant(actor, [Role.FINANCE_REVIEWER], school=budget.school)
    note = _text(note, "note", 2000)
    return transition(
        actor=actor, obj=liquidation, name="evaluate", request=request, role=grant.role, note=note
    )


def liquidation_approve(
    *, actor: Any, liquidation: Liquidation, request: HttpRequest | None = None
) -> Liquidation:
    """The department approves the evaluated liquidation (never the evaluator)."""
    budget = Budget.objects.select_related("school__municipality").get(pk=liquidation.budget_id)
    grant = acting_grant(
        actor, [Role.DEPARTMENTAL_OFFICER, Role.FINANCE_REVIEWER], school=budget.school
    )
    if actor.pk == liquidation.evaluated_by_id:
        raise PermissionDenied(_("Quien evaluó la liquidación no puede aprobarla."))
    return transition(
        actor=actor, obj=liquidation, name="approve", request=request, role=grant.role
    )
