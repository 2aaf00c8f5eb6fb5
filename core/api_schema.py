"""OpenAPI schema generation shared by every app: one error shape, documented on each operation
where it can happen, so the schema at /api/schema/ says what the API answers (docs/architecture.md).

Views declare their successful answers (and any error whose meaning is particular to them); the
``AutoSchema`` here adds the error answers that follow from how the view is built: its
permissions, throttles, path parameters, pagination and method. Every error answer, declared or
added, carries the ``Error`` body that ``core.api.exception_handler`` produces.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.permissions import AllowAny

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer (see ``core.api.exception_handler``)."""

    detail = serializers.CharField(
        required=False,
        help_text=_("Qué pasó, en español (en un 400 por datos, los mensajes van por campo)."),
    )
    code = serializers.CharField(
        required=False,
        help_text=_(
            "Código estable para programas: not_authenticated, permission_denied, not_found, "
            "throttled, un código de conflicto del trámite (409), invalid…"
        ),
    )


class ErrorSerializerExtension(OpenApiSerializerExtension):
    """A 400 for invalid data lists each field's messages under the field's name (the whole
    object's under ``non_field_errors``) beside the optional ``detail`` and ``code``."""

    target_class = ErrorSerializer

    def map_serializer(self, auto_schema: openapi.AutoSchema, direction: Any) -> dict[str, Any]:
        schema = auto_schema._map_basic_serializer(self.target, direction)
        field_messages = {
            "anyOf": [
                build_array_type(build_basic_type(OpenApiTypes.ANY)),
                build_basic_type(OpenApiTypes.OBJECT),
            ],
            "description": str(
                _("Mensajes de un campo (o de sus elementos, en un campo compuesto).")
            ),
        }
        description = _(
            "Cuerpo de toda respuesta de error: «detail» y «code»; en un 400 por datos no "
            "válidos, los mensajes de cada campo bajo su nombre («non_field_errors» para el "
            "conjunto)."
        )
        return {
            **schema,
            "description": str(description),
            "additionalProperties": field_messages,
        }


ERROR_DESCRIPTIONS = {
    "400": _("Datos no válidos: los mensajes de cada campo, o «detail» y «code»."),
    "401": _("Falta la autenticación o no es válida (token vencido o revocado, sesión expirada)."),
    "403": _("No tiene permiso para esta operación (o falta el token CSRF de una sesión)."),
    "404": _(
        "No existe o no está a su alcance (también un cursor de página o un «format» no válidos)."
    ),
    "409": _("El estado actual no permite esta acción; «detail» dice por qué."),
    "429": _("Demasiadas solicitudes: espere los segundos que indica Retry-After."),
}
PUBLIC_401 = _("Solo si una sesión del navegador expiró; sin sesión esta operación es pública.")


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema plus the error answers each operation can give."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, description in self._error_codes().items():
            if code not in responses:
                error = OpenApiResponse(ErrorSerializer, description=str(description))
                responses[code] = self._get_response_for_code(error, code, direction=direction)
        for code, documented in responses.items():
            if code.startswith("4") and "content" not in documented:
                # Declared with a description only: the body is the shared error shape.
                error = OpenApiResponse(ErrorSerializer, description=documented["description"])
                responses[code] = {
                    **documented,
                    **self._get_response_for_code(error, code, direction=direction),
                }
        return dict(sorted(responses.items()))

    def _error_codes(self) -> dict[str, Any]:
        view = self.view
        public = all(isinstance(p, AllowAny) for p in view.get_permissions())
        query = {p["name"] for p in self._get_parameters() if p["in"] == "query"}
        paginator = getattr(view, "pagination_class", None)
        codes: dict[str, Any] = {}
        has_body = self.method in UNSAFE_METHODS and self.get_request_serializer() is not None
        if has_body or query:
            codes["400"] = ERROR_DESCRIPTIONS["400"]
        # SessionTimeoutMiddleware answers 401 on any /api/ path for an expired session.
        codes["401"] = PUBLIC_401 if public else ERROR_DESCRIPTIONS["401"]
        if not public:
            codes["403"] = ERROR_DESCRIPTIONS["403"]
        has_path_params = "{" in self.path
        cursor_pages = paginator is not None and issubclass(
            paginator, CursorPagination | PageNumberPagination
        )
        # DRF answers 404 to a ?format= that names no renderer of the view.
        if has_path_params or "format" in query or (cursor_pages and self._is_list_view()):
            codes["404"] = ERROR_DESCRIPTIONS["404"]
        # A write on a particular record meets its state (core.workflow, the services).
        if self.method in UNSAFE_METHODS and has_path_params and not public:
            codes["409"] = ERROR_DESCRIPTIONS["409"]
        if view.get_throttles():
            codes["429"] = ERROR_DESCRIPTIONS["429"]
        return codes

    def _get_response_headers_for_code(self, status_code: str, direction: Any = "response") -> Any:
        headers = super()._get_response_headers_for_code(status_code, direction)
        if status_code == "429":
            retry_after = {
                "schema": build_basic_type(OpenApiTypes.INT),
                "description": str(_("Segundos que conviene esperar antes de reintentar.")),
            }
            headers = {**(headers or {}), "Retry-After": retry_after}
        return headers
