"""Workflow diagrams: the graph read from django-fsm, SVG drawings, pages and API."""

import shutil

import graphviz
import pytest
from django.test import Client
from django.urls import reverse

from core import diagrams
from tests.workflows.registration.helpers import applicant_data, last_link, link_parts
from workflows.password_reset.models import PasswordResetRequest
from workflows.registration.models import RegistrationRequest
from workflows.registration.services import registration_submit, registration_verify

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="needs Graphviz's dot: apt-get install -y graphviz",
)


def test_graph_of_the_registration_lifecycle():
    graph = diagrams.fsm_graph(RegistrationRequest, "status")

    states = dict(graph.states)
    assert states["email_sent"] == "Correo de verificación enviado"
    edges = {(e.source, e.target, e.label) for e in graph.edges}
    assert ("submitted", "email_sent", "enviar enlace") in edges
    assert ("email_sent", "email_verified", "verificar correo") in edges
    assert ("identity_review", "active", "aprobar identidad") in edges
    assert ("identity_review", "rejected", "rechazar identidad") in edges
    # One edge per source of a multi-source transition.
    assert ("submitted", "expired", "vencer") in edges
    assert ("email_sent", "expired", "vencer") in edges
    assert graph.final_states == {"active", "rejected", "expired"}


def test_every_registered_lifecycle_is_listed():
    slugs = [d.slug for d in diagrams.diagram_list()]

    assert "registro-de-cuentas" in slugs
    assert "recuperacion-de-contrasena" in slugs
    assert "revision-de-cuentas" in slugs


def test_registering_a_field_that_is_not_fsm_fails():
    with pytest.raises(TypeError):
        diagrams.register_diagram(slug="x", model=RegistrationRequest, field="email", title="x")


@needs_dot
def test_definition_svg_is_inline_ready_and_labelled_in_spanish():
    svg = diagrams.definition_svg(diagrams.diagram_get("recuperacion-de-contrasena"))

    assert svg.startswith('<svg class="diagram-svg" role="img"')
    assert "<?xml" not in svg
    assert 'width="' not in svg.split(">", 1)[0]  # scales with the page
    assert "En recuperación de acceso" in svg
    assert "cambiar contraseña" in svg


@needs_dot
def test_instance_svg_highlights_the_path_taken():
    graph = diagrams.fsm_graph(RegistrationRequest, "status")

    plain = diagrams.render_svg(graph)
    highlighted = diagrams.render_svg(
        graph, taken=[("submitted", "email_sent")], current="email_sent"
    )

    assert diagrams._COLOUR_TAKEN not in plain
    assert diagrams._COLOUR_TAKEN in highlighted


def test_missing_dot_gives_a_spanish_message_not_a_500(monkeypatch, db, make_user):
    def no_dot(*args, **kwargs):
        raise graphviz.ExecutableNotFound(("dot",))

    monkeypatch.setattr(graphviz.Digraph, "pipe", no_dot)
    client = Client()
    client.force_login(make_user(role="auditor"))

    page = client.get(reverse("diagrams:detail", args=["registro-de-cuentas"]))
    file = client.get(reverse("diagrams:svg", args=["registro-de-cuentas"]))

    assert page.status_code == 200
    assert "falta el programa Graphviz" in page.content.decode()
    assert "<svg" not in page.content.decode()
    assert file.status_code == 503


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["auditor", "technician", "supervisor", "administrator"])
def test_staff_roles_open_the_pages(client, make_user, role):
    client.force_login(make_user(role=role))

    assert client.get(reverse("diagrams:index")).status_code == 200
    response = client.get(reverse("diagrams:detail", args=["registro-de-cuentas"]))

    assert response.status_code == 200
    assert "Registro de cuentas" in response.content.decode()


@pytest.mark.django_db
def test_others_are_refused(client, citizen):
    anonymous = Client().get(reverse("diagrams:index"))
    client.force_login(citizen)

    assert anonymous.status_code == 302
    assert client.get(reverse("diagrams:index")).status_code == 403
    assert client.get(reverse("diagrams:detail", args=["registro-de-cuentas"])).status_code == 403
    api = client.get(reverse("v1:diagram-detail", args=["registro-de-cuentas"]))
    assert api.status_code == 403


@pytest.mark.django_db
def test_unknown_lifecycle_or_record_is_404(client, make_user):
    client.force_login(make_user(role="auditor"))

    assert client.get(reverse("diagrams:detail", args=["no-existe"])).status_code == 404
    missing = reverse("diagrams:instance", args=["registro-de-cuentas", "999999"])
    assert client.get(missing).status_code == 404
    garbage = reverse("diagrams:instance", args=["registro-de-cuentas", "abc"])
    assert client.get(garbage).status_code == 404


@needs_dot
@pytest.mark.django_db
def test_instance_page_shows_the_history_from_the_audit_chain(client, make_user):
    registration = registration_submit(**applicant_data())
    public_id, token = link_parts(last_link("registration_verify"))
    registration_verify(public_id=public_id, token=token)
    client.force_login(make_user(role="auditor"))

    response = client.get(
        reverse("diagrams:instance", args=["registro-de-cuentas", registration.pk])
    )

    assert response.status_code == 200
    html = response.content.decode()
    for action in (
        "registrationrequest.submitted",
        "registrationrequest.send_verification",
        "registrationrequest.verify_email",
        "registrationrequest.activate",
    ):
        assert action in html
    assert "Cuenta activa" in html  # current state
    assert diagrams._COLOUR_TAKEN in html  # the path is drawn


@needs_dot
@pytest.mark.django_db
def test_api_returns_the_definition_and_an_instance(client, make_user):
    registration = registration_submit(**applicant_data())
    client.force_login(make_user(role="auditor"))

    definition = client.get(reverse("v1:diagram-detail", args=["registro-de-cuentas"]))
    instance = client.get(
        reverse("v1:diagram-instance", args=["registro-de-cuentas", registration.pk])
    )

    assert definition.status_code == 200
    body = definition.json()
    assert body["svg"].startswith("<svg")
    assert {"value": "active", "label": "Cuenta activa"} in body["states"]
    assert instance.status_code == 200
    assert instance.json()["current_state"] == "email_sent"
    assert [e["action"] for e in instance.json()["events"]] == [
        "registrationrequest.submitted",
        "registrationrequest.send_verification",
    ]


@needs_dot
@pytest.mark.django_db
def test_password_reset_instance_page(client, make_user):
    account = make_user()
    Client().post("/recuperar-acceso/", {"identifier": account.dui})
    reset = PasswordResetRequest.objects.get()
    client.force_login(make_user(role="technician"))

    response = client.get(
        reverse("diagrams:instance", args=["recuperacion-de-contrasena", reset.pk])
    )

    assert response.status_code == 200
    assert "passwordresetrequest.send_link" in response.content.decode()
