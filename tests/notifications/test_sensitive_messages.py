"""Emails that carry a one-time access link (verification, password reset) are "sensitive": once
the relay is done with them (sent, or given up for good) their bodies and link are withdrawn
from the outbox, and the admin never shows them, so a live link does not sit in the database."""

import uuid
from datetime import timedelta

import pytest
from anymail.signals import AnymailTrackingEvent
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from core.accounts.services import user_update_access
from notifications import services
from notifications.choices import OutboxStatus
from notifications.models import OutboxMessage
from notifications.services import (
    delivery_event_record,
    notify,
    outbox_relay_run,
    outbox_retry,
)
from tests.factories import PersonFactory, make_dui
from tests.notifications.conftest import notify_generic
from tests.workflows.registration.helpers import applicant_data, emails, link_parts, link_path
from workflows.password_reset.services import password_reset_request
from workflows.registration.services import registration_submit

pytestmark = pytest.mark.django_db

PLACEHOLDER = "[Contenido retirado: contenía un enlace de acceso de un solo uso.]"
HIDDEN = "[Contenido oculto: contiene un enlace de acceso de un solo uso.]"
TOKEN = "tokenSecretoDePrueba_abcDEFghiJKLmnoPQRstu"


def secret_path() -> str:
    return f"/registro/verificar/{uuid.uuid4()}/{TOKEN}/"


def notify_secret(recipient, *, sensitive=True):
    (message,) = notify(
        recipient=recipient,
        template="generico",
        context={"titulo": "Confirme su correo", "mensaje": "Abra el enlace."},
        channels=["email"],
        link=secret_path(),
        sensitive=sensitive,
    )
    return message


def fields_holding(message: OutboxMessage, secret: str) -> list[str]:
    """The stored columns of ``message`` in which ``secret`` appears."""
    message.refresh_from_db()
    return [
        field.attname
        for field in OutboxMessage._meta.concrete_fields
        if secret in str(getattr(message, field.attname))
    ]


def assert_withdrawn(message: OutboxMessage) -> None:
    assert fields_holding(message, TOKEN) == []
    assert (message.body_text, message.body_html, message.link) == (
        PLACEHOLDER,
        PLACEHOLDER,
        "",
    )


# --- the relay --------------------------------------------------------------------------------


def test_the_relay_sends_the_link_then_withdraws_it(person):
    # Given a sensitive email waiting in the outbox, with the link in its bodies
    message = notify_secret(person)
    assert message.sensitive is True
    assert fields_holding(message, TOKEN) == ["body_text", "body_html", "link"]

    # When the relay sends it
    assert outbox_relay_run().sent == 1

    # Then the email that left carries the link, and the row keeps only the placeholder
    (email,) = mail.outbox
    assert TOKEN in email.body
    assert TOKEN in email.alternatives[0].content
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert_withdrawn(message)
    assert message.subject == email.subject  # what is not secret stays for the operators


def test_a_message_that_is_not_sensitive_keeps_its_body_and_link(person):
    message = notify_secret(person, sensitive=False)

    assert outbox_relay_run().sent == 1

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert fields_holding(message, TOKEN) == ["body_text", "body_html", "link"]
    assert message.body_text == mail.outbox[0].body


@override_settings(
    NOTIFICATIONS_MAX_ATTEMPTS=2,
    EMAIL_BACKEND="tests.notifications.backends.DisconnectingBackend",
)
def test_a_retryable_failure_keeps_the_body_and_the_final_one_withdraws_it(person):
    # Given a sensitive email and an SMTP server that drops the connection
    message = notify_secret(person)
    now = timezone.now()

    # When the first attempt fails, the body stays: the retry needs it
    assert outbox_relay_run(now=now).retried == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert fields_holding(message, TOKEN) == ["body_text", "body_html", "link"]

    # When the last attempt fails too, the relay gives up and the body is withdrawn
    assert outbox_relay_run(now=now + timedelta(hours=1)).failed == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert_withdrawn(message)
    assert mail.outbox == []


@override_settings(
    NOTIFICATIONS_MAX_ATTEMPTS=1,
    EMAIL_BACKEND="tests.notifications.backends.DisconnectingBackend",
)
def test_a_message_that_is_not_sensitive_keeps_its_body_after_the_final_failure(person):
    message = notify_secret(person, sensitive=False)

    assert outbox_relay_run().failed == 1

    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert fields_holding(message, TOKEN) == ["body_text", "body_html", "link"]


def test_a_retry_after_a_success_sends_the_link_withdrawn_at_the_end(person):
    message = notify_secret(person)
    now = timezone.now()
    with override_settings(EMAIL_BACKEND="tests.notifications.backends.DisconnectingBackend"):
        outbox_relay_run(now=now)

    assert outbox_relay_run(now=now + timedelta(minutes=2)).sent == 1

    (email,) = mail.outbox
    assert TOKEN in email.body
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert_withdrawn(message)


@pytest.mark.parametrize(
    ("policy", "status", "withdrawn"),
    [("fail", OutboxStatus.FAILED, True), ("retry", OutboxStatus.PENDING, False)],
)
def test_a_row_left_sending_by_a_dead_worker(person, settings, policy, status, withdrawn):
    # Given a sensitive email claimed by a worker that then died
    settings.NOTIFICATIONS_STALE_SENDING_POLICY = policy
    message = notify_secret(person)
    now = timezone.now()
    services._claim_batch(token=uuid.uuid4(), now=now)

    # When the stale row is recovered (the retry policy's resend is not due until the next run)
    with override_settings(EMAIL_BACKEND="tests.notifications.backends.UnreachableBackend"):
        outbox_relay_run(now=now + timedelta(minutes=16))

    # Then a row given up is withdrawn; one to be sent again keeps what it needs
    message.refresh_from_db()
    assert message.status == status
    if withdrawn:
        assert_withdrawn(message)
    else:
        assert fields_holding(message, TOKEN) == ["body_text", "body_html", "link"]


def test_a_delivery_webhook_that_overtakes_the_relay_withdraws_the_body(person):
    # Given a sensitive email claimed by a relay that has not recorded the send yet
    message = notify_secret(person)
    token = uuid.uuid4()
    services._claim_batch(token=token, now=message.next_attempt_at)

    # When the ESP reports the delivery first
    delivery_event_record(
        esp_name="postmark",
        event=AnymailTrackingEvent(
            event_type="delivered",
            event_id="evento-1",
            timestamp=timezone.now(),
            metadata={"outbox_key": message.idempotency_key},
        ),
    )

    # Then the row is delivered and already withdrawn; the relay's late record changes nothing
    message.refresh_from_db()
    assert message.status == OutboxStatus.DELIVERED
    assert_withdrawn(message)
    assert services._record_sent(message.pk, token, esp_message_id="esp-1", now=timezone.now())
    message.refresh_from_db()
    assert message.status == OutboxStatus.DELIVERED
    assert_withdrawn(message)


def test_a_sensitive_email_to_a_person_without_address_is_withdrawn_at_once():
    message = notify_secret(PersonFactory(email=""))

    message.refresh_from_db()
    assert message.status == OutboxStatus.SKIPPED
    assert fields_holding(message, TOKEN) == []
    assert message.body_text == PLACEHOLDER


def test_a_secret_link_cannot_go_to_the_in_app_inbox(person):
    with pytest.raises(ValueError, match="email channel only"):
        notify(
            recipient=person,
            template="generico",
            context={"titulo": "t", "mensaje": "m"},
            channels=["email", "in_app"],
            link=secret_path(),
            sensitive=True,
        )

    assert not OutboxMessage.objects.exists()


# --- the workflows that email a secret link ---------------------------------------------------


def test_the_registration_verification_email_is_sensitive():
    # Given a registration (its verification email is in the outbox)
    registration_submit(**applicant_data())
    (message,) = emails("registration_verify")
    _public_id, token = link_parts(link_path(message))
    assert message.sensitive is True

    # When the relay sends it
    outbox_relay_run()

    # Then the applicant got the link, and the outbox no longer holds the token
    (email,) = mail.outbox
    assert token in email.body
    assert fields_holding(message, token) == []
    assert message.body_text == PLACEHOLDER


def test_the_password_reset_email_is_sensitive_and_the_change_notice_is_not(make_user):
    owner = make_user(dui=make_dui(35_000_001), email="ana@example.sv")

    password_reset_request(identifier=owner.dui)
    (message,) = emails("password_reset_link")
    _public_id, token = link_parts(link_path(message))
    outbox_relay_run()

    assert message.sensitive is True
    assert token in mail.outbox[0].body
    assert fields_holding(message, token) == []
    # A message without a secret link (the owner warned of a registration attempt) is not
    registration_submit(**applicant_data(dui=owner.dui))
    (warning,) = emails("registration_existing_account")
    assert warning.sensitive is False


# --- the admin --------------------------------------------------------------------------------


@pytest.fixture
def operator(make_user):
    user = make_user(role="administrator")
    user_update_access(user=user, actor=None, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="notifications",
            codename__in=["view_outboxmessage", "change_outboxmessage"],
        )
    )
    return user


def change_page(operator, message) -> str:
    client = Client()
    client.force_login(operator)
    response = client.get(reverse("admin:notifications_outboxmessage_change", args=[message.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_admin_never_shows_the_body_or_link_of_a_sensitive_message(operator, person):
    pending = notify_secret(person)

    page = change_page(operator, pending)

    assert TOKEN not in page
    assert HIDDEN in page
    assert pending.subject in page
    # Nor once sent
    outbox_relay_run()
    page = change_page(operator, pending)
    assert TOKEN not in page
    assert HIDDEN in page


def test_the_admin_shows_the_body_of_a_message_that_is_not_sensitive(operator, person):
    message = notify_secret(person, sensitive=False)

    page = change_page(operator, message)

    assert TOKEN in page
    assert HIDDEN not in page


@override_settings(
    NOTIFICATIONS_MAX_ATTEMPTS=1,
    EMAIL_BACKEND="tests.notifications.backends.DisconnectingBackend",
)
def test_a_withdrawn_message_cannot_be_retried(operator, person):
    # Given a sensitive email the relay gave up on, and a failed ordinary one
    secret = notify_secret(person)
    (ordinary,) = notify_generic(person, channels=["email"])
    assert outbox_relay_run().failed == 2

    # When an operator asks to retry both
    count = outbox_retry(actor=operator, messages=[secret, ordinary])

    # Then only the ordinary one is requeued: the other has nothing left to send
    assert count == 1
    secret.refresh_from_db()
    ordinary.refresh_from_db()
    assert (secret.status, ordinary.status) == (OutboxStatus.FAILED, OutboxStatus.PENDING)
    assert_withdrawn(secret)
