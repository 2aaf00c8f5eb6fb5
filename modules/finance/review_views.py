"""The department's review actions on the budget page:

- ``budget_adjust``: the reviewer holding the budget's review changes line amounts with a
  reason (then approves from the review task with «Ajustar y aprobar»);
- ``budget_change_authorise``: the reviewer authorises a change of an approved budget (the
  school may then edit its lines);
- ``budget_change_approve``: the reviewer approves the changed budget (the guards again).

Reviewer-only pages: anyone else, or a reviewer of another department, gets a 404 and nothing
changes. ``review_context`` is what the budget page needs to show them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.accounts.choices import Role
from core.accounts.scopes import has_role

from . import selectors, services
from .choices import BudgetStatus
from .hooks import holds_review
from .models import Budget
from .review_forms import AdjustLinesForm, ChangeReasonForm
from .views import _back, _done

REVIEWER = (Role.FINANCE_REVIEWER,)
ANCHOR = "#revision"


def _lines(budget: Budget) -> list[Any]:
    # Income first, as the page lists them ("income" sorts after "expense").
    lines = budget.lines.select_related("category")
    return list(lines.order_by("-kind", "category__position", "pk"))


def review_context(request: HttpRequest, budget: Budget) -> dict[str, Any]:
    """The reviewer's forms on the budget page, and the adjustments the school reads."""
    is_reviewer = has_role(request.user, REVIEWER)
    can_adjust = (
        is_reviewer
        and budget.status == BudgetStatus.SUBMITTED
        and holds_review(request.user, budget)
    )
    return {
        "adjustments": list(
            budget.adjustments.select_related("line").order_by("adjusted_at", "pk")
        ),
        "can_adjust": can_adjust,
        "adjust_form": AdjustLinesForm(lines=_lines(budget)) if can_adjust else None,
        "can_authorise_change": is_reviewer and budget.status == BudgetStatus.APPROVED,
        "can_approve_change": is_reviewer and budget.status == BudgetStatus.ADJUSTING,
        "change_form": ChangeReasonForm(),
    }


@require_POST
@login_required
def budget_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    budget = selectors.budget_get(request.user, pk, roles=REVIEWER)
    form = AdjustLinesForm(request.POST, lines=_lines(budget))
    if not form.is_valid():
        return _back(request, pk, ANCHOR, _("Revise los montos y escriba el motivo del ajuste."))
    return _done(
        request,
        pk,
        ANCHOR,
        lambda: services.budget_lines_adjust(
            actor=request.user,
            budget=budget,
            amounts=form.amounts(),
            reason=form.cleaned_data["reason"],
            request=request,
        ),
        _("Ajustes registrados. Para aprobar, elija «Ajustar y aprobar» en la tarea de revisión."),
    )


@require_POST
@login_required
def budget_change_authorise(request: HttpRequest, pk: int) -> HttpResponse:
    budget = selectors.budget_get(request.user, pk, roles=REVIEWER)
    form = ChangeReasonForm(request.POST)
    if not form.is_valid():
        return _back(request, pk, ANCHOR, _("Escriba el motivo de la modificación."))
    return _done(
        request,
        pk,
        ANCHOR,
        lambda: services.budget_change_authorise(
            actor=request.user,
            budget=budget,
            reason=form.cleaned_data["reason"],
            request=request,
        ),
        _("Modificación autorizada: el centro educativo puede cambiar sus líneas."),
    )


@require_POST
@login_required
def budget_change_approve(request: HttpRequest, pk: int) -> HttpResponse:
    budget = selectors.budget_get(request.user, pk, roles=REVIEWER)
    return _done(
        request,
        pk,
        ANCHOR,
        lambda: services.budget_adjustment_approve(
            actor=request.user, budget=budget, request=request
        ),
        _("Modificación aprobada: el presupuesto vuelve a estar aprobado."),
    )
