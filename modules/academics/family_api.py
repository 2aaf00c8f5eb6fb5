"""The family app's API (/api/v1/familia/…): a guardian's children, and per child the current
enrollment with the conduct ledger, a month of attendance and the grades. The academic record
across years is ``/api/v1/students/<id>/record/`` (modules/students/api.py), which already
answers a guardian for their own children. Another child's id answers 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.schools.choices import ScaleKind, Shift
from modules.students.choices import EnrollmentStatus

from . import family
from .choices import AttendanceStatus
from .family_views import month_param

TAGS = ["familia"]


class FamilyEnrollmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    school_year = serializers.IntegerField(source="school_year_id")
    school_code = serializers.CharField(source="school.code")
    school_name = serializers.CharField(source="school.name")
    grade = serializers.CharField(source="section.grade.name")
    section = serializers.CharField(source="section.name")
    shift = serializers.ChoiceField(source="section.shift", choices=Shift.choices)
    status = serializers.ChoiceField(choices=EnrollmentStatus.choices)
    is_repeater = serializers.BooleanField()
    enrolled_on = serializers.DateField()


class FamilyChildSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="student.pk")
    nie = serializers.IntegerField(source="student.nie")
    first_names = serializers.CharField(source="student.person.first_names")
    last_names = serializers.CharField(source="student.person.last_names")
    enrollment = FamilyEnrollmentSerializer(allow_null=True)


class FamilyConductEntrySerializer(serializers.Serializer):
    date = serializers.DateField()
    demerits = serializers.IntegerField()
    merits = serializers.IntegerField()
    reason = serializers.CharField()


class FamilyConductSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Deméritos acumulados en la matrícula.")
    merits = serializers.IntegerField(help_text="Méritos acumulados (no compensan deméritos).")
    limit = serializers.IntegerField(help_text="Con este total no se promueve el grado.")
    entries = FamilyConductEntrySerializer(many=True)


class FamilyChildDetailSerializer(FamilyChildSerializer):
    conduct = FamilyConductSerializer(allow_null=True)


class FamilyAbsenceSerializer(serializers.Serializer):
    date = serializers.DateField()
    status = serializers.ChoiceField(source="presence", choices=AttendanceStatus.choices)
    reason = serializers.CharField(allow_blank=True)


class FamilyAttendanceSerializer(serializers.Serializer):
    month = serializers.DateField(allow_null=True, help_text="Primer día del mes mostrado.")
    months = serializers.ListField(child=serializers.DateField())
    days = serializers.IntegerField()
    present = serializers.IntegerField()
    absent = serializers.IntegerField()
    justified = serializers.IntegerField()
    absences = FamilyAbsenceSerializer(many=True)


class FamilyConceptSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    passes = serializers.BooleanField()


class FamilyScaleSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=ScaleKind.choices)
    min_value = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    max_value = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    passing_value = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    concepts = FamilyConceptSerializer(many=True, source="concepts.all")


class FamilyPeriodSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()


class FamilySubjectSerializer(serializers.Serializer):
    subject = serializers.CharField()
    cells = serializers.ListField(
        child=serializers.CharField(allow_blank=True), help_text="Una nota por período."
    )
    final = serializers.CharField(allow_blank=True)
    passed = serializers.BooleanField(allow_null=True)
    recovery = serializers.CharField(allow_blank=True)


class FamilyGradesSerializer(serializers.Serializer):
    scale = FamilyScaleSerializer()
    periods = FamilyPeriodSerializer(many=True)
    subjects = FamilySubjectSerializer(many=True)


class ChildListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Mis hijos, con su matrícula más reciente",
        responses=FamilyChildSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return Response(FamilyChildSerializer(family.child_list(request.user), many=True).data)


class ChildDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Un hijo: matrícula y registro de conducta",
        responses=FamilyChildDetailSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        child = family.child_get(request.user, pk)
        conduct = family.child_conduct(child.enrollment) if child.enrollment else None
        data: dict[str, Any] = {
            "student": child.student,
            "enrollment": child.enrollment,
            "conduct": conduct
            and {
                "total": conduct.total,
                "merits": conduct.merits,
                "limit": conduct.limit,
                "entries": conduct.entries,
            },
        }
        return Response(FamilyChildDetailSerializer(data).data)


def _enrollment(request: Request, pk: int) -> Any:
    child = family.child_get(request.user, pk)
    if child.enrollment is None:
        raise Http404
    return child.enrollment


class ChildAttendanceApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Asistencia de un hijo en un mes",
        parameters=[
            OpenApiParameter(
                "mes", str, description="AAAA-MM; sin él (o sin datos), el último mes registrado."
            )
        ],
        responses=FamilyAttendanceSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        month = family.attendance_month(
            _enrollment(request, pk), month_param(request.query_params.get("mes"))
        )
        return Response(FamilyAttendanceSerializer(month).data)


class ChildGradesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Notas de un hijo por asignatura y período, con la escala",
        responses=FamilyGradesSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        grades = family.child_grades(_enrollment(request, pk))
        if grades is None:
            raise Http404
        return Response(FamilyGradesSerializer(grades).data)


urlpatterns = [
    path("familia/hijos/", ChildListApi.as_view(), name="family-children"),
    path("familia/hijos/<int:pk>/", ChildDetailApi.as_view(), name="family-child"),
    path(
        "familia/hijos/<int:pk>/asistencia/",
        ChildAttendanceApi.as_view(),
        name="family-attendance",
    ),
    path("familia/hijos/<int:pk>/notas/", ChildGradesApi.as_view(), name="family-grades"),
]
