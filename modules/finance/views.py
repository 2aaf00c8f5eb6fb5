"""The finance pages: the school's budget (lines, invoices, payments with two signatures), the
budget list for reviewers and auditors (filters, export) and the public transparency pages.

Thin: parse, call one selector or service, render. Refusals show the reason on the page and
change nothing; an object outside the actor's scope is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.accounts.choices import Role
from core.accounts.scopes import has_role
from core.charts import Series, bar_chart
from core.exceptions import Conflict
from core.parsers import plain_int

from . import selectors, services
from .choices import EDITABLE_BUDGET_STATES, PUBLISHED_BUDGET_STATES, BudgetStatus, PaymentStatus
from .exports import table_response
from .forms import (
    BudgetFilterForm,
    EvaluationForm,
    InvoiceForm,
    LineForm,
    LiquidationForm,
    PaymentForm,
    PlanItemForm,
    ReviewDecisionForm,
)
from .models import Budget

SCHOOL_ROLES = (Role.TREASURER, Role.DIRECTOR)


def _errors(error: Exception) -> list[str]:
    if isinstance(error, Conflict):
        return [error.reason]
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error) or _("No tiene permiso para esta acción.")]


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    schools = list(selectors.schools_managed(request.user))
    budgets = list(
        Budget.objects.filter(school__in=schools)
        .select_related("school")
        .order_by("school__code", "-fiscal_year_id")
    )
    boards = selectors.current_boards(schools, timezone.localdate())
    context = {
        "schools": schools,
        "school_boards": [(school, boards.get(school.pk)) for school in schools],
        "budgets": budgets,
        "year": timezone.localdate().year,
        "can_open": has_role(request.user, [Role.TREASURER]),
    }
    return render(request, "finance/mine.html", context)


def _budget_context(request: HttpRequest, budget: Budget, **extra: Any) -> dict[str, Any]:
    from .review_views import review_context  # it imports this module's helpers

    sheet = selectors.budget_sheet(budget)
    school_staff = (
        has_role(request.user, SCHOOL_ROLES)
        and selectors.schools_managed(request.user).filter(pk=budget.school_id).exists()
    )
    editable = school_staff and budget.status in EDITABLE_BUDGET_STATES
    executing = school_staff and budget.status in (BudgetStatus.APPROVED, BudgetStatus.ADJUSTING)
    return {
        "sheet": sheet,
        "budget": budget,
        "months": range(1, 13),
        "editable": editable,
        "executing": executing,
        "is_treasurer": has_role(request.user, [Role.TREASURER]),
        "is_director": has_role(request.user, [Role.DIRECTOR]),
        "line_form": extra.pop("line_form", None) or LineForm(),
        "invoice_form": extra.pop("invoice_form", None) or InvoiceForm(budget=budget),
        "payment_form": PaymentForm(school_id=budget.school_id, accounts=sheet.accounts),
        "prepared": PaymentStatus.PREPARED,
        **selectors.budget_followups(budget),
        "plan_item_form": PlanItemForm(budget=budget),
        "review_form": ReviewDecisionForm(),
        "liquidation_form": LiquidationForm(),
        "evaluation_form": EvaluationForm(),
        "school_staff": school_staff,
        "is_reviewer": has_role(request.user, [Role.FINANCE_REVIEWER]),
        "is_department": has_role(request.user, [Role.FINANCE_REVIEWER, Role.DEPARTMENTAL_OFFICER]),
        "published": budget.status in PUBLISHED_BUDGET_STATES,
        **review_context(request, budget),
        **extra,
    }


@require_GET
@login_required
def budget_detail(request: HttpRequest, pk: int) -> HttpResponse:
    budget = selectors.budget_get(request.user, pk)
    return render(request, "finance/budget.html", _budget_context(request, budget))


@require_POST
@login_required
def line_add(request: HttpRequest, pk: int) -> HttpResponse:
    budget = selectors.budget_get(request.user, pk, roles=SCHOOL_ROLES)
    form = LineForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.budget_line_add(
                actor=request.user,
                budget=budget,
                request=request,
                months=form.months(),
                **form.line_data(),
            )
        except (Conflict, ValidationError, PermissionDenied) as error:
            errors = _errors(error)
            if "months" in getattr(error, "error_dict", {}):
                form.add_error("split", error.error_dict["months"])  # next to the months too
        else:
            messages.success(request, _("Línea agregada."))
            return redirect("finance:budget", pk=pk)
    context = _budget_context(request, budget, line_form=form, errors=errors)
    return render(request, "finance/budget.html", context, status=400)


def _back(request: HttpRequest, budget_id: int, anchor: str, error: str) -> HttpResponse:
    """Say what was wrong with the form; back to the budget page's section."""
    messages.error(request, error)
    return redirect(reverse("finance:budget", args=[budget_id]) + anchor)


def _done(
    request: HttpRequest, budget_id: int, anchor: str, work: Any, success: str
) -> HttpResponse:
    """Run one service call; say what happened; back to the budget page's section."""
    try:
        work()
    except (Conflict, ValidationError, PermissionDenied) as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(reverse("finance:budget", args=[budget_id]) + anchor)


@require_POST
@login_required
def line_remove(request: HttpRequest, pk: int) -> HttpResponse:
    line = selectors.line_get(request.user, pk)
    return _done(
        request,
        line.budget_id,
        "",
        lambda: services.budget_line_remove(actor=request.user, line=line, request=request),
        _("Línea eliminada."),
    )


@require_POST
@login_required
def invoice_add(request: HttpRequest, pk: int) -> HttpResponse:
    budget = selectors.budget_get(request.user, pk, roles=SCHOOL_ROLES)
    form = InvoiceForm(request.POST, budget=budget)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.invoice_record(actor=request.user, request=request, **form.cleaned_data)
        except (Conflict, ValidationError, PermissionDenied) as error:
            errors = _errors(error)
        else:
            messages.success(request, _("Factura registrada."))
            return redirect("finance:budget", pk=pk)
    context = _budget_context(request, budget, invoice_form=form, errors=errors)
    return render(request, "finance/budget.html", context, status=400)


@require_POST
@login_required
def payment_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(request.user, pk)
    form = PaymentForm(request.POST, school_id=invoice.school_id)
    if not form.is_valid():
        return _back(request, invoice.budget_id, "", _("Revise la forma de pago."))
    return _done(
        request,
        invoice.budget_id,
        "",
        lambda: services.payment_prepare(
            actor=request.user, invoice=invoice, request=request, **form.cleaned_data
        ),
        _("Pago preparado: falta la firma del presidente."),
    )


@require_POST
@login_required
def payment_authorise(request: HttpRequest, pk: int) -> HttpResponse:
    payment = selectors.payment_get(request.user, pk)
    return _done(
        request,
        payment.invoice.budget_id,
        "",
        lambda: services.payment_authorise(actor=request.user, payment=payment, request=request),
        _("Pago autorizado."),
    )


# --- Purchase plan and liquidation ---------------------------------------------------------------


@require_POST
@login_required
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    budget = selectors.budget_get(request.user, pk, roles=SCHOOL_ROLES)
    return _done(
        request,
        pk,
        "#plan-de-compras",
        lambda: services.purchase_plan_create(actor=request.user, budget=budget, request=request),
        _("Plan de compras abierto."),
    )


@require_POST
@login_required
def plan_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk)
    form = PlanItemForm(request.POST, budget=plan.budget)
    if not form.is_valid():
        return _back(
            request, plan.budget_id, "#plan-de-compras", _("Revise los datos de la compra.")
        )
    return _done(
        request,
        plan.budget_id,
        "#plan-de-compras",
        lambda: services.purchase_item_add(
            actor=request.user, plan=plan, request=request, **form.cleaned_data
        ),
        _("Compra agregada al plan."),
    )


@require_POST
@login_required
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk)
    return _done(
        request,
        plan.budget_id,
        "#plan-de-compras",
        lambda: services.purchase_plan_submit(actor=request.user, plan=plan, request=request),
        _("Plan de compras enviado a revisión."),
    )


@require_POST
@login_required
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk)
    form = ReviewDecisionForm(request.POST)
    if not form.is_valid():
        return _back(request, plan.budget_id, "#plan-de-compras", _("Elija aprobar u observar."))
    return _done(
        request,
        plan.budget_id,
        "#plan-de-compras",
        lambda: services.purchase_plan_review(
            actor=request.user,
            plan=plan,
            approve=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["comment"],
            request=request,
        ),
        _("Revisión registrada."),
    )


@require_POST
@login_required
def liquidation_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    budget = selectors.budget_get(request.user, pk, roles=SCHOOL_ROLES)
    form = LiquidationForm(request.POST)
    if not form.is_valid():
        return _back(
            request,
            pk,
            "#liquidacion",
            _("Escriba las devoluciones de proveedores (0 si no hubo)."),
        )
    return _done(
        request,
        pk,
        "#liquidacion",
        lambda: services.liquidation_confirm(
            actor=request.user, budget=budget, request=request, **form.cleaned_data
        ),
        _("Liquidación confirmada: pasa a evaluación del departamento."),
    )


@require_POST
@login_required
def liquidation_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    liquidation = selectors.liquidation_get(request.user, pk)
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        return _back(request, liquidation.budget_id, "#liquidacion", _("Escriba la evaluación."))
    return _done(
        request,
        liquidation.budget_id,
        "#liquidacion",
        lambda: services.liquidation_evaluate(
            actor=request.user,
            liquidation=liquidation,
            note=form.cleaned_data["note"],
            request=request,
        ),
        _("Liquidación evaluada."),
    )


@require_POST
@login_required
def liquidation_approve(request: HttpRequest, pk: int) -> HttpResponse:
    liquidation = selectors.liquidation_get(request.user, pk)
    return _done(
        request,
        liquidation.budget_id,
        "#liquidacion",
        lambda: services.liquidation_approve(
            actor=request.user, liquidation=liquidation, request=request
        ),
        _("Liquidación aprobada."),
    )


BUDGET_EXPORT_HEADER = [
    "anio",
    "departamento",
    "centro",
    "nombre_centro",
    "estado",
    "actualizado",
]


@require_GET
@login_required
def budget_list(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, selectors.BUDGET_READERS):
        raise PermissionDenied
    form = BudgetFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    department = None
    if data.get("departamento"):
        department = selectors.Department.objects.filter(code=data["departamento"]).first()
    budgets = selectors.budget_list(
        request.user,
        year=data.get("anio"),
        department_id=department.pk if department else (-1 if data.get("departamento") else None),
        status=data.get("estado") or "",
        school_code=data.get("centro") or "",
    )
    fmt = request.GET.get("formato", "")
    if fmt in ("csv", "xlsx"):
        rows = [
            [
                b.fiscal_year_id,
                b.department.name,
                b.school.code,
                b.school.name,
                b.get_status_display(),
                timezone.localtime(b.updated_at).date(),
            ]
            for b in budgets
        ]
        return table_response(fmt, "presupuestos", BUDGET_EXPORT_HEADER, rows)
    from django.core.paginator import Paginator

    page = Paginator(budgets, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("formato", None)
    return render(
        request,
        "finance/budget_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


# --- Transparency (public) ----------------------------------------------------------------


TRANSPARENCY_HEADER = ["categoria", "presupuestado_usd", "ejecutado_usd", "ejecucion_pct"]


def _year(request: HttpRequest, years: list[int]) -> int:
    year = plain_int(request.GET.get("anio", ""))
    if year in years:
        return year
    return selectors.default_transparency_year(years)


def _transparency_page(
    request: HttpRequest, *, title: str, basename: str, department=None, school=None
) -> HttpResponse:
    years = selectors.published_years()
    year = _year(request, years) if years else timezone.localdate().year
    data = selectors.transparency(
        year,
        department_id=department.pk if department is not None else None,
        school_id=school.pk if school is not None else None,
    )
    fmt = request.GET.get("formato", "")
    if fmt in ("csv", "xlsx"):
        rows = [[r.category, r.budgeted, r.executed, r.executed_percent] for r in data.rows]
        return table_response(fmt, f"{basename}-{year}", TRANSPARENCY_HEADER, rows)
    shown = [r for r in data.rows if r.budgeted or r.executed]
    chart = bar_chart(
        key=f"transparencia-{basename}",
        title=_("Presupuesto y ejecución por categoría (US$)"),
        category_header=_("Categoría"),
        categories=[r.category for r in shown],
        series=[
            Series(_("Presupuestado"), [r.budgeted for r in shown]),
            Series(_("Ejecutado"), [r.executed for r in shown]),
        ],
        horizontal=True,
    )
    context = {
        "title": title,
        "data": data,
        "chart": chart,
        "years": years,
        "year": year,
        "department": department,
        "school": school,
        "departments": selectors.departments_listed(national=school is None and department is None),
    }
    return render(request, "finance/transparency.html", context)


@require_GET
def transparency_national(request: HttpRequest) -> HttpResponse:
    return _transparency_page(request, title=_("Transparencia: todo el país"), basename="nacional")


@require_GET
def transparency_department(request: HttpRequest, code: str) -> HttpResponse:
    department = selectors.public_department(code)
    return _transparency_page(
        request,
        title=_("Transparencia: departamento de %(name)s") % {"name": department.name},
        basename=f"departamento-{department.code}",
        department=department,
    )


@require_GET
def transparency_school(request: HttpRequest, code: str) -> HttpResponse:
    school = selectors.public_school(code)
    return _transparency_page(
        request,
        title=_("Transparencia: %(code)s %(name)s") % {"code": school.code, "name": school.name},
        basename=f"centro-{school.code}",
        school=school,
    )
