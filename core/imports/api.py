"""Import API under /api/v1/importaciones/: upload (which queues the dry run), status and
progress, the per-row report (JSON and CSV), start. Scoped like the pages: a job outside the
caller's reach answers 404; someone who may not import gets 403."""

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import CursorPagination
from core.api_schema import ERROR_DESCRIPTIONS

from .access import importer_only
from .models import ImportJob, ImportRowError
from .registry import importers
from .selectors import job_errors, job_get, job_list, progress_of
from .services import job_create, job_start
from .views import job_report_response

TAGS = ["importaciones"]


class _Pages(CursorPagination):
    ordering = ("-pk",)
    page_size = 50


class JobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    file_name = serializers.CharField()
    file_sha256 = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    total_rows = serializers.IntegerField()
    processed_rows = serializers.IntegerField()
    percent = serializers.IntegerField()
    error_rows = serializers.IntegerField()
    created = serializers.IntegerField(source="created_count")
    updated = serializers.IntegerField(source="updated_count")
    unchanged = serializers.IntegerField(source="unchanged_count")
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class ProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    total_rows = serializers.IntegerField()
    processed_rows = serializers.IntegerField()
    percent = serializers.IntegerField()
    working = serializers.BooleanField()
    error_rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    message = serializers.CharField()


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()
    hint = serializers.CharField()


class UploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[])
    file = serializers.FileField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [imp.kind for imp in importers()]


class JobListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = JobSerializer
    pagination_class = _Pages
    parser_classes = [MultiPartParser]

    queryset = ImportJob.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> Any:
        importer_only(self.request)
        return job_list(self.request.user)

    @extend_schema(tags=TAGS, summary="Importaciones visibles para quien consulta")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Subir un archivo: se revisa (simulación) sin guardar nada",
        request={"multipart/form-data": UploadSerializer},
        responses={
            201: JobSerializer,
            400: OpenApiResponse(description=str(ERROR_DESCRIPTIONS["400"])),
            403: OpenApiResponse(description=str(ERROR_DESCRIPTIONS["403"])),
        },
    )
    def post(self, request: Request) -> Response:
        importer_only(request)
        serializer = UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = job_create(
            actor=request.user,
            kind=serializer.validated_data["kind"],
            upload=serializer.validated_data["file"],
            request=request,
        )
        job.refresh_from_db()  # the dry run ran inline in the embedded mode
        return Response(JobSerializer(job).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=TAGS,
    summary="Una importación",
    responses={
        200: JobSerializer,
        404: OpenApiResponse(description=str(ERROR_DESCRIPTIONS["404"])),
    },
)
class JobDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request: Request, pk: int) -> Response:
        importer_only(request)
        return Response(JobSerializer(job_get(request.user, pk)).data)


@extend_schema(
    tags=TAGS,
    summary="Avance de una importación (para la barra de progreso)",
    responses={
        200: ProgressSerializer,
        404: OpenApiResponse(description=str(ERROR_DESCRIPTIONS["404"])),
    },
)
class JobProgressApi(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request: Request, pk: int) -> Response:
        importer_only(request)
        return Response(progress_of(job_get(request.user, pk)))


@extend_schema(
    tags=TAGS,
    summary="Iniciar la importación de un archivo revisado sin errores",
    request=None,
    responses={
        202: JobSerializer,
        404: OpenApiResponse(description=str(ERROR_DESCRIPTIONS["404"])),
        409: OpenApiResponse(description=str(ERROR_DESCRIPTIONS["409"])),
    },
)
class JobStartApi(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request: Request, pk: int) -> Response:
        importer_only(request)
        job = job_start(actor=request.user, job=job_get(request.user, pk), request=request)
        job.refresh_from_db()
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class JobErrorsApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = RowErrorSerializer

    queryset = ImportRowError.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> Any:
        importer_only(self.request)
        return job_errors(job_get(self.request.user, self.kwargs["pk"]))

    @extend_schema(tags=TAGS, summary="Informe de la revisión: errores por fila y columna")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


@extend_schema(
    tags=TAGS,
    summary="Informe de la revisión en CSV",
    responses={(200, "text/csv"): OpenApiResponse(description="CSV")},
)
class JobReportCsvApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_scope = "export"

    def get(self, request: Request, pk: int) -> Any:
        importer_only(request)
        return job_report_response(job_get(request.user, pk))


urlpatterns = [
    path("importaciones/", JobListApi.as_view(), name="import-list"),
    path("importaciones/<int:pk>/", JobDetailApi.as_view(), name="import-detail"),
    path("importaciones/<int:pk>/progreso/", JobProgressApi.as_view(), name="import-progress"),
    path("importaciones/<int:pk>/importar/", JobStartApi.as_view(), name="import-start"),
    path("importaciones/<int:pk>/errores/", JobErrorsApi.as_view(), name="import-errors"),
    path("importaciones/<int:pk>/informe.csv", JobReportCsvApi.as_view(), name="import-report"),
]
