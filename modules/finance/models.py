"""School finances: fiscal years, ministry transfers and their allocation to schools, school
boards, budgets with lines and their monthly distribution, bank accounts, invoices, payments and
bank reconciliations. Amounts are ``Decimal`` dollars (``money.py``).

Written only by ``services.py``; states change only through ``core.workflow.transition``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMModelMixin

from .choices import (
    BoardKind,
    BoardRole,
    DocumentKind,
    FundSource,
    LineKind,
    PaymentMethod,
)
from .lifecycles import (
    AllocationLifecycle,
    BudgetLifecycle,
    LiquidationLifecycle,
    PaymentLifecycle,
    PurchasePlanLifecycle,
)
from .money import DECIMAL_PLACES, MAX_DIGITS, ZERO, to_money


def money_field(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **kwargs
    )


class FiscalYear(models.Model):
    year = models.PositiveSmallIntegerField(_("año fiscal"), primary_key=True)
    closed_at = models.DateTimeField(_("cerrado el"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("año fiscal")
        verbose_name_plural = _("años fiscales")

    def __str__(self) -> str:
        return str(self.year)


class Category(models.Model):
    """A budget category (data, not code): the rows of the transparency pages."""

    code = models.CharField(_("código"), max_length=20, unique=True)
    name = models.CharField(_("nombre"), max_length=120)
    kind = models.CharField(_("tipo"), max_length=10, choices=LineKind.choices)
    position = models.PositiveSmallIntegerField(_("orden"), default=0)
    is_active = models.BooleanField(_("vigente"), default=True)

    class Meta:
        ordering = ["kind", "position", "code"]
        verbose_name = _("categoría presupuestaria")
        verbose_name_plural = _("categorías presupuestarias")

    def __str__(self) -> str:
        return self.name


class Transfer(models.Model):
    """A ministry transfer of one fiscal year (e.g. the school operating grant)."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="transfers")
    name = models.CharField(_("nombre"), max_length=150)
    # What the ministry transfers in all: the allocations to schools never add up to more.
    total = money_field(_("monto total"))
    # The most any one school may receive from it.
    school_ceiling = money_field(_("techo por centro"))
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)

    class Meta:
        ordering = ["-fiscal_year", "name"]
        verbose_name = _("transferencia del Ministerio")
        verbose_name_plural = _("transferencias del Ministerio")
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "name"], name="finance_transfer_unique"),
            models.CheckConstraint(
                condition=Q(school_ceiling__gte=0), name="finance_transfer_ceiling_positive"
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0), name="finance_transfer_total_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.fiscal_year_id}"


class Allocation(AllocationLifecycle, FSMModelMixin, models.Model):
    """The part of a transfer given to one school (its department allocates it)."""

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="allocations")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    # Denormalised from the school: department pages and scopes without joins.
    department = models.ForeignKey("schools.Department", on_delete=models.PROTECT, related_name="+")
    amount = money_field(_("monto"))
    transferred_on = models.DateField(_("transferida el"), null=True, blank=True)

    class Meta:
        verbose_name = _("asignación a centro")
        verbose_name_plural = _("asignaciones a centros")
        constraints = [
            models.UniqueConstraint(
                fields=["transfer", "school"], name="finance_allocation_one_per_school"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="finance_allocation_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.transfer} · {self.school_id}"


class Board(models.Model):
    """The school board that manages the school's funds (CDE; CECE in subsidised schools)."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("tipo"), max_length=5, choices=BoardKind.choices)
    term_start = models.DateField(_("inicio del período"))
    term_end = models.DateField(_("fin del período"))

    class Meta:
        ordering = ["-term_start"]
        verbose_name = _("organismo de administración escolar")
        verbose_name_plural = _("organismos de administración escolar")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gt=models.F("term_start")), name="finance_board_term_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.term_start:%Y}-{self.term_end:%Y}"


class BoardMember(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("cargo"), max_length=10, choices=BoardRole.choices)
    term_start = models.DateField(_("desde"))
    term_end = models.DateField(_("hasta"))
    # Set when the member's term is ended before the board's (resignation, transfer…): the
    # office is free again for someone else.
    left_office = models.BooleanField(_("dejó el cargo"), default=False)

    class Meta:
        ordering = ["board", "role", "pk"]
        verbose_name = _("miembro del organismo")
        verbose_name_plural = _("miembros del organismo")
        constraints = [
            models.UniqueConstraint(fields=["board", "person"], name="finance_board_member_once"),
            # One president, one treasurer and one secretary in office per board.
            models.UniqueConstraint(
                fields=["board", "role"],
                condition=Q(role__in=["president", "treasurer", "secretary"], left_office=False),
                name="finance_board_single_office",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.person_id}"


class Budget(BudgetLifecycle, FSMModelMixin, models.Model):
    """The budget of one school for one fiscal year."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("schools.Department", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="budgets")
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(_("comentario de la revisión"), blank=True)
    change_reason = models.TextField(_("motivo de la modificación autorizada"), blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        ordering = ["-fiscal_year", "school"]
        verbose_name = _("presupuesto escolar")
        verbose_name_plural = _("presupuestos escolares")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "fiscal_year"], name="finance_budget_one_per_year"
            ),
        ]
        indexes = [models.Index(fields=["fiscal_year", "status", "department"])]

    def __str__(self) -> str:
        return f"{self.fiscal_year_id} · {self.school_id}"

    def _total(self, kind: str, source: str) -> Decimal:
        total = self.lines.filter(kind=kind, source=source).aggregate(total=Sum("amount"))["total"]
        return ZERO if total is None else to_money(total)

    def transfer_amount(self) -> Decimal:
        """What the ministry allocated to the school this fiscal year (not cancelled)."""
        total = Allocation.objects.filter(
            school_id=self.school_id, transfer__fiscal_year_id=self.fiscal_year_id
        ).aggregate(total=Sum("amount"))["total"]
        return ZERO if total is None else to_money(total)

    def transfer_fully_allocated(self) -> bool:
        """The transfer is budgeted as income in full, and spent in full by expense lines."""
        allocated = self.transfer_amount()
        income = self._total("income", "transfer")
        expense = self._total("expense", "transfer")
        return allocated > 0 and income == allocated and expense == allocated

    def own_balance(self) -> Decimal:
        return self._total("income", "own") - self._total("expense", "own")

    def months_add_up(self) -> bool:
        lines = self.lines.annotate(spread=Sum("months__amount")).values_list("amount", "spread")
        return all(amount == to_money(spread or ZERO) for amount, spread in lines)


class BudgetLine(models.Model):
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("tipo"), max_length=10, choices=LineKind.choices)
    source = models.CharField(_("fuente"), max_length=10, choices=FundSource.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("descripción"), max_length=200)
    amount = money_field(_("monto"))

    class Meta:
        ordering = ["budget", "kind", "category__position", "pk"]
        verbose_name = _("línea presupuestaria")
        verbose_name_plural = _("líneas presupuestarias")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_line_positive"),
        ]

    def __str__(self) -> str:
        return self.description


class BudgetLineMonth(models.Model):
    """The part of a line planned for one month; a line's months add up to its amount."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="months")
    month = models.PositiveSmallIntegerField(
        _("mes"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    amount = money_field(_("monto"))

    class Meta:
        ordering = ["line", "month"]
        constraints = [
            models.UniqueConstraint(fields=["line", "month"], name="finance_line_month_once"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="finance_line_month_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month}: {self.amount}"


class BudgetLineAdjustment(models.Model):
    """A line amount changed by the departmental reviewer while reviewing the budget (adjust
    and approve): before and after, the reason the school reads, who and when. Written only by
    ``services.budget_lines_adjust`` (which also audits it)."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="adjustments")
    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="adjustments")
    amount_before = money_field(_("monto anterior"))
    amount_after = money_field(_("monto ajustado"))
    reason = models.TextField(_("motivo del ajuste"))
    adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    adjusted_at = models.DateTimeField(_("ajustado el"), auto_now_add=True)

    class Meta:
        ordering = ["budget", "adjusted_at", "pk"]
        verbose_name = _("ajuste del revisor")
        verbose_name_plural = _("ajustes del revisor")

    def __str__(self) -> str:
        return f"{self.line_id}: {self.amount_before} → {self.amount_after}"


class BankAccount(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    bank = models.CharField(_("banco"), max_length=100)
    number = models.CharField(_("número de cuenta"), max_length=30)
    opening_balance = money_field(_("saldo inicial"), default=ZERO)
    is_active = models.BooleanField(_("vigente"), default=True)

    class Meta:
        ordering = ["school", "bank"]
        verbose_name = _("cuenta bancaria")
        verbose_name_plural = _("cuentas bancarias")
        constraints = [
            models.UniqueConstraint(fields=["bank", "number"], name="finance_account_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.bank} ···{self.number[-4:]}"


class Invoice(models.Model):
    """An invoice or receipt of a supplier, charged to one expense line of the budget."""

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="invoices")
    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="invoices")
    # Denormalised from the line and the budget: the transparency totals group on them.
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("schools.Department", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("documento"), max_length=10, choices=DocumentKind.choices)
    supplier_name = models.CharField(_("proveedor"), max_length=150)
    supplier_nit = models.CharField(_("NIT del proveedor"), max_length=14)
    number = models.CharField(_("número"), max_length=40)
    issued_on = models.DateField(_("fecha"))
    amount = money_field(_("monto"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("registrada"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("factura o recibo")
        verbose_name_plural = _("facturas y recibos")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "supplier_nit", "number"], name="finance_invoice_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_invoice_positive"),
        ]
        indexes = [models.Index(fields=["fiscal_year", "department", "category"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Payment(PaymentLifecycle, FSMModelMixin, models.Model):
    """The payment of one invoice: a cheque (two signatures) or petty cash."""

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="payment")
    method = models.CharField(_("forma de pago"), max_length=12, choices=PaymentMethod.choices)
    account = models.ForeignKey(
        BankAccount, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    cheque_number = models.CharField(_("número de cheque"), max_length=20, blank=True)
    amount = money_field(_("monto"))
    # Denormalised from the invoice: execution totals by category without joins.
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("schools.Department", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_on = models.DateField(_("pagado el"), null=True, blank=True)
    created_at = models.DateTimeField(_("preparado"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pago")
        verbose_name_plural = _("pagos")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_payment_positive"),
            # Two signatures: whoever authorises a payment did not prepare it.
            models.CheckConstraint(
                condition=Q(authorised_by__isnull=True) | ~Q(authorised_by=models.F("prepared_by")),
                name="finance_payment_two_people",
            ),
            models.CheckConstraint(
                condition=~Q(method="cheque") | (Q(account__isnull=False) & ~Q(cheque_number="")),
                name="finance_cheque_has_account_and_number",
            ),
        ]
        indexes = [models.Index(fields=["fiscal_year", "status", "department", "category"])]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount}"


class BankReconciliation(models.Model):
    """The bank statement's balance at a month's end set against the books."""

    account = models.ForeignKey(
        BankAccount, on_delete=models.PROTECT, related_name="reconciliations"
    )
    month = models.DateField(_("mes"))  # the first day of the month
    statement_balance = money_field(_("saldo según el banco"))
    book_balance = money_field(_("saldo según libros"))
    difference = money_field(_("diferencia"))
    note = models.CharField(_("explicación"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("registrada"), auto_now_add=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("conciliación bancaria")
        verbose_name_plural = _("conciliaciones bancarias")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "month"], name="finance_reconciliation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} · {self.month:%m/%Y}"


class PurchasePlan(PurchasePlanLifecycle, FSMModelMixin, models.Model):
    """What the school plans to buy with an approved budget; reviewed by the department."""

    budget = models.OneToOneField(Budget, on_delete=models.PROTECT, related_name="purchase_plan")
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(_("observaciones"), blank=True)
    # When the department's review is due (set on each submission).
    due_at = models.DateTimeField(_("vence"), null=True, blank=True)
    # The reminder and escalation of that review (reset on each submission; ``due.py``).
    remind_at = models.DateTimeField(_("recordar desde"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("recordado"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalado"), null=True, blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan de compras")
        verbose_name_plural = _("planes de compras")

    def __str__(self) -> str:
        return f"{self.budget}"

    # The work-item interface: plans in review are listed in the reviewers' Bandeja.
    @property
    def work_item_title(self) -> str:
        return _("Plan de compras %(school)s · %(year)s") % {
            "school": self.budget.school.code,
            "year": self.budget.fiscal_year_id,
        }

    @property
    def work_item_due_at(self) -> Any:
        return self.due_at

    @property
    def work_item_url(self) -> str:
        return reverse("finance:budget", args=[self.budget_id]) + "#plan-de-compras"


class PurchasePlanItem(models.Model):
    plan = models.ForeignKey(PurchasePlan, on_delete=models.CASCADE, related_name="items")
    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="purchases")
    description = models.CharField(_("bien o servicio"), max_length=200)
    quantity = models.PositiveIntegerField(_("cantidad"))
    unit_price = money_field(_("precio unitario"))
    total = money_field(_("total"))
    month = models.PositiveSmallIntegerField(
        _("mes previsto"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )

    class Meta:
        ordering = ["plan", "month", "pk"]
        verbose_name = _("compra planificada")
        verbose_name_plural = _("compras planificadas")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="finance_purchase_quantity"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="finance_purchase_month"
            ),
        ]

    def __str__(self) -> str:
        return self.description


class Liquidation(LiquidationLifecycle, FSMModelMixin, models.Model):
    """The school's accounting for the year's transfer: what it received, spent, got back from
    suppliers (returns) and gives back to the ministry (refund of what was not spent).

    ``refund = received + supplier_returns - executed`` exactly (computed in Decimal by the
    service; not a database check, because SQLite compares decimals as floating point)."""

    budget = models.OneToOneField(Budget, on_delete=models.PROTECT, related_name="liquidation")
    received = money_field(_("transferencia recibida"))
    executed = money_field(_("pagado con la transferencia"))
    supplier_returns = money_field(_("devoluciones de proveedores"), default=ZERO)
    refund = money_field(_("reintegro al Ministerio"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evaluation_note = models.TextField(_("evaluación"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # When the department's next step (evaluation, then approval) is due.
    due_at = models.DateTimeField(_("vence"), null=True, blank=True)
    # The reminder and escalation of that step (reset at each step; ``due.py``).
    remind_at = models.DateTimeField(_("recordar desde"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("recordado"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalado"), null=True, blank=True)
    created_at = models.DateTimeField(_("confirmada el"), auto_now_add=True)

    class Meta:
        verbose_name = _("liquidación")
        verbose_name_plural = _("liquidaciones")
        constraints = [
            models.CheckConstraint(condition=Q(refund__gte=0), name="finance_refund_positive"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("evaluated_by")),
                name="finance_liquidation_two_reviewers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget}"

    @property
    def work_item_title(self) -> str:
        return _("Liquidación %(school)s · %(year)s") % {
            "school": self.budget.school.code,
            "year": self.budget.fiscal_year_id,
        }

    @property
    def work_item_due_at(self) -> Any:
        return self.due_at

    @property
    def work_item_url(self) -> str:
        return reverse("finance:budget", args=[self.budget_id]) + "#liquidacion"


class DepartmentTotal(models.Model):
    """Budget against execution of one department, fiscal year and expense category: what the
    national and department transparency pages read (a handful of rows instead of every
    payment). Rebuilt from the budgets and payments by ``services.department_totals_refresh``
    inside the transaction of every change that moves them."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey("schools.Department", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    budgeted = money_field(_("presupuestado"), default=ZERO)
    executed = money_field(_("ejecutado"), default=ZERO)

    class Meta:
        verbose_name = _("total departamental")
        verbose_name_plural = _("totales departamentales")
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "department", "category"], name="finance_total_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year_id} · {self.department_id} · {self.category_id}"
