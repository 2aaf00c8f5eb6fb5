"""How pages and the API answer the one transition path's refusals: 409 with the reason, 403."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.audit.models import AuditEvent
from tests.workflowapp.models import Permit, PermitStatus

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.workflowapp.urls")]

REASON = "La acción «Aprobar» no es posible en el estado «Borrador»."


def status_of(permit: Permit) -> str:
    return Permit.objects.values_list("status", flat=True).get(pk=permit.pk)


# --- HTML pages (core.middleware.DomainErrorMiddleware) --------------------------------------


def test_page_answers_409_with_the_reason_when_the_transition_is_not_possible(
    client, director, draft_permit
):
    client.force_login(director)
    events_before = AuditEvent.objects.count()

    response = client.post(reverse("test-permit-approve", args=[draft_permit.pk]))

    assert response.status_code == 409
    assert response.templates[0].name == "409.html"
    assert REASON in response.content.decode()
    assert status_of(draft_permit) == PermitStatus.DRAFT
    assert AuditEvent.objects.count() == events_before


def test_page_answers_403_when_the_actor_may_not_fire_the_transition(
    client, requester, submitted_permit
):
    client.force_login(requester)

    response = client.post(reverse("test-permit-approve", args=[submitted_permit.pk]))

    assert response.status_code == 403
    assert status_of(submitted_permit) == PermitStatus.SUBMITTED


def test_page_fires_an_allowed_transition(client, director, submitted_permit):
    client.force_login(director)

    response = client.post(reverse("test-permit-approve", args=[submitted_permit.pk]))

    assert response.status_code == 200
    assert response.content.decode() == "Aprobada"
    assert status_of(submitted_permit) == PermitStatus.APPROVED


# --- API (core.api.exception_handler) ---------------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


def test_api_answers_409_json_with_the_reason(api, director, draft_permit):
    api.force_authenticate(director)

    response = api.post(reverse("test-permit-approve-api", args=[draft_permit.pk]))

    assert response.status_code == 409
    assert response.json() == {"detail": REASON, "code": "transition_not_allowed"}
    assert status_of(draft_permit) == PermitStatus.DRAFT


def test_api_answers_403_when_the_actor_may_not_fire_the_transition(
    api, requester, submitted_permit
):
    api.force_authenticate(requester)

    response = api.post(reverse("test-permit-approve-api", args=[submitted_permit.pk]))

    assert response.status_code == 403
    assert status_of(submitted_permit) == PermitStatus.SUBMITTED


def test_api_fires_an_allowed_transition(api, director, submitted_permit):
    api.force_authenticate(director)

    response = api.post(reverse("test-permit-approve-api", args=[submitted_permit.pk]))

    assert response.status_code == 200
    assert response.json() == {"status": "approved"}
    assert status_of(submitted_permit) == PermitStatus.APPROVED
