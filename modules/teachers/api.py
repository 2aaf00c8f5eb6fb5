"""Teachers API under /api/v1/: teachers, appointments, subject assignments, timetables and
registered leave, plus adding and removing timetable periods. Scoped by
``core.accounts.scopes``: anything outside the caller's scope answers 404. Lists read named rows
(one query for the rows, whatever their number)."""

from typing import Any

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import CursorPagination
from core.api_schema import ERROR_DESCRIPTIONS
from core.parsers import JSONParser

from .choices import ContractType, EscalafonLevel, Funding, Position
from .models import TimetableSlot
from .selectors import (
    WRITE_ROLES,
    appointment_scope,
    assignment_scope,
    leave_scope,
    slot_scope,
    teacher_get,
    teacher_scope,
)
from .services import timetable_slot_add, timetable_slot_remove

TAGS = ["docentes"]


class _Pages(CursorPagination):
    ordering = ("pk",)
    page_size = 100


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise serializers.ValidationError({name: [_("Debe ser un número entero.")]}) from exc


def _filter_ids(rows: Any, request: Request, names: tuple[str, ...]) -> Any:
    """Narrow ``rows`` by each ``<name>_id`` given as an integer query parameter."""
    for name in names:
        value = _int_param(request, name)
        if value is not None:
            rows = rows.filter(**{f"{name}_id": value})
    return rows


class TeacherSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    nip = serializers.CharField()
    first_names = serializers.CharField(source="person__first_names")
    last_names = serializers.CharField(source="person__last_names")
    specialty = serializers.CharField()
    escalafon_level = serializers.ChoiceField(choices=EscalafonLevel.choices)
    escalafon_category = serializers.IntegerField()


TEACHER_FIELDS = (
    "pk",
    "nip",
    "person__first_names",
    "person__last_names",
    "specialty",
    "escalafon_level",
    "escalafon_category",
)


@extend_schema(
    tags=TAGS,
    summary="Docentes al alcance del usuario",
    parameters=[OpenApiParameter("school", int, description="Solo los nombrados en este centro")],
)
class TeacherListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = TeacherSerializer
    pagination_class = _Pages

    def get_queryset(self) -> Any:
        teachers = teacher_scope(self.request.user)
        school = _int_param(self.request, "school")
        if school is not None:
            teachers = teachers.filter(appointments__school_id=school).distinct()
        return teachers.values_list(*TEACHER_FIELDS, named=True)


@extend_schema(
    tags=TAGS,
    summary="Un docente",
    responses={200: TeacherSerializer, 404: OpenApiResponse(description=ERROR_DESCRIPTIONS["404"])},
)
class TeacherDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request: Request, pk: int) -> Response:
        teacher = teacher_get(request.user, pk=pk)
        row = (
            type(teacher).objects.filter(pk=teacher.pk).values_list(*TEACHER_FIELDS, named=True)
        ).get()
        return Response(TeacherSerializer(row).data)


class AppointmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    teacher = serializers.IntegerField(source="teacher_id")
    school = serializers.IntegerField(source="school_id")
    school_code = serializers.CharField(source="school__code")
    position = serializers.ChoiceField(choices=Position.choices)
    shift = serializers.CharField()
    contract_type = serializers.ChoiceField(choices=ContractType.choices)
    funding = serializers.ChoiceField(choices=Funding.choices)
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)


@extend_schema(
    tags=TAGS,
    summary="Nombramientos al alcance del usuario",
    parameters=[
        OpenApiParameter("teacher", int, description="De este docente"),
        OpenApiParameter("school", int, description="En este centro"),
    ],
)
class AppointmentListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = AppointmentSerializer
    pagination_class = _Pages

    def get_queryset(self) -> Any:
        rows = _filter_ids(
            appointment_scope(self.request.user), self.request, ("teacher", "school")
        )
        return rows.values_list(
            "pk",
            "teacher_id",
            "school_id",
            "school__code",
            "position",
            "shift",
            "contract_type",
            "funding",
            "start_date",
            "end_date",
            named=True,
        )


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    teacher = serializers.IntegerField(source="teacher_id")
    section = serializers.IntegerField(source="section_id")
    school_year = serializers.IntegerField(source="school_year_id")
    subject_code = serializers.CharField(source="subject__code")
    subject_name = serializers.CharField(source="subject__name")


@extend_schema(
    tags=TAGS,
    summary="Asignaciones de asignaturas al alcance del usuario",
    parameters=[
        OpenApiParameter("teacher", int, description="De este docente"),
        OpenApiParameter("section", int, description="De esta sección"),
    ],
)
class AssignmentListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = AssignmentSerializer
    pagination_class = _Pages

    def get_queryset(self) -> Any:
        rows = _filter_ids(
            assignment_scope(self.request.user), self.request, ("teacher", "section")
        )
        return rows.values_list(
            "pk",
            "teacher_id",
            "section_id",
            "school_year_id",
            "subject__code",
            "subject__name",
            named=True,
        )


class SlotSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    assignment = serializers.IntegerField(source="assignment_id")
    teacher = serializers.IntegerField(source="teacher_id")
    section = serializers.IntegerField(source="section_id")
    school_year = serializers.IntegerField(source="school_year_id")
    shift = serializers.CharField()
    weekday = serializers.IntegerField(help_text="1 = lunes … 7 = domingo")
    period = serializers.IntegerField(help_text="Hora clase del turno, desde 1")
    subject_name = serializers.CharField(source="assignment__subject__name")


SLOT_FIELDS = (
    "pk",
    "assignment_id",
    "teacher_id",
    "section_id",
    "school_year_id",
    "shift",
    "weekday",
    "period",
    "assignment__subject__name",
)


class SlotCreateSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()
    weekday = serializers.IntegerField(min_value=1, max_value=7)
    period = serializers.IntegerField(min_value=1, max_value=10)


@extend_schema(
    tags=TAGS,
    summary="Horario (horas clase) de un docente o de una sección",
    parameters=[
        OpenApiParameter("teacher", int, description="De este docente"),
        OpenApiParameter("section", int, description="De esta sección"),
        OpenApiParameter("school_year", int, description="De este año lectivo"),
    ],
)
class TimetableListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]
    serializer_class = SlotSerializer
    pagination_class = _Pages

    def get_queryset(self) -> Any:
        rows = _filter_ids(
            slot_scope(self.request.user), self.request, ("teacher", "section", "school_year")
        )
        return rows.values_list(*SLOT_FIELDS, named=True)

    @extend_schema(
        summary="Agregar una hora clase al horario",
        request=SlotCreateSerializer,
        responses={
            201: SlotSerializer,
            400: OpenApiResponse(description=ERROR_DESCRIPTIONS["400"]),
            404: OpenApiResponse(description=ERROR_DESCRIPTIONS["404"]),
            409: OpenApiResponse(description="El docente o la sección ya tienen clase a esa hora."),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = SlotCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assignment = (
            assignment_scope(request.user, WRITE_ROLES).filter(pk=data["assignment"]).first()
        )
        if assignment is None:
            raise Http404
        slot = timetable_slot_add(
            actor=request.user,
            assignment=assignment,
            weekday=data["weekday"],
            period=data["period"],
        )
        row = TimetableSlot.objects.filter(pk=slot.pk).values_list(*SLOT_FIELDS, named=True).get()
        return Response(SlotSerializer(row).data, status=status.HTTP_201_CREATED)


class TimetableSlotApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=TAGS,
        summary="Quitar una hora clase del horario",
        request=None,
        responses={204: None, 404: OpenApiResponse(description=ERROR_DESCRIPTIONS["404"])},
    )
    def delete(self, request: Request, pk: int) -> Response:
        slot = slot_scope(request.user, WRITE_ROLES).filter(pk=pk).first()
        if slot is None:
            raise Http404
        timetable_slot_remove(actor=request.user, slot=slot)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LeaveSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    teacher = serializers.IntegerField(source="teacher_id")
    school = serializers.IntegerField(source="school_id")
    leave_type = serializers.CharField(source="leave_type__code")
    leave_type_name = serializers.CharField(source="leave_type__name")
    start_date = serializers.DateField()
    end_date = serializers.DateField()


@extend_schema(
    tags=TAGS,
    summary="Licencias registradas al alcance del usuario",
    parameters=[
        OpenApiParameter("teacher", int, description="De este docente"),
        OpenApiParameter("school", int, description="En este centro"),
    ],
)
class LeaveListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = LeaveSerializer
    pagination_class = _Pages

    def get_queryset(self) -> Any:
        rows = _filter_ids(leave_scope(self.request.user), self.request, ("teacher", "school"))
        return rows.values_list(
            "pk",
            "teacher_id",
            "school_id",
            "leave_type__code",
            "leave_type__name",
            "start_date",
            "end_date",
            named=True,
        )


urlpatterns = [
    path("teachers/", TeacherListApi.as_view(), name="teacher-list"),
    path("teachers/<int:pk>/", TeacherDetailApi.as_view(), name="teacher-detail"),
    path("appointments/", AppointmentListApi.as_view(), name="appointment-list"),
    path("subject-assignments/", AssignmentListApi.as_view(), name="subject-assignment-list"),
    path("timetable-slots/", TimetableListApi.as_view(), name="timetable-slot-list"),
    path("timetable-slots/<int:pk>/", TimetableSlotApi.as_view(), name="timetable-slot-detail"),
    path("leaves/", LeaveListApi.as_view(), name="leave-list"),
]
