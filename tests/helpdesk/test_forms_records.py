"""Trámite forms check answers against records that exist: a school code must be a school in
the registry, a DUI must pass its check digit, dates are typed and shown as dd/mm/aaaa."""

import importlib

import pytest
from django.core.exceptions import ValidationError

from helpdesk.choices import FieldType
from helpdesk.display import form_answers
from helpdesk.forms import build_service_form, clean_service_data
from helpdesk.models import ServiceField
from tests.factories import SchoolFactory

from .conftest import make_service


@pytest.fixture
def school_service(queue, sla_policy):
    service = make_service(queue, sla_policy, code="matricula-prueba")
    service.fields.all().delete()
    for order, (key, kind) in enumerate(
        [("centro", FieldType.SCHOOL), ("nacimiento", FieldType.DATE), ("dui", FieldType.DUI)]
    ):
        ServiceField.objects.create(
            service=service, key=key, label=key.capitalize(), field_type=kind, order=order
        )
    return service


def test_a_school_in_the_registry_is_accepted_as_registered(school_service):
    school = SchoolFactory(code="DEMO-042")

    cleaned = clean_service_data(
        service=school_service,
        data={"centro": " demo-042 ", "nacimiento": "25/10/2016", "dui": "123456784"},
    )

    assert cleaned.values == {
        "centro": school.code,
        "nacimiento": "2016-10-25",
        "dui": "12345678-4",
    }


def test_a_closed_school_is_still_accepted(school_service):
    # Titles and certificates are asked for long after a school closed
    SchoolFactory(code="CERRADO-1", is_active=False)

    cleaned = clean_service_data(
        service=school_service,
        data={"centro": "CERRADO-1", "nacimiento": "2016-10-25", "dui": "12345678-4"},
    )

    assert cleaned.values["centro"] == "CERRADO-1"


@pytest.mark.parametrize(
    ("answers", "errors"),
    [
        (
            {"centro": "NO-EXISTE", "nacimiento": "25/10/2016", "dui": "12345678-4"},
            {
                "centro": [
                    "No hay ningún centro educativo con el código «NO-EXISTE» en el registro. "
                    "Búsquelo en el directorio de centros educativos."
                ]
            },
        ),
        (
            {"centro": "DEMO-042", "nacimiento": "25/10/2016", "dui": "12345678-5"},
            {"dui": ["El DUI no es válido: el dígito verificador no corresponde."]},
        ),
        (
            {"centro": "DEMO-042", "nacimiento": "10/25/2016", "dui": "12345678-4"},
            {"nacimiento": ["Ingrese una fecha válida como dd/mm/aaaa."]},
        ),
    ],
    ids=["unknown-school", "dui-check-digit", "month-first-date"],
)
def test_answers_that_match_no_record_are_refused_in_spanish(school_service, answers, errors):
    SchoolFactory(code="DEMO-042")

    with pytest.raises(ValidationError) as excinfo:
        clean_service_data(service=school_service, data=answers)

    assert excinfo.value.message_dict == errors


@pytest.mark.parametrize("typed", ["25/10/2016", "2016-10-25"])
def test_dates_are_asked_and_shown_back_as_dd_mm_aaaa(school_service, typed):
    # Whatever the browser's language, the field asks for dd/mm/aaaa, and a form shown again
    # after an error elsewhere keeps the date in that form.
    form = build_service_form(school_service)(data={"centro": "", "nacimiento": typed, "dui": ""})
    assert not form.is_valid()

    html = str(form["nacimiento"])

    assert 'type="text"' in html
    assert 'placeholder="dd/mm/aaaa"' in html
    assert 'inputmode="numeric"' in html
    assert 'value="25/10/2016"' in html


def test_stored_dates_are_shown_as_dd_mm_aaaa(school_service):
    fields = list(school_service.fields.all())

    answers = form_answers(fields, {"centro": "DEMO-042", "nacimiento": "2016-10-25"})

    assert [(a.label, a.value) for a in answers] == [
        ("Centro", "DEMO-042"),
        ("Nacimiento", "25/10/2016"),
    ]


def test_the_migration_switches_the_shipped_school_code_fields(queue, sla_policy):
    # Given a database where the shipped catalogue's school codes were still plain text (as
    # before this migration), and an administrator's own service with a similar key
    from django.apps import apps

    migration = importlib.import_module("helpdesk.migrations.0006_servicefield_school_type")
    shipped = ServiceField.objects.filter(field_type=FieldType.SCHOOL)
    shipped_ids = set(shipped.values_list("pk", flat=True))
    shipped.update(field_type=FieldType.TEXT)
    own = make_service(queue, sla_policy, code="servicio-propio")
    own.fields.all().delete()
    mine = ServiceField.objects.create(
        service=own, key="codigo_centro", label="Código", field_type=FieldType.TEXT, order=0
    )

    # When the data step runs
    migration.school_fields_forward(apps, None)

    # Then exactly the shipped school-code fields are checked against the registry again
    assert len(shipped_ids) == 6
    assert (
        set(ServiceField.objects.filter(field_type=FieldType.SCHOOL).values_list("pk", flat=True))
        == shipped_ids
    )
    mine.refresh_from_db()
    assert mine.field_type == FieldType.TEXT

    # and it can be undone
    migration.school_fields_backward(apps, None)
    assert not ServiceField.objects.filter(field_type=FieldType.SCHOOL).exists()
