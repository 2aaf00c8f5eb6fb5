"""Rate limits on registration, reset and link verification (pages and API share a budget)."""

import pytest
from django.urls import reverse

from notifications.models import OutboxMessage
from workflows.password_reset.models import PasswordResetRequest
from workflows.registration.models import RegistrationRequest

from .helpers import applicant_data, form_data, last_link, link_parts

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "registration": "2/hour",
            "password_reset": "2/hour",
            "verification": "2/hour",
        },
    }


def test_third_registration_page_post_in_the_window_is_429_and_creates_nothing(client, low_rates):
    for n in range(2):
        response = client.post(reverse("registration:register"), form_data(email=f"a{n}@x.sv"))
        assert response.status_code == 302
    counts = (RegistrationRequest.objects.count(), OutboxMessage.objects.count())

    response = client.post(reverse("registration:register"), form_data(email="a3@x.sv"))

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Demasiados intentos" in response.content.decode()
    assert (RegistrationRequest.objects.count(), OutboxMessage.objects.count()) == counts


def test_pages_and_api_share_the_registration_budget(client, low_rates):
    client.post(reverse("registration:register"), form_data(email="a@x.sv"))
    data = applicant_data(email="b@x.sv")
    data["birth_date"] = data["birth_date"].isoformat()
    client.post(reverse("v1:registration-create"), data, content_type="application/json")
    before = RegistrationRequest.objects.count()

    response = client.post(
        reverse("v1:registration-create"),
        {**data, "email": "c@x.sv"},
        content_type="application/json",
    )

    assert response.status_code == 429
    assert RegistrationRequest.objects.count() == before == 2  # a (superseded by b) and b


def test_reading_the_form_does_not_count(client, low_rates):
    for _ in range(5):
        assert client.get(reverse("registration:register")).status_code == 200

    assert client.post(reverse("registration:register"), form_data()).status_code == 302


def test_third_reset_request_is_429_and_creates_nothing(client, low_rates, make_user):
    user = make_user()
    for _ in range(2):
        client.post(reverse("password_reset:request"), {"identifier": user.dui})
    counts = (PasswordResetRequest.objects.count(), OutboxMessage.objects.count())

    page = client.post(reverse("password_reset:request"), {"identifier": user.dui})
    api = client.post(
        reverse("v1:password-reset-request"),
        {"identifier": user.dui},
        content_type="application/json",
    )

    assert (page.status_code, api.status_code) == (429, 429)
    assert (PasswordResetRequest.objects.count(), OutboxMessage.objects.count()) == counts


def test_third_verification_attempt_is_429_and_changes_nothing(client, low_rates):
    client.post(reverse("registration:register"), form_data())
    public_id, token = link_parts(last_link("registration_verify"))
    for _ in range(2):
        client.post(reverse("v1:registration-verify"), {"public_id": public_id, "token": "nope"})

    response = client.post(reverse("registration:verify", args=[public_id, token]))

    assert response.status_code == 429
    assert RegistrationRequest.objects.get().status == "email_sent"
