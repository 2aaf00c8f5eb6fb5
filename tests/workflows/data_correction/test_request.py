"""Who a correction may be about: the requester, or a student in their guardian scope. Anything
else is refused on the form with a Spanish message, and nothing is saved."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient
from viewflow.workflow.models import Process

from core.accounts.choices import Role, ScopeKind
from core.accounts.services import role_grant
from helpdesk.models import Attachment, Ticket
from tests.factories import PersonFactory, SchoolFactory
from workflows.data_correction.models import DataCorrection

from .conftest import answers, correction_of, evidence, request_correction


def _nothing_saved():
    return (Ticket.objects.count(), Process.objects.count(), Attachment.objects.count())


def _refused(requester, service, **overrides) -> dict[str, list[str]]:
    before = _nothing_saved()
    with pytest.raises(ValidationError) as excinfo:
        request_correction(requester, service, **overrides)
    assert _nothing_saved() == before
    return excinfo.value.message_dict


def test_a_guardian_asks_for_their_child(guardian, child, service, school):
    ticket = request_correction(
        guardian,
        service,
        registro="estudiante",
        dato="nacimiento",
        valor_actual="14/03/2016",
        valor_correcto="15/03/2016",
        codigo_centro=school.code.lower(),
    )

    process = correction_of(ticket)
    assert process.person_id == child.pk
    assert process.school_id == school.pk
    assert process.department_id == school.municipality.department_id
    assert (process.current_value, process.requested_value) == ("2016-03-14", "2016-03-15")


def test_a_guardian_of_several_children_names_the_student(guardian, child, service, school):
    other = PersonFactory(dui=None, first_names="Mateo", last_names="Hernández Rivas")
    role_grant(user=guardian, role=Role.GUARDIAN, scope_kind=ScopeKind.PERSON, target=other)
    data = {"registro": "estudiante", "codigo_centro": school.code}

    errors = _refused(guardian, service, **data)
    assert errors == {
        "nombre_estudiante": [
            "Tiene más de un estudiante a su cargo: escriba el nombre completo del estudiante."
        ]
    }

    ticket = request_correction(
        guardian, service, nombre_estudiante="mateo  hernandez rivas", **data
    )
    assert correction_of(ticket).person_id == other.pk


def test_someone_elses_child_is_refused(guardian, service, school):
    errors = _refused(
        guardian,
        service,
        registro="estudiante",
        nombre_estudiante="Ana Pérez",
        codigo_centro=school.code,
    )
    assert errors == {
        "nombre_estudiante": [
            "No hay un estudiante con ese nombre a su cargo. Escríbalo como aparece ahora en SIGES."
        ]
    }


def test_a_student_correction_by_someone_who_is_not_a_guardian_is_refused(
    requester, service, school
):
    errors = _refused(requester, service, registro="estudiante", codigo_centro=school.code)
    assert errors == {
        "registro": [
            "Solo la madre, el padre o el responsable registrado en SIGES puede pedir la "
            "corrección de los datos de un estudiante."
        ]
    }


def test_another_adults_dui_is_refused(requester, service, make_user):
    other = make_user()
    errors = _refused(requester, service, dui=other.dui)
    assert errors == {
        "dui": [
            "Solo puede pedir la corrección de sus propios datos o de un estudiante a su cargo. "
            "La persona de ese DUI debe hacer el trámite con su cuenta."
        ]
    }
    other.person.refresh_from_db()
    assert DataCorrection.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"registro": "estudiante"},
            {"codigo_centro": ["Escriba el código del centro educativo del estudiante."]},
        ),
        (
            {"codigo_centro": "NO-EXISTE"},
            {"codigo_centro": ["No hay un centro educativo activo con el código «NO-EXISTE»."]},
        ),
        (
            {"dato": "nacimiento", "valor_correcto": "31/02/2010"},
            {"valor_correcto": ["Escriba la fecha como día/mes/año, por ejemplo 14/03/2016."]},
        ),
        (
            {"dato": "nacimiento", "valor_correcto": "01/01/2999"},
            {"valor_correcto": ["Esa fecha de nacimiento no es posible."]},
        ),
        (
            {"dato": "sexo", "valor_correcto": "otro"},
            {"valor_correcto": ["Escriba «Femenino» o «Masculino»."]},
        ),
        (
            {"valor_correcto": "  Carmen   Elena "},
            {"valor_correcto": ["El registro ya tiene ese dato; no hay nada que corregir."]},
        ),
        (
            {"registro": "docente"},
            {"registro": ["Su cuenta no tiene un registro de docente; elija «Mis propios datos»."]},
        ),
    ],
)
def test_bad_answers_are_refused_on_the_form(guardian, requester, service, overrides, errors):
    who = guardian if overrides.get("registro") == "estudiante" else requester
    assert _refused(who, service, **overrides) == errors


def test_sex_and_dates_are_read_as_people_write_them(requester, service):
    ticket = request_correction(requester, service, dato="sexo", valor_correcto="masculino")
    assert correction_of(ticket).requested_value == "M"


def test_the_api_refuses_a_request_about_someone_else_by_field(requester, service, make_user):
    other = make_user()
    api = APIClient()
    api.force_authenticate(requester)
    before = _nothing_saved()

    response = api.post(
        reverse("v1:helpdesk-tickets"),
        {
            "service": service.code,
            "data": json.dumps(answers(dui=other.dui)),
            "respaldo": evidence(),
        },
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json() == {
        "dui": [
            "Solo puede pedir la corrección de sus propios datos o de un estudiante a su cargo. "
            "La persona de ese DUI debe hacer el trámite con su cuenta."
        ]
    }
    assert _nothing_saved() == before


def test_a_teacher_names_a_school_they_teach_at(requester, service, school, teacher):
    # Given a teacher of another school
    other = SchoolFactory(code="CE-0202")
    role_grant(user=requester, role=Role.TEACHER, scope_kind=ScopeKind.SCHOOL, target=other)

    errors = _refused(requester, service, registro="docente", codigo_centro=school.code)

    assert errors == {
        "codigo_centro": [f"Usted no figura como docente del centro «{school.code}»."]
    }
    ticket = request_correction(requester, service, registro="docente", codigo_centro=other.code)
    process = correction_of(ticket)
    assert (process.school_id, process.department_id) == (
        other.pk,
        other.municipality.department_id,
    )
