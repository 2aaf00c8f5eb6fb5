"""Staff pages of the "Cuentas y accesos" queue: the list of cases and one case with its
decision forms. Until the help desk's work queue lists these cases, this is where they are
worked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.diagrams import can_view_diagrams

from .choices import ReviewStatus
from .forms import ApproveForm, RejectForm
from .models import ReviewCase
from .permissions import can_review_accounts
from .selectors import review_case_get, review_case_list
from .services import review_case_approve, review_case_reject

PAGE_SIZE = 50


def _require_reviewer(request: HttpRequest) -> None:
    if not can_review_accounts(request.user):
        raise PermissionDenied


@login_required
def case_list_view(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    show_all = request.GET.get("estado") == "todos"
    cases = review_case_list(actor=request.user, status=None if show_all else ReviewStatus.OPEN)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "accounts_review/case_list.html",
        {"page": page, "cases": page.object_list, "show_all": show_all},
    )


def _render_detail(
    request: HttpRequest,
    case: ReviewCase,
    *,
    approve_form: ApproveForm | None = None,
    reject_form: RejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "accounts_review/case_detail.html",
        {
            "case": case,
            "approve_form": approve_form or ApproveForm(kind=case.kind),
            "reject_form": reject_form or RejectForm(),
            "diagram_slug": (
                "registro-de-cuentas" if case.registration_id else "recuperacion-de-contrasena"
            ),
            "workflow_object_id": case.registration_id or case.reset_request_id,
            "can_view_diagrams": can_view_diagrams(request.user),
        },
        status=status,
    )


@login_required
def case_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reviewer(request)
    return _render_detail(request, review_case_get(actor=request.user, pk=pk))


def _add_errors(form: ApproveForm | RejectForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
@require_POST
def case_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reviewer(request)
    case = review_case_get(actor=request.user, pk=pk)
    form = ApproveForm(request.POST, kind=case.kind)
    if form.is_valid():
        try:
            review_case_approve(
                actor=request.user,
                case=case,
                reason=form.cleaned_data["reason"],
                new_email=form.cleaned_data.get("new_email", ""),
                request=request,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("El caso fue aprobado."))
            return redirect("accounts_review:detail", pk=case.pk)
    case = review_case_get(actor=request.user, pk=pk)
    return _render_detail(request, case, approve_form=form, status=400)


@login_required
@require_POST
def case_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reviewer(request)
    case = review_case_get(actor=request.user, pk=pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            review_case_reject(
                actor=request.user,
                case=case,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("El caso fue rechazado."))
            return redirect("accounts_review:detail", pk=case.pk)
    case = review_case_get(actor=request.user, pk=pk)
    return _render_detail(request, case, reject_form=form, status=400)
