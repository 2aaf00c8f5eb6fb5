"""Reads of the budget process: the rows the task and process pages show about a budget."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import BudgetProcess


def budget_process_details(*, process_pk: int) -> list[dict[str, Any]]:
    process = BudgetProcess.objects.select_related("budget", "school").filter(pk=process_pk).first()
    if process is None:
        return []
    budget = process.budget
    rows = [
        {
            "label": _("Centro educativo"),
            "value": f"{process.school.code} {process.school.name}",
            "url": "",
        },
        {"label": _("Año fiscal"), "value": str(process.year), "url": ""},
        {"label": _("Estado del presupuesto"), "value": budget.get_status_display(), "url": ""},
        {
            "label": _("Presupuesto"),
            "value": _("Ver líneas, distribución mensual y ejecución"),
            "url": reverse("finance:budget", kwargs={"pk": budget.pk}),
        },
    ]
    if budget.review_comment:
        rows.append({"label": _("Observaciones"), "value": budget.review_comment, "url": ""})
    adjusted = budget.adjustments.count()
    if adjusted:
        rows.append(
            {
                "label": _("Ajustes del revisor"),
                "value": ngettext(
                    "%(count)d monto ajustado", "%(count)d montos ajustados", adjusted
                )
                % {"count": adjusted},
                "url": reverse("finance:budget", kwargs={"pk": budget.pk}) + "#revision",
            }
        )
    return rows


def budget_process_for(budget_id: int) -> BudgetProcess | None:
    return BudgetProcess.objects.filter(budget_id=budget_id).first()


def holds_review(actor: Any, budget: Any) -> bool:
    """Whether ``actor`` holds ``budget``'s review task now (assigned to them, not done):
    registered as the finance module's ``hooks.register_review_holder``."""
    from viewflow.workflow.models import Task

    from .flows import BudgetFlow

    return Task.objects.filter(
        flow_task=BudgetFlow.review,
        status__in=["ASSIGNED", "STARTED"],
        owner_id=actor.pk,
        process__budgetprocess__budget_id=budget.pk,
    ).exists()
