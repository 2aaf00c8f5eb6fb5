"""The lifecycles of school finances (django-fsm-2). Fired only through
``core.workflow.transition`` by ``services.py``, which checks the actor's scope first.

Budget::

    en_proceso ─submit (guards)─► formulado ─approve (guards)─► aprobado ─authorise_change─►
        ▲                            │  (the reviewer may adjust   ▲                  en_ajuste
        └──────── observado ◄─observe┘   line amounts first)       │                      │
                                                                   └─ approve_adjustment ─┘
                                                                           (guards)
    aprobado / en_ajuste ─close (year end, system)─► cerrado

Transfer allocation: requested ─authorise─► authorised ─mark_transferred─► transferred
─close─► closed.
Payment: prepared (treasurer) ─authorise (president, another person)─► authorised.
Purchase plan: en_proceso ─submit─► en_revision ─observe─► observado ─submit─► en_revision
─approve─► aprobado. Liquidation: confirmada (school) ─evaluate─► evaluada ─approve─► aprobada.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.accounts.choices import Role
from core.accounts.scopes import has_role
from core.workflow import condition

from .choices import AllocationStatus as A
from .choices import BudgetStatus as B
from .choices import LiquidationStatus as L
from .choices import PaymentStatus as P
from .choices import PurchasePlanStatus as Plan


def _person(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_active", False))


def school_staff(obj: Any, user: Any) -> bool:
    return _person(user) and has_role(user, [Role.TREASURER, Role.DIRECTOR])


def director(obj: Any, user: Any) -> bool:
    return _person(user) and has_role(user, [Role.DIRECTOR])


def treasurer(obj: Any, user: Any) -> bool:
    return _person(user) and has_role(user, [Role.TREASURER])


def reviewer(obj: Any, user: Any) -> bool:
    return _person(user) and has_role(user, [Role.FINANCE_REVIEWER])


def ministry(obj: Any, user: Any) -> bool:
    return _person(user) and has_role(
        user, [Role.MINISTRY_OFFICER, Role.DEPARTMENTAL_OFFICER, Role.FINANCE_REVIEWER]
    )


def system_or_reviewer(obj: Any, user: Any) -> bool:
    return user is None or reviewer(obj, user)


# Business time the department has for a purchase plan's review or a liquidation's step.
DEPARTMENT_DUE = timedelta(hours=3 * 9)


def start_department_clock(obj: Any) -> None:
    """Start the department's clock on a plan or liquidation step: due in ``DEPARTMENT_DUE``
    of business time, reminded a quarter of it before (the rule of ``RoleTask``), and neither
    reminded nor escalated yet (``due.py`` sweeps them)."""
    from core.calendar import add_business_time

    now = timezone.now()
    obj.due_at = add_business_time(now, DEPARTMENT_DUE)
    obj.remind_at = add_business_time(now, DEPARTMENT_DUE - DEPARTMENT_DUE / 4)
    obj.reminded_at = None
    obj.escalated_at = None


@condition(
    _(
        "La transferencia del Ministerio no está asignada por completo: los gastos financiados "
        "con ella deben sumar exactamente lo transferido."
    )
)
def transfer_fully_allocated(budget: Any) -> bool:
    return budget.transfer_fully_allocated()


@condition(_("Los gastos con ingresos propios superan los ingresos propios (saldo negativo)."))
def own_balance_not_negative(budget: Any) -> bool:
    return budget.own_balance() >= 0


@condition(_("La distribución mensual de alguna línea no suma su monto."))
def months_add_up(budget: Any) -> bool:
    return budget.months_add_up()


class BudgetLifecycle(models.Model):
    status = FSMField(
        _("estado"), max_length=12, choices=B.choices, default=B.IN_PROGRESS, protected=True
    )

    class Meta:
        abstract = True

    @transition(
        field=status,
        source=[B.IN_PROGRESS, B.OBSERVED],
        target=B.SUBMITTED,
        permission=director,
        conditions=[transfer_fully_allocated, own_balance_not_negative, months_add_up],
        custom={"label": _("Presentar a revisión")},
    )
    def submit(self, *, actor: Any) -> None:
        self.submitted_by = actor

    @transition(
        field=status,
        source=B.SUBMITTED,
        target=B.OBSERVED,
        permission=reviewer,
        custom={"label": _("Observar")},
    )
    def observe(self, *, actor: Any, comment: str) -> None:
        self.review_comment = comment

    @transition(
        field=status,
        source=B.SUBMITTED,
        target=B.APPROVED,
        permission=reviewer,
        # Checked again: the reviewer may have adjusted line amounts (adjust and approve).
        conditions=[transfer_fully_allocated, own_balance_not_negative, months_add_up],
        custom={"label": _("Aprobar")},
    )
    def approve(self, *, actor: Any, comment: str = "") -> None:
        self.approved_by = actor
        self.review_comment = comment

    @transition(
        field=status,
        source=B.APPROVED,
        target=B.ADJUSTING,
        permission=reviewer,
        custom={"label": _("Autorizar una modificación")},
    )
    def authorise_change(self, *, actor: Any, reason: str) -> None:
        self.change_reason = reason

    @transition(
        field=status,
        source=B.ADJUSTING,
        target=B.APPROVED,
        permission=reviewer,
        conditions=[transfer_fully_allocated, own_balance_not_negative, months_add_up],
        custom={"label": _("Aprobar la modificación")},
    )
    def approve_adjustment(self, *, actor: Any) -> None:
        self.approved_by = actor

    @transition(
        field=status,
        source=[B.APPROVED, B.ADJUSTING],
        target=B.CLOSED,
        permission=system_or_reviewer,
        custom={"label": _("Cerrar al fin del año fiscal")},
    )
    def close(self) -> None:
        """The fiscal year ended: the budget is history."""


class AllocationLifecycle(models.Model):
    status = FSMField(
        _("estado"), max_length=12, choices=A.choices, default=A.REQUESTED, protected=True
    )

    class Meta:
        abstract = True

    @transition(
        field=status,
        source=A.REQUESTED,
        target=A.AUTHORISED,
        permission=ministry,
        custom={"label": _("Autorizar")},
    )
    def authorise(self) -> None:
        """The department authorises the amount for the school (within its ceiling)."""

    @transition(
        field=status,
        source=A.AUTHORISED,
        target=A.TRANSFERRED,
        permission=ministry,
        custom={"label": _("Registrar la transferencia")},
    )
    def mark_transferred(self, *, on: Any) -> None:
        self.transferred_on = on

    @transition(
        field=status,
        source=A.TRANSFERRED,
        target=A.CLOSED,
        permission=ministry,
        custom={"label": _("Cerrar")},
    )
    def close(self) -> None:
        """The school accounted for the money (liquidation approved)."""


class PaymentLifecycle(models.Model):
    status = FSMField(
        _("estado"), max_length=12, choices=P.choices, default=P.PREPARED, protected=True
    )

    class Meta:
        abstract = True

    @transition(
        field=status,
        source=P.PREPARED,
        target=P.AUTHORISED,
        permission=director,
        custom={"label": _("Autorizar el pago")},
    )
    def authorise(self, *, actor: Any, on: Any) -> None:
        # The service has refused an authoriser who prepared the payment.
        self.authorised_by = actor
        self.paid_on = on


class PurchasePlanLifecycle(models.Model):
    status = FSMField(
        _("estado"), max_length=12, choices=Plan.choices, default=Plan.IN_PROGRESS, protected=True
    )

    class Meta:
        abstract = True

    @transition(
        field=status,
        source=[Plan.IN_PROGRESS, Plan.OBSERVED],
        target=Plan.IN_REVIEW,
        permission=school_staff,
        custom={"label": _("Enviar a revisión")},
    )
    def submit(self) -> None:
        """The school sends the plan (first time, or corrected after an observation)."""
        start_department_clock(self)

    @transition(
        field=status,
        source=Plan.IN_REVIEW,
        target=Plan.OBSERVED,
        permission=reviewer,
        custom={"label": _("Observar")},
    )
    def observe(self, *, comment: str) -> None:
        self.review_comment = comment

    @transition(
        field=status,
        source=Plan.IN_REVIEW,
        target=Plan.APPROVED,
        permission=reviewer,
        custom={"label": _("Aprobar")},
    )
    def approve(self, *, actor: Any) -> None:
        self.approved_by = actor


class LiquidationLifecycle(models.Model):
    status = FSMField(
        _("estado"), max_length=12, choices=L.choices, default=L.CONFIRMED, protected=True
    )

    class Meta:
        abstract = True

    @transition(
        field=status,
        source=L.CONFIRMED,
        target=L.EVALUATED,
        permission=reviewer,
        custom={"label": _("Evaluar")},
    )
    def evaluate(self, *, actor: Any, note: str) -> None:
        self.evaluated_by = actor
        self.evaluation_note = note
        start_department_clock(self)

    @transition(
        field=status,
        source=L.EVALUATED,
        target=L.APPROVED,
        permission=ministry,
        custom={"label": _("Aprobar la liquidación")},
    )
    def approve(self, *, actor: Any) -> None:
        self.approved_by = actor
