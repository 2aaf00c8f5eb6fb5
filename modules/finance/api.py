"""Finance API (/api/v1/…): the public transparency figures and the scoped budget list.

- ``transparencia/nacional/``, ``transparencia/departamentos/<code>/``,
  ``transparencia/centros/<code>/``: public (no sign-in), aggregates by category only.
- ``finanzas/presupuestos/``: the budgets the caller may read (filters ``anio``, ``estado``).
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.parsers import plain_int

from . import selectors
from .choices import BudgetStatus
from .money import ZERO

TAGS = ["finanzas"]
YEAR = OpenApiParameter("anio", int, description="Año fiscal (por omisión, el más reciente).")


class TransparencyRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    category = serializers.CharField()
    budgeted = serializers.DecimalField(max_digits=16, decimal_places=2)
    executed = serializers.DecimalField(max_digits=16, decimal_places=2)
    executed_percent = serializers.DecimalField(max_digits=7, decimal_places=1)


class TransparencySerializer(serializers.Serializer):
    # null while no budget has been approved yet
    year = serializers.IntegerField(allow_null=True)
    budgets = serializers.IntegerField()
    budgeted = serializers.DecimalField(max_digits=16, decimal_places=2)
    executed = serializers.DecimalField(max_digits=16, decimal_places=2)
    executed_percent = serializers.DecimalField(max_digits=7, decimal_places=1)
    rows = TransparencyRowSerializer(many=True)


class BudgetSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    year = serializers.IntegerField(source="fiscal_year_id")
    school_code = serializers.CharField(source="school.code")
    school = serializers.CharField(source="school.name")
    department = serializers.CharField(source="department.name")
    status = serializers.ChoiceField(choices=BudgetStatus.choices)
    updated_at = serializers.DateTimeField()


def _year(request: Request) -> int | None:
    year = plain_int(request.query_params.get("anio", ""))
    years = selectors.published_years()
    if year in years:
        return year
    return years[0] if years else None


def _answer(request: Request, **scope: int) -> Response:
    year = _year(request)
    if year is None:
        empty = selectors.Transparency(year=None, rows=[], budgeted=ZERO, executed=ZERO, budgets=0)
        return Response(TransparencySerializer(empty).data)
    return Response(TransparencySerializer(selectors.transparency(year, **scope)).data)


class TransparencyNationalApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=TAGS, parameters=[YEAR], responses=TransparencySerializer)
    def get(self, request: Request) -> Response:
        return _answer(request)


class TransparencyDepartmentApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=TAGS, parameters=[YEAR], responses=TransparencySerializer)
    def get(self, request: Request, code: str) -> Response:
        department = selectors.public_department(code)
        return _answer(request, department_id=department.pk)


class TransparencySchoolApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=TAGS, parameters=[YEAR], responses=TransparencySerializer)
    def get(self, request: Request, code: str) -> Response:
        school = selectors.public_school(code)
        return _answer(request, school_id=school.pk)


class BudgetListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        parameters=[YEAR, OpenApiParameter("estado", str, enum=BudgetStatus.values)],
        responses=BudgetSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        status = request.query_params.get("estado", "")
        budgets = selectors.budget_list(
            request.user,
            year=plain_int(request.query_params.get("anio", "")),
            status=status if status in BudgetStatus.values else "",
        )[:500]
        return Response(BudgetSerializer(budgets, many=True).data)


urlpatterns = [
    path(
        "transparencia/nacional/", TransparencyNationalApi.as_view(), name="transparency-national"
    ),
    path(
        "transparencia/departamentos/<str:code>/",
        TransparencyDepartmentApi.as_view(),
        name="transparency-department",
    ),
    path(
        "transparencia/centros/<str:code>/",
        TransparencySchoolApi.as_view(),
        name="transparency-school",
    ),
    path("finanzas/presupuestos/", BudgetListApi.as_view(), name="finance-budgets"),
]
