"""The supervisor report page (``mesa/reportes/``), its CSV download, and the team's workload
(``mesa/reportes/carga-del-equipo/``).

Open to users with a supervisor or administrator grant, over the queues their grants cover;
everyone else gets 403 (audited by ``DeniedAccessMiddleware``). The download counts against the
``export`` rate (``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``), the same budget as the API's.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.exports import csv_response
from core.throttling import page_throttle_wait, throttled_response
from helpdesk.reports import (
    ALLOWED_DAYS,
    CSV_HEADER,
    DEFAULT_DAYS,
    backlog_chart,
    build_report,
    build_workload,
    can_view_reports,
    daily_chart,
    report_rows,
    workload_chart,
)

EXPORT_SCOPE = "export"


class PeriodForm(forms.Form):
    dias = forms.TypedChoiceField(
        label=_("Período"),
        choices=[(days, _("Últimos %(days)d días") % {"days": days}) for days in ALLOWED_DAYS],
        coerce=int,
        required=False,
        empty_value=DEFAULT_DAYS,
    )


def _days(request: HttpRequest) -> tuple[PeriodForm, int]:
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["dias"]
    return PeriodForm(initial={"dias": DEFAULT_DAYS}), DEFAULT_DAYS


def report_viewer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_view_reports(request.user):
            raise PermissionDenied(_("Solo supervisores y administradores ven los reportes."))
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@report_viewer_required
def report_page(request: HttpRequest) -> HttpResponse:
    form, days = _days(request)
    report = build_report(actor=request.user, days=days)
    return render(
        request,
        "helpdesk/reports/report.html",
        {
            "form": form,
            "report": report,
            "backlog_chart": backlog_chart(report),
            "daily_chart": daily_chart(report),
        },
    )


@require_GET
@report_viewer_required
def workload_page(request: HttpRequest) -> HttpResponse:
    """The team's workload: open cases per technician, by status, and the overdue ones."""
    workload = build_workload(actor=request.user)
    return render(
        request,
        "helpdesk/reports/workload.html",
        {"workload": workload, "chart": workload_chart(workload)},
    )


@require_GET
@report_viewer_required
def report_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    wait = page_throttle_wait(request, EXPORT_SCOPE)
    if wait is not None:
        return throttled_response(request, wait)
    _form, days = _days(request)
    report = build_report(actor=request.user, days=days)
    filename = f"mesa-de-ayuda-reporte-{timezone.localdate():%Y%m%d}-{days}d.csv"
    return csv_response(filename, CSV_HEADER, report_rows(report))


urlpatterns = [
    path("mesa/reportes/", report_page, name="reports"),
    path("mesa/reportes/exportar/", report_export, name="reports_export"),
    path("mesa/reportes/carga-del-equipo/", workload_page, name="workload"),
]
