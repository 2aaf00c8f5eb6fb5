"""Diagram graphs and their DOT text: django-fsm lifecycles and viewflow flows, with paths."""

import pytest
from django.db import transaction

from core import diagrams
from core.diagrams.dot import COLOUR_CURRENT, COLOUR_TAKEN, quote, to_dot
from tests.workflowapp.flows import ReviewFlow
from workflows.registration.models import RegistrationRequest


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


def test_every_registered_lifecycle_is_listed_including_the_help_desk_cases():
    slugs = [d.slug for d in diagrams.diagram_list()]

    # By title; the data-correction, HR, title and school-budget processes are flows (their
    # apps.py register them), next to the lifecycles
    assert slugs == [
        "casos-de-la-mesa-de-ayuda",
        "correccion-de-datos-personales",
        "correccion-de-expediente-docente",
        "emision-de-titulos",
        "presupuesto-escolar-estados",
        "presupuesto-escolar",
        "recuperacion-de-contrasena",
        "registro-de-cuentas",
        "revision-de-cuentas",
        "licencia-docente",
        "solicitud-de-titulos",
        "titulo-emitido",
    ]
    assert diagrams.diagram_for_object_type("helpdesk.ticket").slug == slugs[0]
    assert diagrams.diagram_for_object_type("no.existe") is None


def test_registering_a_field_that_is_not_fsm_fails():
    with pytest.raises(TypeError):
        diagrams.register_diagram(slug="x", model=RegistrationRequest, field="email", title="x")


def test_dot_quotes_any_label():
    assert quote('dice "hola"\\ya\nfin') == '"dice \\"hola\\"\\\\ya\\nfin"'


def test_lifecycle_dot_names_every_state_and_transition_in_spanish():
    diagram = diagrams.lifecycle_diagram(diagrams.diagram_get("recuperacion-de-contrasena"))

    assert diagram.dot.startswith("digraph lifecycle {\n")
    assert diagram.dot.rstrip().endswith("}")
    assert 'label="En recuperación de acceso"' in diagram.dot
    assert 'label="cambiar contraseña"' in diagram.dot
    assert "start -> n0;" in diagram.dot  # the initial state's marker
    assert COLOUR_TAKEN not in diagram.dot  # a definition has no path
    assert diagram.source_id == "diagrama-recuperacion-de-contrasena-dot"
    assert [row.taken for row in diagram.rows] == [False] * len(diagram.rows)


def test_instance_dot_highlights_the_path_taken_and_the_current_state():
    graph = diagrams.fsm_graph(RegistrationRequest, "status")

    plain = to_dot(graph)
    highlighted = to_dot(graph, taken=[("submitted", "email_sent")], current="email_sent")

    assert COLOUR_TAKEN not in plain
    ids = {value: f"n{index}" for index, (value, _label) in enumerate(graph.states)}
    taken_edge = next(
        line
        for line in highlighted.splitlines()
        if f"{ids['submitted']} -> {ids['email_sent']}" in line
    )
    assert f'color="{COLOUR_TAKEN}"' in taken_edge
    current = next(
        line for line in highlighted.splitlines() if line.startswith(f"  {ids['email_sent']} [")
    )
    assert f'fillcolor="{COLOUR_CURRENT}"' in current
    assert 'class="estado actual"' in current


def test_flow_graph_reads_the_viewflow_nodes_and_edges():
    graph = diagrams.flow_graph(ReviewFlow)

    assert [value for value, _label in graph.states] == ["start", "review", "end"]
    assert graph.labels == {"start": "Inicio", "review": "Review", "end": "Fin"}
    assert graph.kinds == {"start": "start", "review": "task", "end": "end"}
    assert {(e.source, e.target) for e in graph.edges} == {("start", "review"), ("review", "end")}


def test_flow_diagram_draws_the_definition_and_a_run():
    definition = diagrams.flow_diagram(ReviewFlow)
    run = diagrams.flow_diagram(ReviewFlow, path=["start", "review"], current=["review"])

    assert definition.title == "Revisión de prueba"
    assert COLOUR_TAKEN not in definition.dot
    assert definition.caption == ""
    assert [(r.source, r.target, r.taken) for r in run.rows] == [
        ("Inicio", "Review", True),
        ("Review", "Fin", False),
    ]
    review = next(line for line in run.dot.splitlines() if 'label="Review"' in line)
    assert f'fillcolor="{COLOUR_CURRENT}"' in review
    assert run.caption == "En azul, el camino recorrido y los pasos en curso."


@pytest.mark.django_db
def test_process_diagram_reads_the_path_from_the_process_tasks(django_assert_num_queries):
    with transaction.atomic():
        process = ReviewFlow.start.run(title="Prueba")

    # The tasks, then their ``previous`` links (one prefetch).
    with django_assert_num_queries(2):
        diagram = diagrams.process_diagram(process)

    assert [(r.source, r.target, r.taken) for r in diagram.rows] == [
        ("Inicio", "Review", True),
        ("Review", "Fin", False),
    ]
    review = next(line for line in diagram.dot.splitlines() if 'label="Review"' in line)
    assert 'class="estado actual"' in review
