"""Pages of ministry transfers and their allocation to schools: the ministry officer creates a
fiscal year's transfer and allocates it within the per-school ceiling; the ministry and the
departments move each allocation on (requested → authorised → transferred → closed, as the
lifecycle allows); auditors read.

Thin: parse, call one selector or service, render. A refusal shows its reason next to what
was typed and changes nothing; an allocation outside the actor's scope is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.accounts.choices import Role
from core.accounts.scopes import has_role
from core.exceptions import Conflict
from modules.schools.models import Department

from . import selectors, services
from .choices import AllocationStatus
from .forms_funds import AllocationFilterForm, AllocationForm, TransferFilterForm, TransferForm
from .models import Transfer
from .money import ZERO

PER_PAGE = 25

# The next step of an allocation in each state: (service action, button label).
NEXT_STEP = {
    AllocationStatus.REQUESTED: ("authorise", gettext_lazy("Autorizar")),
    AllocationStatus.AUTHORISED: ("mark_transferred", gettext_lazy("Registrar la transferencia")),
    AllocationStatus.TRANSFERRED: ("close", gettext_lazy("Cerrar")),
}


def refuse(form: Form, error: Exception) -> None:
    """Put a service's refusal on ``form``: next to its field when the form has one."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(error, Conflict):
        form.add_error(None, error.reason)
    elif isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    else:
        form.add_error(None, str(error) or _("No tiene permiso para esta acción."))


def _readers_only(request: HttpRequest) -> None:
    if not has_role(request.user, selectors.ALLOCATION_READERS):
        raise PermissionDenied


def _transfers_page(
    request: HttpRequest, form: TransferForm | None = None, status: int = 200
) -> HttpResponse:
    filters = TransferFilterForm(request.GET)
    year = filters.cleaned_data.get("anio") if filters.is_valid() else None
    rows = selectors.transfer_rows(request.user, year=year)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    can_create = has_role(request.user, [Role.MINISTRY_OFFICER])
    context = {
        "filters": filters,
        "page": page,
        "total": sum((row.allocated for row in rows), ZERO),
        "can_create": can_create,
        "form": form or (TransferForm() if can_create else None),
    }
    return render(request, "finance/transfers.html", context, status=status)


@require_GET
@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    _readers_only(request)
    return _transfers_page(request)


@require_POST
@login_required
def transfer_create(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, [Role.MINISTRY_OFFICER]):
        raise PermissionDenied
    form = TransferForm(request.POST)
    if form.is_valid():
        try:
            transfer = services.transfer_create(
                actor=request.user, request=request, **form.cleaned_data
            )
        except (ValidationError, Conflict, PermissionDenied) as error:
            refuse(form, error)
        else:
            messages.success(request, _("Transferencia creada: ya puede asignarla a centros."))
            return redirect("finance:transfer", pk=transfer.pk)
    return _transfers_page(request, form=form, status=400)


def _transfer_page(
    request: HttpRequest, transfer: Transfer, form: AllocationForm | None = None, status: int = 200
) -> HttpResponse:
    filters = AllocationFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    department_id = None
    if data.get("departamento"):
        department = Department.objects.filter(code=data["departamento"]).first()
        department_id = department.pk if department else -1
    allocations = selectors.allocations_of(
        request.user, transfer, department_id=department_id, status=data.get("estado") or ""
    )
    page = Paginator(allocations, PER_PAGE).get_page(request.GET.get("page"))
    can_act = has_role(request.user, selectors.ALLOCATION_ACTORS)
    rows = [
        (allocation, NEXT_STEP.get(allocation.status) if can_act else None)
        for allocation in page.object_list
    ]
    context = {
        "transfer": transfer,
        "filters": filters,
        "page": page,
        "rows": rows,
        "totals": selectors.allocation_totals(allocations),
        "remaining": selectors.transfer_remaining(transfer),
        "can_act": can_act,
        "form": form or (AllocationForm() if can_act else None),
    }
    return render(request, "finance/transfer.html", context, status=status)


@require_GET
@login_required
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _readers_only(request)
    return _transfer_page(request, selectors.transfer_get(pk))


@require_POST
@login_required
def allocation_create(request: HttpRequest, pk: int) -> HttpResponse:
    if not has_role(request.user, selectors.ALLOCATION_ACTORS):
        raise PermissionDenied
    transfer = selectors.transfer_get(pk)
    form = AllocationForm(request.POST)
    if form.is_valid():
        school = selectors.allocatable_school(request.user, form.cleaned_data["school"])
        if school is None:
            form.add_error(
                "school", _("No hay un centro activo con ese código dentro de su ámbito.")
            )
        else:
            try:
                services.allocation_create(
                    actor=request.user,
                    transfer=transfer,
                    school=school,
                    amount=form.cleaned_data["amount"],
                    request=request,
                )
            except (ValidationError, Conflict, PermissionDenied) as error:
                refuse(form, error)
            else:
                messages.success(
                    request,
                    _("Asignación solicitada para %(school)s.") % {"school": school.code},
                )
                return redirect("finance:transfer", pk=pk)
    return _transfer_page(request, transfer, form=form, status=400)


@require_POST
@login_required
def allocation_advance(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = selectors.allocation_get(request.user, pk)
    action = request.POST.get("action", "")
    try:
        services.allocation_advance(
            actor=request.user, allocation=allocation, action=action, request=request
        )
    except (Conflict, PermissionDenied) as error:
        reason = error.reason if isinstance(error, Conflict) else str(error)
        messages.error(request, reason or _("No tiene permiso para esta acción."))
    else:
        allocation.refresh_from_db(fields=["status"])
        messages.success(
            request,
            _("Asignación de %(school)s: %(status)s.")
            % {"school": allocation.school.code, "status": allocation.get_status_display()},
        )
    return redirect(_back_to(request, allocation.transfer_id))


def _back_to(request: HttpRequest, transfer_id: int) -> Any:
    """The transfer's page, keeping the list's filters and page (parsed and encoded again)."""
    url = reverse("finance:transfer", args=[transfer_id])
    query = QueryDict(request.POST.get("next_query", "")).urlencode()
    return f"{url}?{query}" if query else url
