"""The service form built from ServiceField rows: server-side validation and JSON-safe data."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from helpdesk.choices import FieldType
from helpdesk.forms import build_service_form, clean_service_data
from helpdesk.models import ServiceField
from tests.helpdesk.conftest import make_service


@pytest.fixture
def full_service(queue, sla_policy):
    service = make_service(queue, sla_policy, code="completo")
    service.fields.all().delete()
    specs = [
        ("nombre", FieldType.TEXT, True, []),
        ("detalle", FieldType.TEXTAREA, False, []),
        ("anio", FieldType.INTEGER, True, []),
        ("monto", FieldType.DECIMAL, False, []),
        ("fecha", FieldType.DATE, True, []),
        ("motivo", FieldType.CHOICE, True, [["robo", "Robo"], ["extravio", "Extravío"]]),
        ("grado", FieldType.CHOICE, False, ["1.º grado", "2.º grado"]),
        ("dui", FieldType.DUI, True, []),
        ("nie", FieldType.NIE, False, []),
        ("correo", FieldType.EMAIL, True, []),
        ("telefono", FieldType.PHONE, False, []),
        ("respaldo", FieldType.FILE, False, []),
    ]
    for order, (key, kind, required, choices) in enumerate(specs):
        ServiceField.objects.create(
            service=service,
            key=key,
            label=key.capitalize(),
            field_type=kind,
            required=required,
            choices=choices,
            order=order,
        )
    return service


VALID = {
    "nombre": "  Ana López ",
    "anio": "2019",
    "monto": "12.5",
    "fecha": "2026-02-02",
    "motivo": "robo",
    "dui": " 123456784 ",
    "nie": "0010000001",
    "correo": "Ana.Lopez@Example.SV",
    "telefono": "2222 3333",
}


def test_valid_answers_become_json_safe_canonical_values(full_service):
    cleaned = clean_service_data(service=full_service, data=VALID)
    assert cleaned.values == {
        "nombre": "Ana López",
        "detalle": None,
        "anio": 2019,
        "monto": "12.50",
        "fecha": "2026-02-02",
        "motivo": "robo",
        "grado": None,
        "dui": "12345678-4",
        "nie": "10000001",
        "correo": "ana.lopez@example.sv",
        "telefono": "+50322223333",
    }
    assert cleaned.files == {}
    assert json.loads(json.dumps(cleaned.values)) == cleaned.values


def test_keys_outside_the_form_are_never_stored(full_service):
    cleaned = clean_service_data(
        service=full_service, data={**VALID, "status": "resolved", "csrfmiddlewaretoken": "x"}
    )
    assert "status" not in cleaned.values
    assert "csrfmiddlewaretoken" not in cleaned.values


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("dui", "12345678-5", "El DUI no es válido: el dígito verificador no corresponde."),
        ("dui", "00000000-7", "El DUI no es válido: el dígito verificador no corresponde."),
        ("nie", "12-34", "El NIE es un número de hasta 10 dígitos, sin guiones ni letras."),
        ("nie", "0", "El NIE es un número de hasta 10 dígitos, sin guiones ni letras."),
        ("nie", "12345678901", "El NIE es un número de hasta 10 dígitos, sin guiones ni letras."),
        (
            "telefono",
            "123",
            "Ingrese un teléfono válido: 8 dígitos (por ejemplo 2222-3333) o un número "
            "internacional con su prefijo (+…).",
        ),
        ("correo", "ana@", "Introduzca una dirección de correo electrónico válida."),
        ("fecha", "2026-02-30", "Ingrese una fecha válida como dd/mm/aaaa."),
        ("fecha", "30/02/2026", "Ingrese una fecha válida como dd/mm/aaaa."),
        ("anio", "dos mil", "Introduzca un número entero."),
        ("motivo", "otro", "Escoja una opción válida. otro no es una de las opciones disponibles."),
        ("monto", "1.234", "Asegúrese de que no haya más de 2 dígitos decimales."),
    ],
)
def test_bad_answers_are_refused_with_spanish_messages(full_service, key, value, message):
    with pytest.raises(ValidationError) as excinfo:
        clean_service_data(service=full_service, data={**VALID, key: value})
    errors = excinfo.value.message_dict
    assert errors == {key: [message]}


def test_required_answers(full_service):
    with pytest.raises(ValidationError) as excinfo:
        clean_service_data(service=full_service, data={})
    assert set(excinfo.value.message_dict) == {"nombre", "anio", "fecha", "motivo", "dui", "correo"}


def test_file_answers_are_checked_by_content(full_service):
    good = SimpleUploadedFile("acta.pdf", b"%PDF-1.4\n")
    cleaned = clean_service_data(service=full_service, data=VALID, files={"respaldo": good})
    assert cleaned.files == {"respaldo": good}
    assert "respaldo" not in cleaned.values

    bad = SimpleUploadedFile("acta.pdf", b"MZ\x90\x00")
    with pytest.raises(ValidationError) as excinfo:
        clean_service_data(service=full_service, data=VALID, files={"respaldo": bad})
    assert list(excinfo.value.message_dict) == ["respaldo"]


def test_generated_form_renders_labels_and_widgets(full_service):
    form = build_service_form(full_service)()
    html = form.as_div()
    assert 'type="text" name="fecha"' in html
    assert 'placeholder="dd/mm/aaaa"' in html
    assert "<textarea" in html
    assert 'type="file"' in html
    assert list(form.fields) == [f.key for f in full_service.fields.all()]
    # A required list starts blank too, so no answer is ever preselected for the citizen.
    assert form.fields["motivo"].choices == [
        ("", "Elija una opción"),
        ("robo", "Robo"),
        ("extravio", "Extravío"),
    ]
    # An optional list offers an empty choice.
    assert form.fields["grado"].choices[0] == ("", "---------")


def test_a_required_choice_left_blank_is_refused(full_service):
    with pytest.raises(ValidationError) as excinfo:
        clean_service_data(service=full_service, data={**VALID, "motivo": ""})
    assert list(excinfo.value.message_dict) == ["motivo"]


def test_field_definitions_are_validated(full_service):
    bad = ServiceField(service=full_service, key="x", label="X", field_type=FieldType.CHOICE)
    with pytest.raises(ValidationError) as excinfo:
        bad.full_clean()
    assert "choices" in excinfo.value.message_dict

    wrong_key = ServiceField(service=full_service, key="Con espacios", label="X", field_type="text")
    with pytest.raises(ValidationError) as excinfo:
        wrong_key.full_clean()
    assert "key" in excinfo.value.message_dict

    repeated = ServiceField(
        service=full_service, key="y", label="Y", field_type="choice", choices=["a", "a"]
    )
    with pytest.raises(ValidationError):
        repeated.full_clean()


def test_service_role_list_is_validated(full_service):
    full_service.any_citizen = False
    full_service.allowed_roles = []
    with pytest.raises(ValidationError):
        full_service.full_clean()
    full_service.allowed_roles = ["emperor"]
    with pytest.raises(ValidationError):
        full_service.full_clean()
    full_service.allowed_roles = ["teacher"]
    full_service.full_clean()
