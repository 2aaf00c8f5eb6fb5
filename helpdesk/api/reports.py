"""Supervisor report API (/api/v1/mesa/reportes/): the report as JSON, and as CSV.

For users with a supervisor or administrator grant, over the queues their grants cover; others
get 403. The CSV download is throttled with the ``export`` scope (the page's download shares the
same budget).
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exports import csv_response
from core.throttling import LiveScopedRateThrottle
from helpdesk.reports import (
    ALLOWED_DAYS,
    CSV_HEADER,
    DEFAULT_DAYS,
    build_report,
    can_view_reports,
    report_as_dict,
    report_rows,
)

TAGS = ["mesa de ayuda: reportes"]
EXPORT_SCOPE = "export"

_PERIOD = OpenApiParameter(
    "dias",
    OpenApiTypes.INT,
    enum=list(ALLOWED_DAYS),
    description="Días del período, hoy incluido (30 si se omite).",
)
_DENIED = OpenApiResponse(description="Solo supervisores y administradores ven los reportes.")


class PeriodSerializer(serializers.Serializer):
    dias = serializers.ChoiceField(choices=list(ALLOWED_DAYS), required=False)


class QueueBacklogSerializer(serializers.Serializer):
    queue_id = serializers.IntegerField()
    queue = serializers.CharField()
    active = serializers.IntegerField()
    unassigned = serializers.IntegerField()
    breached = serializers.IntegerField()


class DayCountSerializer(serializers.Serializer):
    day = serializers.DateField()
    created = serializers.IntegerField()
    resolved = serializers.IntegerField()


class SlaSerializer(serializers.Serializer):
    first_response_total = serializers.IntegerField()
    first_response_met = serializers.IntegerField()
    first_response_compliance = serializers.FloatField(allow_null=True, help_text="Porcentaje.")
    resolution_total = serializers.IntegerField()
    resolution_met = serializers.IntegerField()
    resolution_compliance = serializers.FloatField(allow_null=True, help_text="Porcentaje.")


class FirstResponseSerializer(serializers.Serializer):
    median_business_hours = serializers.FloatField(allow_null=True)
    count = serializers.IntegerField()


class SatisfactionSerializer(serializers.Serializer):
    average = serializers.FloatField(allow_null=True)
    count = serializers.IntegerField()


class ReportSerializer(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField()
    days = serializers.IntegerField()
    backlog = QueueBacklogSerializer(many=True)
    daily = DayCountSerializer(many=True)
    sla = SlaSerializer()
    first_response = FirstResponseSerializer()
    satisfaction = SatisfactionSerializer()


def _days(request: Request) -> int:
    period = PeriodSerializer(data=request.query_params)
    period.is_valid(raise_exception=True)
    return int(period.validated_data.get("dias", DEFAULT_DAYS))


def _require_viewer(request: Request) -> None:
    if not can_view_reports(request.user):
        raise PermissionDenied(_("Solo supervisores y administradores ven los reportes."))


class ReportApi(APIView):
    """Backlog per queue, created/resolved per day, SLA compliance, median first response
    (business hours) and satisfaction over the caller's queues."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="helpdesk_reports",
        summary="Reporte de supervisión",
        parameters=[_PERIOD],
        responses={200: ReportSerializer, 403: _DENIED},
    )
    def get(self, request: Request) -> Response:
        _require_viewer(request)
        report = build_report(actor=request.user, days=_days(request))
        return Response(ReportSerializer(report_as_dict(report)).data)


class CsvErrorRenderer(BaseRenderer):
    """Lets clients that ask for ``text/csv`` through content negotiation; the CSV itself is
    streamed by the view, so this only renders error answers (as their plain-text detail)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None):
        detail = data.get("detail", data) if isinstance(data, dict) else data
        return str(detail).encode(self.charset)


class ReportExportApi(APIView):
    """The same report as CSV rows (indicator, dimension, value)."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, CsvErrorRenderer]
    throttle_scope = EXPORT_SCOPE

    def get_throttles(self) -> list[Any]:
        return [*super().get_throttles(), LiveScopedRateThrottle()]

    @extend_schema(
        tags=TAGS,
        operation_id="helpdesk_reports_export",
        summary="Reporte de supervisión en CSV",
        parameters=[_PERIOD],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            403: _DENIED,
            429: OpenApiResponse(description="Demasiadas descargas; espere y reintente."),
        },
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        _require_viewer(request)
        days = _days(request)
        report = build_report(actor=request.user, days=days)
        filename = f"mesa-de-ayuda-reporte-{timezone.localdate():%Y%m%d}-{days}d.csv"
        return csv_response(filename, CSV_HEADER, report_rows(report))


urlpatterns = [
    path("mesa/reportes/", ReportApi.as_view(), name="helpdesk-reports"),
    path("mesa/reportes/csv/", ReportExportApi.as_view(), name="helpdesk-reports-export"),
]
