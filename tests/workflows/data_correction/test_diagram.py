"""The process can be drawn: its steps in Spanish, every edge, and the path one request took
(what the process page highlights)."""

from django.urls import reverse

from core.diagrams import flow_graph
from core.processes.selectors import process_page_get_for
from workflows.data_correction.flows import DataCorrectionFlow

from .conftest import check, correction_of, decide, request_correction


def test_the_flow_is_drawable_with_its_steps_and_branches():
    graph = flow_graph(DataCorrectionFlow)

    assert dict(graph.states) == {
        "start": "Solicitud del ciudadano",
        "check_evidence": "Revisar el respaldo",
        "after_check": "¿Respaldo suficiente?",
        "approve": "Aprobar la corrección",
        "confirm": "Confirmar con el expediente escolar",
        "after_confirm": "¿Confirmado?",
        "director_approve": "Aprobación del director",
        "end": "Fin",
    }
    assert sorted((e.source, e.target) for e in graph.edges) == [
        ("after_check", "approve"),
        ("after_check", "check_evidence"),
        ("after_check", "confirm"),
        ("after_check", "end"),
        ("after_confirm", "director_approve"),
        ("after_confirm", "end"),
        ("approve", "end"),
        ("check_evidence", "after_check"),
        ("confirm", "after_confirm"),
        ("director_approve", "end"),
        ("start", "check_evidence"),
    ]


def test_the_process_page_knows_the_path_taken(
    requester, service, technician, ministry_officer, make_user
):
    process = correction_of(request_correction(requester, service))
    check(technician, process)
    decide(ministry_officer, process)

    page = process_page_get_for(actor=make_user(role="auditor"), pk=process.pk)

    assert page.taken == [
        ("start", "check_evidence"),
        ("check_evidence", "after_check"),
        ("after_check", "approve"),
        ("approve", "end"),
    ]
    assert page.current == []


def test_the_diagram_pages_list_and_draw_the_flow(client, service, technician):
    # Given a technician (who may open the diagram pages)
    client.force_login(technician)
    detail = reverse("diagrams:detail", kwargs={"slug": "correccion-de-datos-personales"})

    # When they open the list of diagrams, the process's diagram and its trámite
    index = client.get(reverse("diagrams:index")).content.decode()
    drawing = client.get(detail)
    tramite = client.get(reverse("helpdesk:service_detail", kwargs={"code": service.code}))

    # Then the list offers the process, its page draws it, and the trámite links to it
    assert f'href="{detail}"' in index
    assert "Corrección de datos personales" in index
    assert drawing.status_code == 200
    assert "Aprobación del director" in drawing.content.decode()
    assert tramite.status_code == 200
    assert f'href="{detail}"' in tramite.content.decode()
