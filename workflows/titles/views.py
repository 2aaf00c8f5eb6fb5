"""Pages of the titles process, under ``/titulos/`` (namespace ``titles``): the registrar's
start page and request forms, a request's page with the generation's progress bar (polled by
static/js/titles.js; CSP: no inline script), and the list of requests for auditors and
officers with its CSV export. Thin: selectors read, services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.accounts.choices import Role, ScopeKind
from core.accounts.scopes import grants_with_roles, has_role
from core.audit.services import audit_record
from core.exports import csv_response
from core.throttling import page_throttle_wait, throttled_response
from modules.documents.choices import GenerationState, RequestKind, RequestStatus, TitleStatus
from modules.documents.codes import code_display
from modules.documents.selectors import title_request_get, title_request_items

from .forms import GraduatesForm, TitlesRequestForm
from .selectors import (
    LIST_ROLES,
    RequestFilters,
    my_requests,
    request_rows,
    section_for_registrar,
    section_students,
    sections_for_registrar,
)
from .services import titles_request

PAGE_SIZE = 50


def _require_registrar(user: Any) -> None:
    if not has_role(user, [Role.REGISTRAR]):
        raise PermissionDenied


def _form_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    _require_registrar(request.user)
    context = {
        "sections": sections_for_registrar(request.user),
        "requests": my_requests(request.user),
    }
    return render(request, "titles/home.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def request_graduates(request: HttpRequest, pk: int) -> HttpResponse:
    _require_registrar(request.user)
    section = section_for_registrar(request.user, pk)
    if section is None:
        raise Http404
    students = section_students(section)
    form = GraduatesForm(request.POST or None, students=students)
    if request.method == "POST" and form.is_valid():
        try:
            process = titles_request(
                actor=request.user,
                kind=RequestKind.FIRST_ISSUE,
                school=section.school,
                section=section,
                student_ids=[int(pk) for pk in form.cleaned_data["students"]],
                request=request,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Solicitud %(number)s enviada a la oficina departamental.")
                % {"number": process.request_number},
            )
            return redirect("titles:request", pk=process.title_request_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "titles/request_graduates.html", {"section": section, "form": form}, status=status
    )


def _registrar_school(user: Any) -> Any:
    for grant in grants_with_roles(user, [Role.REGISTRAR]):
        if grant.scope_kind == ScopeKind.SCHOOL and grant.school is not None:
            return grant.school
    raise PermissionDenied


@require_http_methods(["GET", "POST"])
@login_required
def request_titles(request: HttpRequest) -> HttpResponse:
    _require_registrar(request.user)
    school = _registrar_school(request.user)
    form = TitlesRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            process = titles_request(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                school=school,
                title_numbers=form.cleaned_data["titles"],
                motive=form.cleaned_data["motive"],
                request=request,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Solicitud %(number)s enviada a la oficina departamental.")
                % {"number": process.request_number},
            )
            return redirect("titles:request", pk=process.title_request_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "titles/request_titles.html", {"school": school, "form": form}, status=status
    )


def _progress(title_request: Any) -> dict[str, Any]:
    return {
        "state": title_request.generation_state,
        "state_label": str(GenerationState(title_request.generation_state).label),
        "done": title_request.generation_done,
        "total": title_request.generation_total,
        "percent": title_request.progress_percent,
        "status": title_request.status,
        "status_label": str(RequestStatus(title_request.status).label),
        "error": bool(title_request.generation_error),
    }


@require_GET
@login_required
def request_page(request: HttpRequest, pk: int) -> HttpResponse:
    title_request = title_request_get(request.user, pk=pk)
    items = title_request_items(title_request)
    rows = [
        {
            "item": item,
            "code": code_display(item.title__verification_code)
            if item.title__verification_code
            else "",
            "valid": item.title__status == TitleStatus.VALID,
        }
        for item in items
    ]
    process_id = title_request.process.pk if hasattr(title_request, "process") else None
    context = {
        "title_request": title_request,
        "rows": rows,
        "progress": _progress(title_request),
        "process_id": process_id,
        "generating": title_request.generation_state == GenerationState.RUNNING,
    }
    return render(request, "titles/request.html", context)


@require_GET
@login_required
def request_progress(request: HttpRequest, pk: int) -> JsonResponse:
    title_request = title_request_get(request.user, pk=pk)
    response = JsonResponse(_progress(title_request))
    response["Cache-Control"] = "no-store"
    return response


class RequestFilterForm(forms.Form):
    estado = forms.ChoiceField(
        label=gettext_lazy("Estado"),
        required=False,
        choices=[("", gettext_lazy("Todos")), *RequestStatus.choices],
    )
    tipo = forms.ChoiceField(
        label=gettext_lazy("Tipo"),
        required=False,
        choices=[("", gettext_lazy("Todos")), *RequestKind.choices],
    )
    centro = forms.CharField(label=gettext_lazy("Código del centro"), required=False, max_length=15)
    anio = forms.IntegerField(
        label=gettext_lazy("Año de graduación"), required=False, min_value=1990, max_value=2100
    )

    def filters(self) -> RequestFilters:
        """The valid filters; an invalid value (a tampered URL) filters nothing."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return RequestFilters(
            status=data.get("estado") or "",
            kind=data.get("tipo") or "",
            school=data.get("centro") or "",
            year=data.get("anio"),
        )


CSV_HEADER = (
    gettext_lazy("Solicitud"),
    gettext_lazy("Tipo"),
    gettext_lazy("Estado"),
    gettext_lazy("Código del centro"),
    gettext_lazy("Centro educativo"),
    gettext_lazy("Año de graduación"),
    gettext_lazy("Fecha de solicitud"),
    gettext_lazy("Títulos emitidos"),
    gettext_lazy("Impresa"),
    gettext_lazy("Entregada"),
    gettext_lazy("Proceso"),
)


def _csv_rows(rows: Any) -> Any:
    for row in rows.iterator(chunk_size=2000):
        yield (
            row.number,
            RequestKind(row.kind).label,
            RequestStatus(row.status).label,
            row.school__code,
            row.school__name,
            row.graduation_year,
            row.requested_on.strftime("%d/%m/%Y"),
            row.generation_done,
            row.printed_at.strftime("%d/%m/%Y") if row.printed_at else "",
            row.delivered_at.strftime("%d/%m/%Y") if row.delivered_at else "",
            row.process__pk or "",
        )


@require_GET
@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, LIST_ROLES):
        raise PermissionDenied
    form = RequestFilterForm(request.GET)
    filters = form.filters()
    rows = request_rows(request.user, filters=filters)
    if request.GET.get("formato") == "csv":
        wait = page_throttle_wait(request, "export")
        if wait is not None:
            return throttled_response(request, wait)
        audit_record(
            action="title_request.exported",
            chain_key="titles.exports",
            object_type="titles.export",
            actor=request.user,
            role=Role.AUDITOR if has_role(request.user, [Role.AUDITOR]) else "",
            request=request,
            payload={"filters": {k: v for k, v in filters.__dict__.items() if v}},
        )
        return csv_response(
            "solicitudes-de-titulos.csv", [str(h) for h in CSV_HEADER], _csv_rows(rows)
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["formato"] = "csv"
    return render(
        request,
        "titles/list.html",
        {"form": form, "page": page, "csv_query": query.urlencode()},
    )
