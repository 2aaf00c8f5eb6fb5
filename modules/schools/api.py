"""Schools API under /api/v1/: school years, the education structure (read) and scoped sections.

The structure is public reference data for any signed-in user; sections are scoped by
``core.accounts.scopes`` (teacher: their sections; director: their school; departmental
officer: their department).
"""

from typing import Any

from django.db.models import Prefetch
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.permissions import IsAuthenticated

from core.accounts.choices import Role
from core.api import CursorPagination
from core.parsers import plain_int

from .models import Grade, GradingScale, ScaleConcept, SchoolYear, StudyPlan
from .selectors import section_list_for

TAGS = ["centros educativos"]
SECTION_ROLES = (
    Role.TEACHER,
    Role.DIRECTOR,
    Role.DEPARTMENTAL_OFFICER,
    Role.MINISTRY_OFFICER,
    Role.AUDITOR,
)


class SchoolYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    is_current = serializers.BooleanField()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)


class GradeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField(source="level__code")
    level_name = serializers.CharField(source="level__name")
    cycle = serializers.CharField(source="cycle__code", allow_null=True)
    track = serializers.CharField()
    intended_age = serializers.IntegerField(allow_null=True)
    next_grade = serializers.IntegerField(source="next_grade_id", allow_null=True)


class ConceptSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScaleConcept
        fields = ["code", "label", "position", "passes"]
        read_only_fields = fields


class ScaleSerializer(serializers.ModelSerializer):
    concepts = ConceptSerializer(many=True, read_only=True)

    class Meta:
        model = GradingScale
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "min_value",
            "max_value",
            "passing_value",
            "precision",
            "rounding",
            "concepts",
        ]
        read_only_fields = fields


class SubjectSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    name = serializers.CharField()
    position = serializers.IntegerField()


class PeriodSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.IntegerField()
    name = serializers.CharField()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)


class StudyPlanSerializer(serializers.ModelSerializer):
    grade = serializers.CharField(source="grade.code", read_only=True)
    modality = serializers.CharField(source="modality.code", read_only=True)
    scale = ScaleSerializer(read_only=True)
    subjects = SubjectSerializer(many=True, read_only=True)
    periods = PeriodSerializer(many=True, read_only=True)

    class Meta:
        model = StudyPlan
        fields = ["id", "name", "school_year", "grade", "modality", "scale", "subjects", "periods"]
        read_only_fields = fields


class SchoolSectionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    school = serializers.IntegerField(source="school_id")
    school_code = serializers.CharField(source="school__code")
    school_year = serializers.IntegerField(source="school_year_id")
    grade = serializers.CharField(source="grade__code")
    grade_name = serializers.CharField(source="grade__name")
    name = serializers.CharField()
    shift = serializers.CharField()
    regimen = serializers.CharField()
    capacity = serializers.IntegerField()
    study_plan = serializers.IntegerField(source="study_plan_id", allow_null=True)
    homeroom_teacher = serializers.IntegerField(source="homeroom_teacher_id", allow_null=True)


SECTION_ROW_FIELDS = (
    "pk",
    "school_id",
    "school__code",
    "school_year_id",
    "grade__code",
    "grade__name",
    "name",
    "shift",
    "regimen",
    "capacity",
    "study_plan_id",
    "homeroom_teacher_id",
)


class _Pages(CursorPagination):
    ordering = ("pk",)
    page_size = 100


@extend_schema(tags=TAGS, summary="Años lectivos con su calendario nacional")
class SchoolYearListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = SchoolYearSerializer
    pagination_class = None

    def get_queryset(self) -> Any:
        from django.db.models import OuterRef, Subquery

        from .models import Calendar

        national = Calendar.objects.filter(school_year=OuterRef("pk"), school__isnull=True)
        return (
            SchoolYear.objects.annotate(
                start_date=Subquery(national.values("start_date")[:1]),
                end_date=Subquery(national.values("end_date")[:1]),
            )
            .order_by("-year")
            .values_list("year", "is_current", "start_date", "end_date", named=True)
        )


@extend_schema(tags=TAGS, summary="Grados de la estructura educativa nacional")
class GradeListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = GradeSerializer
    pagination_class = None

    def get_queryset(self) -> Any:
        return Grade.objects.order_by("position").values_list(
            "pk",
            "code",
            "name",
            "level__code",
            "level__name",
            "cycle__code",
            "track",
            "intended_age",
            "next_grade_id",
            named=True,
        )


@extend_schema(tags=TAGS, summary="Escalas de calificación")
class ScaleListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ScaleSerializer
    pagination_class = None

    def get_queryset(self) -> Any:
        return GradingScale.objects.prefetch_related("concepts").order_by("code")


@extend_schema(tags=TAGS, summary="Plan de estudio con asignaturas y períodos")
class StudyPlanDetailApi(RetrieveAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = StudyPlanSerializer

    def get_queryset(self) -> Any:
        return StudyPlan.objects.select_related("grade", "modality", "scale").prefetch_related(
            "scale__concepts",
            Prefetch("subjects"),
            Prefetch("periods"),
        )


@extend_schema(
    tags=TAGS,
    summary="Secciones al alcance del usuario",
    parameters=[OpenApiParameter("year", int, description="Año lectivo, por ejemplo 2026.")],
)
class SectionListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = SchoolSectionSerializer
    pagination_class = _Pages

    def get_queryset(self) -> Any:
        sections = section_list_for(
            self.request.user,
            SECTION_ROLES,
            school_year=plain_int(self.request.query_params.get("year", "")),
        )
        return sections.order_by("pk").values_list(*SECTION_ROW_FIELDS, named=True)


urlpatterns = [
    path("school-years/", SchoolYearListApi.as_view(), name="school-year-list"),
    path("structure/grades/", GradeListApi.as_view(), name="grade-list"),
    path("structure/scales/", ScaleListApi.as_view(), name="scale-list"),
    path("structure/plans/<int:pk>/", StudyPlanDetailApi.as_view(), name="study-plan-detail"),
    path("sections/", SectionListApi.as_view(), name="section-list"),
]
