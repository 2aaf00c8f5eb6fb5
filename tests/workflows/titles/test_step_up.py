"""Signing and countersigning need a fresh re-authentication on the task page: without it the
form is not shown and a POST changes nothing; with it the signature goes through."""

import pytest
from django.urls import reverse

from core.audit.models import AuditEvent
from core.workflow import task_action
from modules.documents.models import TitleRequest
from tests.core.accounts.helpers import mark_client_reauthenticated
from workflows.titles.flows import TitleFlow

from .conftest import confirm_step, open_task, request_titles, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(registrar, officer, section, graduates, signatories):
    process = request_titles(registrar, section)
    verify(officer, process)
    return process


def _state(process):
    request = TitleRequest.objects.get(pk=process.title_request_id)
    task = open_task(process, TitleFlow.sign)
    return (request.signed_by_id, task.status, AuditEvent.objects.filter(
        action="title_request.signed").count())  # fmt: skip


def test_signing_refused_without_fresh_reauthentication(client, director, confirmed):
    task = open_task(confirmed, TitleFlow.sign)
    task_action(actor=director, task=task, action="assign")
    client.force_login(director)
    before = _state(confirmed)
    page = client.get(reverse("process:task", args=[task.pk]))
    assert page.status_code == 302
    assert reverse("accounts:step_up") in page["Location"]
    response = client.post(
        reverse("process:task_action", args=[task.pk]), {"accion": "execute", "confirm": "on"}
    )
    assert response.status_code == 302
    assert reverse("accounts:step_up") in response["Location"]
    assert _state(confirmed) == before == (None, "ASSIGNED", 0)


def test_stale_reauthentication_is_refused(client, director, confirmed):
    task = open_task(confirmed, TitleFlow.sign)
    task_action(actor=director, task=task, action="assign")
    client.force_login(director)
    mark_client_reauthenticated(client, director, seconds_ago=3600)
    before = _state(confirmed)
    client.post(
        reverse("process:task_action", args=[task.pk]), {"accion": "execute", "confirm": "on"}
    )
    assert _state(confirmed) == before


def test_signing_after_reauthentication(client, director, confirmed):
    task = open_task(confirmed, TitleFlow.sign)
    task_action(actor=director, task=task, action="assign")
    client.force_login(director)
    mark_client_reauthenticated(client, director)
    response = client.post(
        reverse("process:task_action", args=[task.pk]), {"accion": "execute", "confirm": "on"}
    )
    assert response.status_code == 302
    request = TitleRequest.objects.get(pk=confirmed.title_request_id)
    assert request.signed_by_id == director.pk


def test_countersign_asks_for_it_too(client, director, authenticator, confirmed):
    confirm_step(director, confirmed, TitleFlow.sign)
    task = open_task(confirmed, TitleFlow.countersign)
    task_action(actor=authenticator, task=task, action="assign")
    client.force_login(authenticator)
    response = client.post(
        reverse("process:task_action", args=[task.pk]), {"accion": "execute", "confirm": "on"}
    )
    assert reverse("accounts:step_up") in response["Location"]
    request = TitleRequest.objects.get(pk=confirmed.title_request_id)
    assert request.countersigned_by_id is None
