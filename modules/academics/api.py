"""Academic API (/api/v1/academico/…): attendance, grades, conduct, results and closing.

One API class per operation: parse → one selector or service → serialize. Sections outside the
caller's scope answer 404; a service's ``PermissionDenied`` 403, ``Conflict`` 409 with the
reason, ``ValidationError`` 400 (``core.api.exception_handler``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts.scopes import get_in_scope_or_404
from modules.students.models import Enrollment

from . import selectors, summaries
from .choices import AttendanceStatus
from .family_api import urlpatterns as family_urlpatterns
from .services import (
    Mark,
    attendance_record,
    conduct_record,
    grades_save,
    recovery_record,
    section_year_close,
)

TAGS = ["académico"]


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise Http404 from exc


# --- Serializers ----------------------------------------------------------------------------


class AcademicSectionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    school = serializers.CharField(source="school.name")
    school_code = serializers.CharField(source="school.code")
    school_year = serializers.IntegerField(source="school_year_id")
    grade = serializers.CharField(source="grade.name")
    name = serializers.CharField()
    shift = serializers.CharField()
    enrolled = serializers.IntegerField()
    attendance_taken_today = serializers.BooleanField(source="taken_today")
    class_today = serializers.SerializerMethodField(
        help_text="Si hoy es día de clases en el calendario de la sección."
    )

    def get_class_today(self, section: Any) -> bool:
        return selectors.has_class(section, timezone.localdate())


class AcademicAttendanceRowSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(source="enrollment_id")
    student = serializers.CharField(source="name")
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    reason = serializers.CharField(allow_blank=True)


class AcademicAttendanceSerializer(serializers.Serializer):
    date = serializers.DateField()
    recorded = serializers.BooleanField()
    present = serializers.IntegerField()
    absent = serializers.IntegerField()
    justified = serializers.IntegerField()
    students = AcademicAttendanceRowSerializer(many=True)


class AcademicMarkInputSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AcademicAttendanceInputSerializer(serializers.Serializer):
    """Who was not present; everyone else enrolled that day is recorded present."""

    marks = AcademicMarkInputSerializer(many=True)


class AcademicGradeCellSerializer(serializers.Serializer):
    period = serializers.IntegerField(source="period_id")
    value = serializers.CharField(source="text", allow_blank=True)


class AcademicGradeRowSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(source="enrollment_id")
    student = serializers.CharField()
    cells = AcademicGradeCellSerializer(many=True)
    final = serializers.CharField(allow_blank=True)
    passed = serializers.BooleanField(allow_null=True)


class AcademicGradeGridSerializer(serializers.Serializer):
    subject = serializers.CharField(source="subject.name")
    rows = AcademicGradeRowSerializer(many=True)


class AcademicGradeCellInputSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField()
    period = serializers.IntegerField()
    value = serializers.CharField(allow_blank=True, max_length=20)


class AcademicGradeInputSerializer(serializers.Serializer):
    cells = AcademicGradeCellInputSerializer(many=True)


class AcademicConductInputSerializer(serializers.Serializer):
    """Deméritos or méritos (one of the two, 1 to 15)."""

    demerits = serializers.IntegerField(required=False, default=0)
    merits = serializers.IntegerField(required=False, default=0)
    reason = serializers.CharField(max_length=300)
    date = serializers.DateField(required=False)


class AcademicConductSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    enrollment = serializers.IntegerField(source="enrollment_id")
    date = serializers.DateField()
    demerits = serializers.IntegerField()
    merits = serializers.IntegerField()
    reason = serializers.CharField()


class AcademicConductTotalSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(source="enrollment_id")
    student = serializers.CharField()
    total = serializers.IntegerField(help_text="Deméritos acumulados.")
    merits = serializers.IntegerField(help_text="Méritos acumulados.")


class AcademicConductLineSerializer(AcademicConductSerializer):
    id = serializers.IntegerField(source="pk")
    last_names = serializers.CharField(source="enrollment__student__person__last_names")
    first_names = serializers.CharField(source="enrollment__student__person__first_names")


class AcademicConductSheetSerializer(serializers.Serializer):
    limit = serializers.IntegerField(help_text="Con este total de deméritos no se promueve.")
    students = AcademicConductTotalSerializer(many=True)
    entries = AcademicConductLineSerializer(many=True)


class AcademicRecoveryCellSerializer(serializers.Serializer):
    subject_id = serializers.IntegerField()
    subject = serializers.CharField()
    final = serializers.CharField()
    recovery = serializers.CharField(allow_blank=True)
    passed = serializers.BooleanField(help_text="Con la recuperación contada.")


class AcademicRecoveryStudentSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(source="enrollment_id")
    student = serializers.CharField()
    cells = AcademicRecoveryCellSerializer(many=True)


class AcademicRecoverySheetSerializer(serializers.Serializer):
    max_subjects = serializers.IntegerField(
        help_text="Asignaturas reprobadas con derecho a recuperación (0: el nivel no tiene)."
    )
    students = AcademicRecoveryStudentSerializer(many=True)


class AcademicRecoveryInputSerializer(serializers.Serializer):
    value = serializers.CharField(max_length=20)


class AcademicRecoveryGradeSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(source="enrollment_id")
    subject = serializers.IntegerField(source="subject_id")
    score = serializers.DecimalField(max_digits=5, decimal_places=2)


class AcademicResultSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(source="enrollment_id")
    student = serializers.CharField()
    outcome = serializers.ChoiceField(choices=["promoted", "not_promoted", "pending"])
    reasons = serializers.ListField(child=serializers.CharField())
    demerits = serializers.IntegerField()


class AcademicClosingSerializer(serializers.Serializer):
    section = serializers.IntegerField(source="section_id")
    closed_at = serializers.DateTimeField()
    promoted = serializers.IntegerField()
    not_promoted = serializers.IntegerField()


# --- Views ------------------------------------------------------------------------------------


class SectionListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS, summary="Mis secciones", responses=AcademicSectionSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        sections = selectors.section_list_mine(request.user)
        return Response(AcademicSectionSerializer(sections, many=True).data)


def _attendance_body(section: Any, day: date) -> dict[str, Any]:
    header, rows = selectors.attendance_sheet(section, day)
    return {
        "date": day,
        "recorded": header is not None,
        "present": header.present if header else 0,
        "absent": header.absent if header else 0,
        "justified": header.justified if header else 0,
        "students": rows,
    }


class AttendanceApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Asistencia de una sección en un día",
        responses=AcademicAttendanceSerializer,
    )
    def get(self, request: Request, pk: int, day: str) -> Response:
        section = selectors.section_get(request.user, pk)
        return Response(AcademicAttendanceSerializer(_attendance_body(section, _day(day))).data)

    @extend_schema(
        tags=TAGS,
        summary="Registrar o corregir la asistencia de una sección en un día",
        request=AcademicAttendanceInputSerializer,
        responses={
            200: AcademicAttendanceSerializer,
            409: OpenApiResponse(
                description="Día futuro, sin clases según el calendario, o año cerrado."
            ),
        },
    )
    def put(self, request: Request, pk: int, day: str) -> Response:
        section = selectors.section_get(request.user, pk, roles=selectors.TEACHING_ROLES)
        when = _day(day)
        data = AcademicAttendanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marks = {
            mark["enrollment"]: Mark(mark["status"], mark["reason"])
            for mark in data.validated_data["marks"]
            if mark["status"] != AttendanceStatus.PRESENT
        }
        attendance_record(
            actor=request.user, section=section, day=when, marks=marks, request=request
        )
        return Response(AcademicAttendanceSerializer(_attendance_body(section, when)).data)


class GradeGridApi(APIView):
    permission_classes = [IsAuthenticated]

    def _context(self, request: Request, pk: int, subject: int, roles: tuple[str, ...]) -> Any:
        section = selectors.section_get(request.user, pk, roles=roles)
        context = selectors.grading_context(section)
        if subject not in context.subjects:
            raise Http404
        return section, context

    @extend_schema(
        tags=TAGS,
        summary="Cuadro de notas de una asignatura",
        responses=AcademicGradeGridSerializer,
    )
    def get(self, request: Request, pk: int, subject: int) -> Response:
        _section, context = self._context(request, pk, subject, selectors.READ_ROLES)
        return Response(AcademicGradeGridSerializer(summaries.grade_grid(context, subject)).data)

    @extend_schema(
        tags=TAGS,
        summary="Guardar notas de una asignatura (todo o nada)",
        request=AcademicGradeInputSerializer,
        responses={
            200: AcademicGradeGridSerializer,
            400: OpenApiResponse(
                description="Alguna nota no es válida para la escala: nada se guardó."
            ),
        },
    )
    def put(self, request: Request, pk: int, subject: int) -> Response:
        section, context = self._context(request, pk, subject, selectors.TEACHING_ROLES)
        data = AcademicGradeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cells = {
            (cell["enrollment"], cell["period"]): cell["value"]
            for cell in data.validated_data["cells"]
        }
        result = grades_save(
            actor=request.user, section=section, subject_id=subject, cells=cells, request=request
        )
        if not result.ok:
            errors = [
                {"enrollment": enrollment, "period": period, "message": message}
                for (enrollment, period), message in result.errors.items()
            ]
            return Response(
                {"detail": errors[0]["message"], "code": "invalid_grade", "cells": errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        context = selectors.grading_context(section)
        return Response(AcademicGradeGridSerializer(summaries.grade_grid(context, subject)).data)


def _enrollment(request: Request, pk: int, roles: tuple[str, ...]) -> Enrollment:
    return get_in_scope_or_404(
        request.user,
        Enrollment.objects.select_related(
            "section__school", "section__closing", "section__grade", "section__study_plan__scale"
        ),
        roles=roles,
        paths=selectors.ENROLLMENT_PATHS,
        pk=pk,
    )


class SectionConductApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Registro de conducta de la sección: totales por estudiante y anotaciones",
        responses=AcademicConductSheetSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        section = selectors.section_get(request.user, pk)
        return Response(AcademicConductSheetSerializer(summaries.conduct_sheet(section)).data)


class RecoverySheetApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Estudiantes en condición de recuperación y sus asignaturas reprobadas",
        responses=AcademicRecoverySheetSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        section = selectors.section_get(request.user, pk)
        return Response(AcademicRecoverySheetSerializer(summaries.recovery_sheet(section)).data)


class RecoveryApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Registrar la nota de recuperación de una asignatura reprobada",
        request=AcademicRecoveryInputSerializer,
        responses={
            200: AcademicRecoveryGradeSerializer,
            400: OpenApiResponse(description="La nota no es válida para la escala."),
            409: OpenApiResponse(
                description="La asignatura no está reprobada, el estudiante reprobó más "
                "asignaturas de las que la regla permite recuperar, o el año está cerrado."
            ),
        },
    )
    def put(self, request: Request, pk: int, subject: int) -> Response:
        enrollment = _enrollment(request, pk, selectors.TEACHING_ROLES)
        data = AcademicRecoveryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grade = recovery_record(
            actor=request.user,
            enrollment=enrollment,
            subject_id=subject,
            text=data.validated_data["value"],
            request=request,
        )
        return Response(AcademicRecoveryGradeSerializer(grade).data)


class ConductApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Anotaciones de conducta de una matrícula",
        responses=AcademicConductSerializer(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        enrollment = _enrollment(request, pk, selectors.READ_ROLES)
        entries = enrollment.conduct.order_by("-date", "-pk")
        return Response(AcademicConductSerializer(entries, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Anotar deméritos o méritos de conducta",
        request=AcademicConductInputSerializer,
        responses={201: AcademicConductSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        enrollment = _enrollment(request, pk, selectors.TEACHING_ROLES)
        data = AcademicConductInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = conduct_record(
            actor=request.user,
            enrollment=enrollment,
            demerits=data.validated_data["demerits"],
            merits=data.validated_data["merits"],
            reason=data.validated_data["reason"],
            day=data.validated_data.get("date"),
            request=request,
        )
        return Response(AcademicConductSerializer(entry).data, status=status.HTTP_201_CREATED)


class ResultsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Resultados de la sección (o lo que decidiría el cierre)",
        responses=AcademicResultSerializer(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        section = selectors.section_get(request.user, pk)
        return Response(
            AcademicResultSerializer(summaries.section_results(section), many=True).data
        )


class ClosingApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Cerrar el año lectivo de la sección",
        request=None,
        responses={
            201: AcademicClosingSerializer,
            409: OpenApiResponse(
                description="Ya cerrado, matrículas provisionales o notas incompletas."
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        section = selectors.section_get(request.user, pk)
        closing = section_year_close(actor=request.user, section=section, request=request)
        return Response(AcademicClosingSerializer(closing).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("academico/secciones/", SectionListApi.as_view(), name="academics-sections"),
    path(
        "academico/secciones/<int:pk>/asistencia/<str:day>/",
        AttendanceApi.as_view(),
        name="academics-attendance",
    ),
    path(
        "academico/secciones/<int:pk>/notas/<int:subject>/",
        GradeGridApi.as_view(),
        name="academics-grades",
    ),
    path(
        "academico/secciones/<int:pk>/resultados/",
        ResultsApi.as_view(),
        name="academics-results",
    ),
    path("academico/secciones/<int:pk>/cierre/", ClosingApi.as_view(), name="academics-close"),
    path("academico/matriculas/<int:pk>/conducta/", ConductApi.as_view(), name="academics-conduct"),
    path(
        "academico/secciones/<int:pk>/conducta/",
        SectionConductApi.as_view(),
        name="academics-section-conduct",
    ),
    path(
        "academico/secciones/<int:pk>/recuperacion/",
        RecoverySheetApi.as_view(),
        name="academics-recovery-sheet",
    ),
    path(
        "academico/matriculas/<int:pk>/recuperacion/<int:subject>/",
        RecoveryApi.as_view(),
        name="academics-recovery",
    ),
]

# The family app's endpoints (modules/academics/family_api.py).
urlpatterns += family_urlpatterns
