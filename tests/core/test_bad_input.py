"""Bad input answers 400 or 404, never 500, and changes nothing: forged pagination cursors,
JSON nested far too deep, and webhook URLs of email providers that are not configured."""

import base64
import json

import pytest
from anymail import urls as anymail_urls
from django.urls import reverse
from rest_framework.test import APIClient

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.parsers import json_depth_exceeds
from helpdesk.models import Ticket
from notifications.webhook_urls import _esp_of
from tests.notifications.conftest import notify_generic

FORGED = base64.b64encode(b"p=abc").decode()
DEEP_JSON = '{"a":' * 1000 + "1" + "}" * 1000


def _api(user=None) -> APIClient:
    client = APIClient(raise_request_exception=False)
    if user is not None:
        client.force_authenticate(user)
    return client


# --- Forged cursors --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        ("citizen", "v1:notifications-list"),
        ("auditor", "v1:audit-event-list"),
        ("citizen", "v1:helpdesk-tickets"),
        ("technician", "v1:helpdesk-staff-ticket-list"),
    ],
)
def test_a_forged_cursor_position_is_a_404(make_user, role, url_name):
    # Given a caller with something to page through
    user = make_user(role=role)
    notify_generic(user.person, channels=["in_app"])

    # When the cursor's position is not a value of the ordering field
    response = _api(user).get(reverse(url_name), {"cursor": FORGED})

    # Then it is refused as an invalid cursor, in Spanish
    assert response.status_code == 404
    assert response.json() == {"detail": "Cursor inválido.", "code": "not_found"}


@pytest.mark.django_db
def test_a_real_cursor_still_pages(make_user):
    user = make_user(role="citizen")
    for _ in range(3):
        notify_generic(user.person, channels=["in_app"])
    first = _api(user).get(reverse("v1:notifications-list"), {"page_size": 2}).json()

    second = _api(user).get(first["next"])

    assert second.status_code == 200
    assert len(first["results"]) == 2
    assert len(second.json()["results"]) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["ñ", base64.b64encode(b"r=x").decode()])
def test_an_unreadable_cursor_is_a_404(make_user, cursor):
    response = _api(make_user(role="auditor")).get(
        reverse("v1:audit-event-list"), {"cursor": cursor}
    )

    assert response.status_code == 404


# --- Deeply nested JSON ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["v1:auth-token", "v1:registration-create"])
def test_json_nested_1000_levels_is_a_400_for_anonymous_endpoints(url_name):
    users, events = User.objects.count(), AuditEvent.objects.count()

    response = _api().post(reverse(url_name), DEEP_JSON, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "El JSON está anidado a demasiada profundidad.",
        "code": "parse_error",
    }
    assert (User.objects.count(), AuditEvent.objects.count()) == (users, events)


@pytest.mark.django_db
def test_json_nested_1000_levels_is_a_400_on_ticket_creation(make_user):
    user = make_user(role="citizen")

    response = _api(user).post(
        reverse("v1:helpdesk-tickets"), DEEP_JSON, content_type="application/json"
    )

    assert response.status_code == 400
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_json_deeper_than_the_limit_but_parseable_is_a_400(settings):
    # 200 levels parse fine in Python; the limit refuses them before any view code runs.
    settings.SIGES_API_JSON_MAX_DEPTH = 32
    body = json.dumps({"identifier": json.loads("[" * 200 + "]" * 200)})

    response = _api().post(
        reverse("v1:password-reset-request"), body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "El JSON está anidado a más de 32 niveles.",
        "code": "parse_error",
    }


def test_json_depth_counts_lists_and_objects():
    assert json_depth_exceeds({"a": [1, {"b": 2}]}, 3) is False
    assert json_depth_exceeds({"a": [1, {"b": [2]}]}, 3) is True
    assert json_depth_exceeds("text", 0) is False


@pytest.mark.django_db
def test_invalid_json_is_a_400_in_spanish():
    response = _api().post(reverse("v1:auth-token"), "{nope", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("El JSON no es válido:")


# --- Webhooks of providers that are not configured -------------------------------------------

UNCONFIGURED = sorted(
    {
        str(p.pattern).lstrip("^").replace("(_mime)?", "").rstrip("$")
        for p in anymail_urls.urlpatterns
        if _esp_of(p) not in {"postmark", "mailgun"}
    }
)


@pytest.mark.django_db
@pytest.mark.parametrize("route", UNCONFIGURED)
def test_webhooks_of_unconfigured_providers_answer_404(client, settings, route):
    # Given a webhook secret (so only the provider's own configuration is missing)
    settings.ANYMAIL = {"WEBHOOK_SECRET": "siges:secret"}
    auth = "Basic " + base64.b64encode(b"siges:secret").decode()

    response = client.post(
        f"/webhooks/anymail/{route}",
        "{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )

    assert response.status_code == 404


def test_the_served_provider_defaults_to_the_one_email_is_sent_through(settings):
    from notifications.conf import notifications_settings

    settings.NOTIFICATIONS_WEBHOOK_ESPS = []
    settings.EMAIL_BACKEND = "anymail.backends.amazon_ses.EmailBackend"
    assert notifications_settings.webhook_esps == {"amazon_ses"}

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert notifications_settings.webhook_esps == frozenset()


@pytest.mark.django_db
def test_a_configured_provider_is_still_served(client, settings):
    settings.NOTIFICATIONS_WEBHOOK_ESPS = ["postmark"]
    settings.ANYMAIL = {"WEBHOOK_SECRET": "siges:secret"}

    # Without the basic-auth credentials anymail itself refuses (so the view was reached).
    response = client.post("/webhooks/anymail/postmark/tracking/", "{}", "application/json")

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), ("007", 7), ("", None), ("²", None), ("١٢", None), ("-1", None), ("1.5", None)],
)
def test_plain_int_takes_ascii_digits_only(value, expected):
    from core.parsers import plain_int

    assert plain_int(value) == expected


def test_plain_int_caps_the_number_of_digits():
    from core.parsers import plain_int

    assert plain_int("9" * 18) == int("9" * 18)
    assert plain_int("9" * 19) is None
    assert plain_int("12345", max_digits=5) == 12345
    assert plain_int("123456", max_digits=5) is None
