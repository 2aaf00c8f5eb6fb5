"""One error shape for the whole API (``core.api``) and a schema that documents it on every
operation where it can happen (``core.api_schema``)."""

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from rest_framework import exceptions

from core.api import exception_handler

pytestmark = pytest.mark.django_db

ERROR_REF = {"$ref": "#/components/schemas/Error"}
UNSAFE = {"post", "put", "patch", "delete"}


@pytest.fixture
def schema(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


# --- The bodies --------------------------------------------------------------------------------


def test_a_missing_token_answers_detail_and_code(client):
    response = client.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json() == {
        "detail": "Las credenciales de autenticación no se proveyeron.",
        "code": "not_authenticated",
    }


def test_an_unrouted_api_path_answers_the_json_404(client):
    # Given an id that is not a number, so no route matches at all.
    response = client.post("/api/v1/notifications/abc/read/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "No encontrado.", "code": "not_found"}


def test_an_unrouted_page_still_answers_the_html_404(client):
    response = client.get("/no-existe-esta-pagina/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_validation_error_without_field_names_gets_detail_and_code():
    response = exception_handler(exceptions.ValidationError("Faltan datos."), {})

    assert response.status_code == 400
    assert response.data == {"detail": "Faltan datos.", "code": "invalid"}


def test_field_errors_stay_under_their_field_names():
    response = exception_handler(exceptions.ValidationError({"q": ["Escriba algo."]}), {})

    assert response.status_code == 400
    assert response.data == {"q": ["Escriba algo."]}


def test_a_django_validation_error_without_fields_gets_a_text_detail_and_its_code():
    error = DjangoValidationError("El DUI no es válido.", code="invalid_check")

    response = exception_handler(error, {})

    assert response.status_code == 400
    assert response.data == {"detail": "El DUI no es válido.", "code": "invalid_check"}


def test_throttling_answers_detail_code_and_retry_after():
    response = exception_handler(exceptions.Throttled(wait=30), {})

    assert response.status_code == 429
    assert response.data["code"] == "throttled"
    assert set(response.data) == {"detail", "code"}
    assert response["Retry-After"] == "30"


# --- The schema --------------------------------------------------------------------------------


def test_every_error_answer_in_the_schema_has_the_error_body(schema):
    bodies = {
        (path, method, code): response.get("content", {}).get("application/json", {})
        for path, method, operation in _operations(schema)
        for code, response in operation["responses"].items()
        if code.startswith("4")
    }

    assert bodies  # the API has error answers at all
    assert {key for key, body in bodies.items() if body.get("schema") != ERROR_REF} == set()


def test_the_error_component_allows_field_messages(schema):
    error = schema["components"]["schemas"]["Error"]

    assert set(error["properties"]) == {"detail", "code"}
    assert "required" not in error  # a 400 on submitted data carries only field names
    assert error["additionalProperties"]["anyOf"][0]["type"] == "array"


def test_every_operation_documents_401_and_429(schema):
    missing = [
        (path, method)
        for path, method, operation in _operations(schema)
        if not {"401", "429"} <= set(operation["responses"])
    ]

    assert missing == []


def test_operations_that_need_a_login_document_403(schema):
    # Public operations list no security (auth=[]) or an empty requirement ({}) among them.
    missing = [
        (path, method)
        for path, method, operation in _operations(schema)
        if operation.get("security")
        and {} not in operation["security"]
        and "403" not in operation["responses"]
    ]

    assert missing == []


def test_operations_on_one_record_document_404_and_writes_on_it_409(schema):
    path_params = [(p, m, op) for p, m, op in _operations(schema) if "{" in p]
    without_404 = [(p, m) for p, m, op in path_params if "404" not in op["responses"]]
    writes_without_409 = [
        (p, m) for p, m, op in path_params if m in UNSAFE and "409" not in op["responses"]
    ]

    assert path_params
    assert without_404 == []
    assert writes_without_409 == []


def test_reads_and_bodiless_writes_do_not_claim_a_409_or_a_400(schema):
    ticket = schema["paths"]["/api/v1/mesa/tickets/{number}/"]["get"]["responses"]
    logout = schema["paths"]["/api/v1/auth/logout/"]["post"]["responses"]

    # 409 comes from a state change, which a GET never makes; a POST without a body and
    # without parameters has nothing to find invalid.
    assert set(ticket) == {"200", "401", "403", "404", "429"}
    assert set(logout) == {"204", "401", "403", "429"}


def test_fields_that_can_be_null_are_nullable(schema):
    components = schema["components"]["schemas"]

    assert components["StaffTicket"]["properties"]["merged_into"]["nullable"] is True
    assert components["TicketEntry"]["properties"]["author_name"]["nullable"] is True
    assert components["ServiceOutput"]["properties"]["can_request"]["nullable"] is True
