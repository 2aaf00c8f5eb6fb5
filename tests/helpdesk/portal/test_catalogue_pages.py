"""The public catalogue of trámites and a service's page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from helpdesk.choices import FieldType
from helpdesk.models import Service, ServiceField
from tests.helpdesk.conftest import make_queue, make_service

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("helpdesk:catalogue")


def test_anonymous_visitors_browse_the_catalogue_grouped_by_area(client, service, sla_policy):
    # Given a second area with its own service, and an inactive service
    other_queue = make_queue("titulos")
    make_service(other_queue, sla_policy, code="reposicion", description="Su título perdido.")
    make_service(service.queue, sla_policy, code="viejo", is_active=False)

    # When an anonymous visitor opens the catalogue
    response = client.get(CATALOGUE)

    # Then both areas are shown with their services, and the inactive one is not
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [g["queue"].code for g in groups] == ["pruebas", "titulos"]
    assert [[i.service.code for i in g["items"]] for g in groups] == [["consulta"], ["reposicion"]]
    body = response.content.decode()
    assert "Servicio viejo" not in body
    assert "Su título perdido." in body
    # Expected times in business terms (2 h to first response, 9 h = one working day)
    assert "Respuesta en 2 horas hábiles · solución en 1 día hábil" in body
    # Requesting needs login: the button goes to the login page and back to the form
    request_url = reverse("helpdesk:request_create", args=["consulta"])
    assert f'href="/cuentas/ingresar/?next={request_url}"' in body


def test_search_ignores_case_and_accents(client, service, sla_policy):
    make_service(service.queue, sla_policy, code="reposicion-titulo")
    Service.objects.filter(code="reposicion-titulo").update(name="Reposición de título")

    response = client.get(CATALOGUE, {"q": "REPOSICION titulo"})

    assert response.status_code == 200
    items = [i.service.code for g in response.context["groups"] for i in g["items"]]
    assert items == ["reposicion-titulo"]
    assert "1 trámite encontrado." in response.content.decode()


def test_search_without_results_says_so(client, service):
    response = client.get(CATALOGUE, {"q": "pasaporte"})
    assert response.context["groups"] == []
    assert "Ningún trámite coincide con su búsqueda." in response.content.decode()


def test_signed_in_people_see_which_services_they_may_request(make_user, service, sla_policy):
    # Given a service for teachers only
    make_service(
        service.queue, sla_policy, code="licencia", any_citizen=False, allowed_roles=["teacher"]
    )
    citizen = make_user(role="citizen")
    client = Client()
    client.force_login(citizen)

    response = client.get(CATALOGUE)

    allowed = {
        i.service.code: i.can_request for g in response.context["groups"] for i in g["items"]
    }
    assert allowed == {"consulta": True, "licencia": False}
    body = response.content.decode()
    assert f'href="{reverse("helpdesk:request_create", args=["consulta"])}"' in body
    assert reverse("helpdesk:request_create", args=["licencia"]) not in body
    assert "Este trámite no está disponible para su cuenta." in body


def _add_services(queue, policy, count: int) -> None:
    for n in range(count):
        make_service(queue, policy, code=f"extra-{n}")


@pytest.mark.parametrize("extra", [0, 7])
def test_catalogue_runs_a_fixed_number_of_queries(
    client, service, sla_policy, extra, django_assert_num_queries
):
    # Given 1 or 8 services in two areas
    _add_services(make_queue("otra"), sla_policy, extra)
    # 2 queries whatever the size: the services (queue and policy joined) and the policies'
    # per-priority targets (prefetch). Anonymous: no session, user or grants are read.
    with django_assert_num_queries(2):
        response = client.get(CATALOGUE)
    assert response.status_code == 200
    assert sum(len(g["items"]) for g in response.context["groups"]) == 1 + extra


@pytest.mark.parametrize("extra", [0, 7])
def test_catalogue_for_a_signed_in_citizen_runs_a_fixed_number_of_queries(
    requester_client, service, sla_policy, extra, django_assert_num_queries
):
    _add_services(make_queue("otra"), sla_policy, extra)
    # 8 queries whatever the size: the services (the session comes from the cache), the
    # policies' per-priority targets, the user, the user's grants (read once for every "may
    # request" check and the navigation), the unread inbox count, and the session's activity
    # stamp (savepoint, update, release).
    with django_assert_num_queries(8):
        response = requester_client.get(CATALOGUE)
    assert response.status_code == 200


def test_a_service_page_lists_its_fields_and_expected_times(client, service):
    ServiceField.objects.create(
        service=service,
        key="telefono",
        label="Teléfono de contacto",
        field_type=FieldType.PHONE,
        required=False,
        help_text="Para llamarle si hace falta.",
        order=2,
    )

    response = client.get(reverse("helpdesk:service_detail", args=["consulta"]))

    assert response.status_code == 200
    body = response.content.decode()
    assert '<h1 id="titulo-servicio">Servicio consulta</h1>' in body
    assert "<li>Detalle</li>" in body
    assert (
        '<li>Teléfono de contacto <span class="muted">(opcional)</span> '
        '<span class="muted">· Para llamarle si hace falta.</span></li>'
    ) in body
    assert "<dd>Respuesta en 2 horas hábiles</dd>" in body
    assert "<dd>Solución en 1 día hábil</dd>" in body
    assert "Ingresar para solicitar" in body
    assert "Proceso que inicia" not in body


def test_a_service_page_names_its_workflow_and_links_the_diagram_for_staff(
    client, make_user, queue, sla_policy
):
    make_service(queue, sla_policy, code="alta-de-cuenta", workflow_key="registration")
    url = reverse("helpdesk:service_detail", args=["alta-de-cuenta"])
    diagram = reverse("diagrams:detail", args=["registro-de-cuentas"])
    technician = Client()
    technician.force_login(make_user(role="technician"))

    public = client.get(url).content.decode()
    staff = technician.get(url).content.decode()

    assert "<dd>Registro de cuentas</dd>" in public
    assert diagram not in public
    assert f'Registro de cuentas · <a href="{diagram}">Ver el diagrama del proceso</a>' in staff


def test_an_inactive_or_unknown_service_page_answers_404(client, service):
    service.is_active = False
    service.save(update_fields=["is_active"])

    assert client.get(reverse("helpdesk:service_detail", args=["consulta"])).status_code == 404
    assert client.get("/tramites/no-existe/").status_code == 404


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (0.5, "30 minutos hábiles"),
        (1, "1 hora hábil"),
        (4, "4 horas hábiles"),
        (9, "1 día hábil"),
        (27, "3 días hábiles"),
        (13, "1 día hábil y 4 horas hábiles"),
        (11.5, "1 día hábil y 2,5 horas hábiles"),
    ],
)
def test_business_durations_read_in_working_days(hours, expected):
    from core.durations import business_duration

    assert business_duration(timedelta(hours=hours)) == expected
