"""Diagram pages and API: who opens them, what they show, the CSP they need, and that they work
with no Graphviz program on the server."""

import json
import re
import shutil

import pytest
from django.test import Client
from django.urls import reverse

from core.diagrams import diagram_for_app
from core.diagrams.dot import COLOUR_TAKEN
from tests.core.test_security_headers import assert_csp_clean
from tests.workflowapp.flows import ReviewFlow
from tests.workflows.registration.helpers import applicant_data, last_link, link_parts
from workflows.password_reset.models import PasswordResetRequest
from workflows.registration.services import registration_submit, registration_verify


def dot_source(html: str, source_id: str) -> str:
    """The DOT text a page hands to static/js/diagrams.js (its json_script block)."""
    match = re.search(
        rf'<script id="{source_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, f"no json_script block {source_id}"
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_pages_render_with_no_graphviz_program_on_the_path(
    client, make_user, monkeypatch, tmp_path
):
    # Given a server where no "dot" program can be found
    monkeypatch.setenv("PATH", str(tmp_path))
    assert shutil.which("dot") is None
    client.force_login(make_user(role="auditor"))

    # When an auditor opens a lifecycle
    response = client.get(reverse("diagrams:detail", args=["registro-de-cuentas"]))

    # Then the page carries the graph for the browser to draw, and its table
    assert response.status_code == 200
    html = response.content.decode()
    dot = dot_source(html, "diagrama-registro-de-cuentas-dot")
    assert dot.startswith("digraph lifecycle {")
    assert 'label="Correo de verificación enviado"' in dot
    assert 'data-diagram-source="diagrama-registro-de-cuentas-dot"' in html
    assert "<td>Correo de verificación enviado</td><td>verificar correo</td>" in html
    assert "/static/js/diagrams.js" in html
    assert "/static/vendor/viz-js/viz-global.js" in html
    assert "Graphviz («dot»)" not in html  # the old "install graphviz" message is gone
    assert_csp_clean(html)


@pytest.mark.django_db
def test_dot_download(client, make_user):
    client.force_login(make_user(role="technician"))

    response = client.get(reverse("diagrams:dot", args=["revision-de-cuentas"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/vnd.graphviz; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="revision-de-cuentas.gv"'
    assert response.content.decode().startswith("digraph lifecycle {")


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
    assert client.get(reverse("diagrams:dot", args=["registro-de-cuentas"])).status_code == 403
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
    dot = dot_source(html, f"diagrama-registro-de-cuentas-{registration.pk}-dot")
    assert COLOUR_TAKEN in dot  # the path is drawn
    assert html.count('class="is-taken"') == 3  # submitted → sent → verified → active


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
    assert body["dot"].startswith("digraph lifecycle {")
    assert "svg" not in body
    assert {"value": "active", "label": "Cuenta activa"} in body["states"]
    assert instance.status_code == 200
    assert instance.json()["current_state"] == "email_sent"
    assert COLOUR_TAKEN in instance.json()["dot"]
    assert [e["action"] for e in instance.json()["events"]] == [
        "registrationrequest.submitted",
        "registrationrequest.send_verification",
    ]


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


@pytest.fixture
def registered_flow(monkeypatch):
    """The test app's viewflow flow registered for the length of one test."""
    from core.diagrams import registry

    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    return registry.register_flow_diagram(slug="revision-de-prueba", flow_class=ReviewFlow)


@pytest.mark.django_db
def test_a_registered_flow_has_its_page_api_and_dot_like_a_lifecycle(
    client, make_user, registered_flow
):
    client.force_login(make_user(role="supervisor"))

    index = client.get(reverse("diagrams:index"))
    page = client.get(reverse("diagrams:detail", args=["revision-de-prueba"]))
    api = client.get(reverse("v1:diagram-detail", args=["revision-de-prueba"]))
    instance = client.get(reverse("diagrams:instance", args=["revision-de-prueba", "1"]))

    assert registered_flow.app_label == "workflowapp"
    assert diagram_for_app("workflowapp") == registered_flow
    assert 'href="/diagramas/revision-de-prueba/">Revisión de prueba</a>' in index.content.decode()
    assert page.status_code == 200
    dot = dot_source(page.content.decode(), "diagrama-reviewflow-dot")
    assert 'label="Review"' in dot
    assert "<td>Inicio</td><td>—</td><td>Review</td>" in page.content.decode()
    assert api.status_code == 200
    assert api.json()["states"] == [
        {"value": "start", "label": "Inicio"},
        {"value": "review", "label": "Review"},
        {"value": "end", "label": "Fin"},
    ]
    assert api.json()["dot"] == dot
    # A process's path is drawn on the pages that show processes, not here
    assert instance.status_code == 404
