"""Registration through the API: the same rules and answers as the pages."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from core.accounts.models import User
from notifications.models import OutboxMessage
from tests.factories import make_dui
from workflows.registration.models import RegistrationRequest

from .helpers import PASSWORD, applicant_data, emails, last_link, link_parts

pytestmark = pytest.mark.django_db


def api_register(client: Client, **overrides):
    data = applicant_data(**overrides)
    data["birth_date"] = data["birth_date"].isoformat()
    return client.post(reverse("v1:registration-create"), data, content_type="application/json")


def api_verify(client: Client, public_id: str, token: str):
    return client.post(
        reverse("v1:registration-verify"),
        {"public_id": public_id, "token": token},
        content_type="application/json",
    )


def test_register_and_verify_through_the_api(client):
    response = api_register(client, time_zone="America/Mexico_City")
    public_id, token = link_parts(last_link("registration_verify"))
    verified = api_verify(client, public_id, token)

    assert response.status_code == 202
    assert "recibirá un correo" in response.json()["detail"]
    assert verified.status_code == 200
    assert verified.json()["status"] == "active"
    user = User.objects.get(dui=make_dui(55_000_001))
    assert user.check_password(PASSWORD)
    assert user.time_zone == "America/Mexico_City"


def test_existing_account_gets_the_same_api_answer(client, make_user):
    owner = make_user(dui=make_dui(66_000_003))

    new = api_register(client, email="nuevo@example.sv")
    again = api_register(client, dui=owner.dui, email="otro@example.sv")

    assert (again.status_code, again.json()) == (new.status_code, new.json())
    assert not RegistrationRequest.objects.filter(dui=owner.dui).exists()
    assert [m.recipient_id for m in emails("registration_existing_account")] == [owner.person_id]


def test_wrong_check_digit_is_a_400_in_spanish_and_creates_nothing(client):
    response = api_register(client, dui="12345678-5")

    assert response.status_code == 400
    assert response.json()["dui"] == ["El DUI no es válido: el dígito verificador no corresponde."]
    assert RegistrationRequest.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_weak_password_is_a_400(client):
    response = api_register(client, password="12345678")

    assert response.status_code == 400
    assert "password" in response.json()
    assert RegistrationRequest.objects.count() == 0


def test_reused_and_forged_links_are_400_with_a_code(client):
    api_register(client)
    public_id, token = link_parts(last_link("registration_verify"))
    api_verify(client, public_id, token)

    reused = api_verify(client, public_id, token)
    forged = api_verify(client, public_id, "x" * 43)

    assert (reused.status_code, reused.json()["code"]) == (400, "used")
    assert (forged.status_code, forged.json()["code"]) == (400, "invalid")
    assert User.objects.count() == 1


def test_expired_link_is_a_400_and_expires_the_request(client, settings):
    settings.SIGES_REGISTRATION_LINK_TTL = timedelta(0)
    api_register(client)
    public_id, token = link_parts(last_link("registration_verify"))

    response = api_verify(client, public_id, token)

    assert (response.status_code, response.json()["code"]) == (400, "expired")
    assert RegistrationRequest.objects.get().status == "expired"
    assert User.objects.count() == 0


def test_terms_notice_can_be_read_and_accepted_through_the_api(client, citizen):
    client.force_login(citizen)

    before = client.get(reverse("v1:terms"))
    accepted = client.post(reverse("v1:terms"))

    assert before.json() == {"terms_accepted_at": None}
    assert accepted.status_code == 200
    citizen.refresh_from_db()
    assert citizen.terms_accepted_at is not None
    assert accepted.json()["terms_accepted_at"] is not None


def test_every_path_is_in_the_openapi_schema(client):
    response = client.get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/registration/",
        "/api/v1/registration/verify/",
        "/api/v1/terms/",
        "/api/v1/password-reset/",
        "/api/v1/password-reset/complete/",
        "/api/v1/account-reviews/",
        "/api/v1/account-reviews/{id}/",
        "/api/v1/account-reviews/{id}/approve/",
        "/api/v1/account-reviews/{id}/reject/",
        "/api/v1/diagrams/{slug}/",
        "/api/v1/diagrams/{slug}/{object_id}/",
    ]:
        assert path in paths, path
