"""Students API under /api/v1/: students, enrollments and their transitions, the academic
record. Scoped by ``core.accounts.scopes``: anything outside the caller's scope answers 404.
Lists read named rows (one query for the rows, whatever their number)."""

from typing import Any

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import CursorPagination
from core.api_schema import ERROR_DESCRIPTIONS
from core.parsers import JSONParser, plain_int
from modules.schools.models import Section

from .choices import EnrollmentStatus
from .models import Enrollment
from .selectors import (
    ENROLLMENT_ROW_FIELDS,
    academic_record,
    enrollment_get,
    enrollment_rows,
    student_get,
    student_scope,
)
from .services import (
    enrollment_annul,
    enrollment_confirm,
    enrollment_create,
    enrollment_transfer,
    enrollment_withdraw,
)

TAGS = ["estudiantes y matrícula"]


class _Pages(CursorPagination):
    ordering = ("pk",)
    page_size = 100


class StudentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    nie = serializers.IntegerField()
    first_names = serializers.CharField(source="person__first_names")
    last_names = serializers.CharField(source="person__last_names")
    birth_date = serializers.DateField(source="person__birth_date", allow_null=True)
    sex = serializers.CharField(source="person__sex")


STUDENT_ROW_FIELDS = (
    "pk",
    "nie",
    "person__first_names",
    "person__last_names",
    "person__birth_date",
    "person__sex",
)


class EnrollmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    student = serializers.IntegerField(source="student_id")
    nie = serializers.IntegerField(source="student__nie")
    first_names = serializers.CharField(source="student__person__first_names")
    last_names = serializers.CharField(source="student__person__last_names")
    section = serializers.IntegerField(source="section_id")
    section_name = serializers.CharField(source="section__name")
    grade = serializers.CharField(source="section__grade__name")
    school = serializers.IntegerField(source="school_id")
    school_year = serializers.IntegerField(source="school_year_id")
    status = serializers.ChoiceField(choices=EnrollmentStatus.choices)
    enrolled_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    withdrawal_motive = serializers.CharField(source="withdrawal_motive__code", allow_null=True)
    is_repeater = serializers.BooleanField()


def _row(enrollment: Enrollment) -> Any:
    """One enrollment as the same named row the list reads."""
    return (
        Enrollment.objects.filter(pk=enrollment.pk)
        .values_list(*ENROLLMENT_ROW_FIELDS, named=True)
        .get()
    )


class EnrollmentCreateSerializer(serializers.Serializer):
    student = serializers.IntegerField()
    section = serializers.IntegerField()
    enrolled_on = serializers.DateField(required=False)
    provisional = serializers.BooleanField(default=False)


class WithdrawSerializer(serializers.Serializer):
    motive = serializers.CharField(max_length=10)
    on = serializers.DateField(required=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class TransferSerializer(WithdrawSerializer):
    to_section = serializers.IntegerField()


class AnnulSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300)


class RecordYearSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(source="enrollment_id")
    school_year = serializers.IntegerField()
    school_code = serializers.CharField()
    school_name = serializers.CharField()
    grade = serializers.CharField()
    section = serializers.CharField()
    status = serializers.ChoiceField(choices=EnrollmentStatus.choices)
    is_repeater = serializers.BooleanField()
    enrolled_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    extras = serializers.DictField(help_text="Lo que otros módulos añaden (calificaciones).")


class AcademicRecordSerializer(serializers.Serializer):
    student = StudentSerializer()
    years = RecordYearSerializer(many=True)


@extend_schema(tags=TAGS, summary="Estudiantes al alcance del usuario")
class StudentListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = StudentSerializer
    pagination_class = _Pages

    def get_queryset(self) -> Any:
        return student_scope(self.request.user).values_list(*STUDENT_ROW_FIELDS, named=True)


@extend_schema(tags=TAGS, summary="Un estudiante", responses=StudentSerializer)
class StudentDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request: Request, pk: int) -> Response:
        student = student_get(request.user, pk=pk)
        row = (
            type(student)
            .objects.filter(pk=student.pk)
            .values_list(*STUDENT_ROW_FIELDS, named=True)
            .get()
        )
        return Response(StudentSerializer(row).data)


@extend_schema(
    tags=TAGS, summary="Expediente académico del estudiante", responses=AcademicRecordSerializer
)
class AcademicRecordApi(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request: Request, pk: int) -> Response:
        record = academic_record(request.user, student_id=pk)
        student = record.student
        data = {
            "student": {
                "pk": student.pk,
                "nie": student.nie,
                "person__first_names": student.person.first_names,
                "person__last_names": student.person.last_names,
                "person__birth_date": student.person.birth_date,
                "person__sex": student.person.sex,
            },
            "years": record.years,
        }
        return Response(AcademicRecordSerializer(data).data)


@extend_schema(
    tags=TAGS,
    summary="Matrículas al alcance del usuario",
    parameters=[
        OpenApiParameter("section", int, description="Solo las de esta sección."),
        OpenApiParameter("year", int, description="Año lectivo."),
    ],
)
class EnrollmentListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = EnrollmentSerializer
    pagination_class = _Pages
    parser_classes = [JSONParser]

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return enrollment_rows(
            self.request.user,
            section_id=plain_int(params.get("section", "")),
            school_year=plain_int(params.get("year", "")),
        ).order_by("pk")

    @extend_schema(
        tags=TAGS,
        summary="Matricular a un estudiante",
        request=EnrollmentCreateSerializer,
        responses={
            201: EnrollmentSerializer,
            # The student or section is unknown or outside the caller's scope.
            404: OpenApiResponse(description=str(ERROR_DESCRIPTIONS["404"])),
            # Already enrolled this year, or the section is full.
            409: OpenApiResponse(description=str(ERROR_DESCRIPTIONS["409"])),
        },
    )
    def post(self, request: Request) -> Response:
        data = _valid(EnrollmentCreateSerializer, request)
        student = student_get(request.user, pk=data["student"])
        section = Section.objects.filter(pk=data["section"]).first()
        if section is None:
            raise Http404
        enrollment = enrollment_create(
            actor=request.user,
            student=student,
            section=section,
            enrolled_on=data.get("enrolled_on"),
            provisional=data["provisional"],
        )
        return Response(EnrollmentSerializer(_row(enrollment)).data, status=status.HTTP_201_CREATED)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class _EnrollmentAction(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    def enrollment(self, request: Request, pk: int) -> Enrollment:
        return enrollment_get(request.user, pk=pk)

    def answer(self, enrollment: Enrollment) -> Response:
        return Response(EnrollmentSerializer(_row(enrollment)).data)


@extend_schema(
    tags=TAGS,
    summary="Confirmar una matrícula provisional",
    request=None,
    responses=EnrollmentSerializer,
)
class EnrollmentConfirmApi(_EnrollmentAction):
    def post(self, request: Request, pk: int) -> Response:
        enrollment = enrollment_confirm(actor=request.user, enrollment=self.enrollment(request, pk))
        return self.answer(enrollment)


@extend_schema(
    tags=TAGS,
    summary="Retirar (deserción) con motivo",
    request=WithdrawSerializer,
    responses=EnrollmentSerializer,
)
class EnrollmentWithdrawApi(_EnrollmentAction):
    def post(self, request: Request, pk: int) -> Response:
        enrollment = self.enrollment(request, pk)
        data = _valid(WithdrawSerializer, request)
        enrollment_withdraw(
            actor=request.user,
            enrollment=enrollment,
            motive=data["motive"],
            on=data.get("on"),
            note=data["note"],
        )
        return self.answer(enrollment)


@extend_schema(
    tags=TAGS,
    summary="Trasladar a otra sección o centro (devuelve la nueva matrícula)",
    request=TransferSerializer,
    responses=EnrollmentSerializer,
)
class EnrollmentTransferApi(_EnrollmentAction):
    def post(self, request: Request, pk: int) -> Response:
        enrollment = self.enrollment(request, pk)
        data = _valid(TransferSerializer, request)
        to_section = Section.objects.filter(pk=data["to_section"]).first()
        if to_section is None:
            raise Http404
        new = enrollment_transfer(
            actor=request.user,
            enrollment=enrollment,
            to_section=to_section,
            motive=data["motive"],
            on=data.get("on"),
            note=data["note"],
        )
        return Response(EnrollmentSerializer(_row(new)).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=TAGS,
    summary="Anular una matrícula hecha por error",
    request=AnnulSerializer,
    responses=EnrollmentSerializer,
)
class EnrollmentAnnulApi(_EnrollmentAction):
    def post(self, request: Request, pk: int) -> Response:
        enrollment = self.enrollment(request, pk)
        data = _valid(AnnulSerializer, request)
        enrollment_annul(actor=request.user, enrollment=enrollment, note=data["note"])
        return self.answer(enrollment)


urlpatterns = [
    path("students/", StudentListApi.as_view(), name="student-list"),
    path("students/<int:pk>/", StudentDetailApi.as_view(), name="student-detail"),
    path("students/<int:pk>/record/", AcademicRecordApi.as_view(), name="academic-record"),
    path("enrollments/", EnrollmentListApi.as_view(), name="enrollment-list"),
    path(
        "enrollments/<int:pk>/confirm/", EnrollmentConfirmApi.as_view(), name="enrollment-confirm"
    ),
    path(
        "enrollments/<int:pk>/withdraw/",
        EnrollmentWithdrawApi.as_view(),
        name="enrollment-withdraw",
    ),
    path(
        "enrollments/<int:pk>/transfer/",
        EnrollmentTransferApi.as_view(),
        name="enrollment-transfer",
    ),
    path("enrollments/<int:pk>/annul/", EnrollmentAnnulApi.as_view(), name="enrollment-annul"),
]
