"""anymail tracking webhooks (Postmark's view, as an example ESP): authenticated by the basic-auth
secret, idempotent by event id, and a bounce or complaint stops email to that address."""

import base64
import json
import uuid

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.audit.models import AuditEvent
from notifications import services
from notifications.choices import OutboxStatus
from notifications.models import DeliveryEvent, OutboxMessage
from notifications.services import outbox_relay_run
from tests.notifications.conftest import notify_generic

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailInsecureWebhookWarning"),
]

URL = reverse("anymail:postmark_tracking_webhook")
SECRET = "siges-hook:s3cr3t-de-prueba"


def _auth(credentials=SECRET):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


def _post(client, payload, **headers):
    return client.post(URL, data=json.dumps(payload), content_type="application/json", **headers)


@pytest.fixture(autouse=True)
def _webhook_secret():
    with override_settings(ANYMAIL={"WEBHOOK_SECRET": SECRET}):
        yield


@pytest.fixture
def sent_message(person):
    """An email the relay handed to the ESP, which answered with its own message id."""
    (message,) = notify_generic(person, channels=["email"])
    with override_settings(EMAIL_BACKEND="tests.notifications.backends.EspBackend"):
        outbox_relay_run()
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.esp_message_id
    return message


def _bounce(message, *, event_id=4323372036854775807, email=None, kind="HardBounce"):
    return {
        "RecordType": "Bounce",
        "ID": event_id,
        "Type": kind,
        "TypeCode": 1,
        "MessageID": message.esp_message_id,
        "Email": email or message.to_address,
        "BouncedAt": "2026-11-28T16:33:54.9070259Z",
        "Description": "The server was unable to deliver your message.",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Metadata": {},
    }


def _delivery(message):
    return {
        "RecordType": "Delivery",
        "MessageID": message.esp_message_id,
        "Recipient": message.to_address,
        "DeliveredAt": "2026-11-28T16:30:00Z",
        "Details": "smtp;250 2.0.0 OK",
        "Metadata": {},
    }


@pytest.mark.parametrize(
    "headers", [{}, _auth("siges-hook:wrong"), _auth("other:s3cr3t-de-prueba")]
)
def test_missing_or_wrong_basic_auth_is_refused_and_nothing_is_recorded(
    client, sent_message, headers
):
    audit_before = AuditEvent.objects.count()

    response = _post(client, _bounce(sent_message), **headers)

    assert response.status_code == 400
    assert DeliveryEvent.objects.count() == 0
    sent_message.refresh_from_db()
    assert sent_message.status == OutboxStatus.SENT
    sent_message.recipient.refresh_from_db()
    assert sent_message.recipient.email_bounced_at is None
    assert AuditEvent.objects.count() == audit_before


def test_a_delivery_marks_the_message_delivered(client, sent_message):
    response = _post(client, _delivery(sent_message), **_auth())

    assert response.status_code == 200
    sent_message.refresh_from_db()
    assert sent_message.status == OutboxStatus.DELIVERED
    assert sent_message.delivered_at.isoformat() == "2026-11-28T16:30:00+00:00"
    event = DeliveryEvent.objects.get()
    assert (event.esp_name, event.event_type, event.message) == (
        "Postmark",
        "delivered",
        sent_message,
    )
    # Postmark gives deliveries no id: one is derived from what identifies the event
    assert event.event_id.startswith("sha256:")


def test_a_bounce_flags_the_person_and_stops_further_email(client, sent_message):
    person = sent_message.recipient

    response = _post(client, _bounce(sent_message), **_auth())

    assert response.status_code == 200
    sent_message.refresh_from_db()
    assert sent_message.status == OutboxStatus.BOUNCED
    assert sent_message.last_error == "bounced: bounced"
    person.refresh_from_db()
    assert person.email_bounced_at.isoformat() == "2026-11-28T16:33:54.907025+00:00"
    event = DeliveryEvent.objects.get()
    assert event.event_id == "4323372036854775807"
    assert event.raw == {
        "message_id": sent_message.esp_message_id,
        "reject_reason": "bounced",
        "description": "The server was unable to deliver your message.",
        "mta_response": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
    }
    audit = AuditEvent.objects.get(action="person.email_bounced")
    assert audit.object_id == str(person.pk)
    assert audit.payload == {"reason": "bounced: bounced", "outbox_message_id": sent_message.pk}

    # And the next notification does not email that address
    mail.outbox.clear()
    email, _in_app = notify_generic(person)
    assert email.status == OutboxStatus.SKIPPED
    outbox_relay_run()
    assert mail.outbox == []


def test_the_same_event_posted_twice_is_recorded_once(client, sent_message):
    first = _post(client, _bounce(sent_message), **_auth())
    flagged_at = OutboxMessage.objects.get(pk=sent_message.pk).recipient.email_bounced_at

    second = _post(client, _bounce(sent_message), **_auth())

    assert (first.status_code, second.status_code) == (200, 200)
    assert DeliveryEvent.objects.count() == 1
    assert AuditEvent.objects.filter(action="person.email_bounced").count() == 1
    sent_message.recipient.refresh_from_db()
    assert sent_message.recipient.email_bounced_at == flagged_at


def test_a_delivery_without_event_id_posted_twice_is_recorded_once(client, sent_message):
    _post(client, _delivery(sent_message), **_auth())
    _post(client, _delivery(sent_message), **_auth())

    assert DeliveryEvent.objects.count() == 1


def test_a_complaint_marks_the_message_and_flags_the_person(client, sent_message):
    payload = {
        "RecordType": "SpamComplaint",
        "ID": 42,
        "Type": "SpamComplaint",
        "MessageID": sent_message.esp_message_id,
        "Email": sent_message.to_address.upper(),
        "BouncedAt": "2026-11-28T17:00:00Z",
        "Metadata": {},
    }

    response = _post(client, payload, **_auth())

    assert response.status_code == 200
    sent_message.refresh_from_db()
    assert sent_message.status == OutboxStatus.COMPLAINED
    sent_message.recipient.refresh_from_db()
    assert sent_message.recipient.email_bounced_at is not None


def test_a_bounce_of_an_address_the_person_no_longer_has_does_not_flag_them(client, sent_message):
    response = _post(client, _bounce(sent_message, email="vieja@example.sv"), **_auth())

    assert response.status_code == 200
    sent_message.refresh_from_db()
    assert sent_message.status == OutboxStatus.BOUNCED
    sent_message.recipient.refresh_from_db()
    assert sent_message.recipient.email_bounced_at is None
    assert not AuditEvent.objects.filter(action="person.email_bounced").exists()


def test_a_delivery_after_a_bounce_does_not_undo_it(client, sent_message):
    _post(client, _bounce(sent_message), **_auth())
    _post(client, _delivery(sent_message), **_auth())

    sent_message.refresh_from_db()
    assert sent_message.status == OutboxStatus.BOUNCED
    assert DeliveryEvent.objects.count() == 2


def test_an_event_that_arrives_before_sent_was_recorded_is_matched_by_metadata(client, person):
    # Given a message being sent (claimed by a relay) whose ESP id is not recorded yet
    (message,) = notify_generic(person, channels=["email"])
    token = uuid.uuid4()
    services._claim_batch(token=token, now=message.next_attempt_at)
    payload = {
        "RecordType": "Delivery",
        "MessageID": "esp-not-recorded-yet",
        "Recipient": message.to_address,
        "DeliveredAt": "2026-11-28T16:30:00Z",
        "Metadata": {"outbox_key": message.idempotency_key},
    }

    # When the ESP's delivery webhook overtakes the relay
    response = _post(client, payload, **_auth())

    # Then the row is found through the key anymail sent as metadata
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == OutboxStatus.DELIVERED
    assert DeliveryEvent.objects.get().message == message
    # And the relay finishing afterwards keeps "delivered" and records the ESP id
    assert services._record_sent(
        message.pk, token, esp_message_id="esp-not-recorded-yet", now=timezone.now()
    )
    message.refresh_from_db()
    assert message.status == OutboxStatus.DELIVERED
    assert message.esp_message_id == "esp-not-recorded-yet"
    assert message.sent_at is not None


def test_an_event_for_an_unknown_message_is_recorded_and_changes_nothing(client, sent_message):
    payload = {**_bounce(sent_message), "MessageID": "someone-elses-message"}

    response = _post(client, payload, **_auth())

    assert response.status_code == 200
    event = DeliveryEvent.objects.get()
    assert event.message is None
    sent_message.refresh_from_db()
    assert sent_message.status == OutboxStatus.SENT
    sent_message.recipient.refresh_from_db()
    assert sent_message.recipient.email_bounced_at is None
