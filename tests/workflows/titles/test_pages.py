"""The registrar's pages (start, request by section, reprint or annul), a request's page with
its progress, and the auditors' list with filters and CSV export (query counts at two sizes)."""

import pytest
from django.urls import reverse

from core.accounts.choices import Role
from modules.documents.choices import RequestStatus
from modules.documents.models import TitleRequest
from workflows.titles.models import TitleProcess

from .conftest import NAMES, enroll, request_titles

pytestmark = pytest.mark.django_db


def test_registrar_requests_from_the_section_page(
    client, registrar, section, graduates, signatories
):
    client.force_login(registrar)
    home = client.get(reverse("titles:home"))
    assert home.status_code == 200
    assert reverse("titles:request_graduates", args=[section.pk]) in home.content.decode()
    page = client.get(reverse("titles:request_graduates", args=[section.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("titles:request_graduates", args=[section.pk]),
        {"students": [str(s.pk) for s in graduates[:2]]},
    )
    request = TitleRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("titles:request", args=[request.pk])
    assert request.items.count() == 2
    assert TitleProcess.objects.filter(title_request=request).exists()
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert request.number in detail.content.decode()


def test_refused_request_shows_the_reason_and_saves_nothing(
    client, registrar, director, section, graduates, signatories
):
    failed = enroll(director, section, [("Luis Alberto", "Mena Cruz")], promoted=False)[0]
    client.force_login(registrar)
    response = client.post(
        reverse("titles:request_graduates", args=[section.pk]), {"students": [str(failed.pk)]}
    )
    assert response.status_code == 400
    assert "Luis Alberto Mena Cruz" in response.content.decode()
    assert not TitleRequest.objects.exists()
    # A tampered id is a form error, never a 500
    response = client.post(
        reverse("titles:request_graduates", args=[section.pk]), {"students": ["nope"]}
    )
    assert response.status_code == 400
    assert not TitleRequest.objects.exists()


def test_pages_refuse_other_roles(client, director, section):
    client.force_login(director)
    assert client.get(reverse("titles:home")).status_code == 403
    assert client.get(reverse("titles:request_graduates", args=[section.pk])).status_code == 403
    assert client.get(reverse("titles:list")).status_code == 403


def test_progress_endpoint(client, registrar, section, graduates, signatories):
    process = request_titles(registrar, section)
    client.force_login(registrar)
    body = client.get(reverse("titles:progress", args=[process.title_request_id])).json()
    assert body["status"] == RequestStatus.SENT
    assert (body["done"], body["total"], body["percent"]) == (0, 0, 0)


def _requests(registrar, director, section, count):
    for index in range(count):
        students = enroll(director, section, [(f"Graduado{index}", "Prueba")])
        request_titles(registrar, section, student_ids=[s.pk for s in students])


@pytest.mark.parametrize("count", [2, 7])
def test_auditor_list_and_csv(
    client, make_user, registrar, director, section, signatories, count,
    django_assert_num_queries,
):  # fmt: skip
    _requests(registrar, director, section, count)
    auditor = make_user(role=Role.AUDITOR)
    client.force_login(auditor)
    client.get(reverse("titles:list"))  # the session and grants are loaded once
    # user (the session comes from the cache), grants, the inbox badge of the page shell, the
    # paginator's count and the page of rows (one query with its joins): the same at any
    # number of requests
    with django_assert_num_queries(5):
        response = client.get(reverse("titles:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("/titulos/solicitudes/") >= count
    filtered = client.get(reverse("titles:list"), {"estado": "sent", "centro": "CE-7001"})
    assert filtered.status_code == 200
    assert client.get(reverse("titles:list"), {"anio": "x' OR 1=1"}).status_code == 200
    export = client.get(reverse("titles:list"), {"formato": "csv"})
    assert export.status_code == 200
    lines = b"".join(export.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == count + 1
    assert lines[0].startswith("Solicitud,Tipo,Estado")
    assert NAMES
