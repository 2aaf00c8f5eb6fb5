"""The outbox relay: each message leaves exactly once, failures wait for their back-off, nothing
is lost when the ESP is down, and rows abandoned by a dead worker follow the configured policy."""

import threading
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from anymail.exceptions import AnymailRecipientsRefused
from django.core import mail
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from notifications import services
from notifications.choices import OutboxStatus
from notifications.models import OutboxMessage
from notifications.services import outbox_relay_run, retry_delay
from notifications.tasks import outbox_relay
from tests.factories import PersonFactory
from tests.notifications.conftest import notify_generic

pytestmark = pytest.mark.django_db


def _write_emails(count):
    # Without the after-commit kick: in transactional tests each notify() commits at once and
    # the (eager) kick would send the message before the relay under test runs.
    with mock.patch.object(services, "kick_relay"):
        return [
            notify_generic(PersonFactory(), channels=["email"], titulo=f"Aviso {n}")[0]
            for n in range(count)
        ]


def test_running_the_relay_twice_sends_each_message_exactly_once():
    # Given three pending emails
    messages = _write_emails(3)

    # When the relay runs twice (a kick and the periodic run, say)
    first = outbox_relay()
    second = outbox_relay()

    # Then each message left once
    assert first == {"sent": 3, "retried": 0, "failed": 0, "stale": 0}
    assert second == {"sent": 0, "retried": 0, "failed": 0, "stale": 0}
    assert len(mail.outbox) == len(messages)
    assert sorted(m.subject for m in mail.outbox) == ["Aviso 0", "Aviso 1", "Aviso 2"]
    for message in messages:
        message.refresh_from_db()
        assert message.status == OutboxStatus.SENT
        assert message.attempts == 1
        assert message.sent_at is not None


def test_the_email_carries_text_html_sender_and_message_id(person):
    (message,) = notify_generic(person, channels=["email"], reply_to="ticket+7@siges.localhost")

    outbox_relay_run()

    (email,) = mail.outbox
    assert email.from_email == "SIGES <no-responder@siges.localhost>"
    assert email.to == ["ana.lopez@example.sv"]
    assert email.reply_to == ["ticket+7@siges.localhost"]
    assert email.subject == message.subject
    assert email.body == message.body_text
    assert email.alternatives[0].content == message.body_html
    assert email.alternatives[0].mimetype == "text/html"
    assert email.extra_headers["Message-ID"] == message.message_id_header
    assert email.message()["Message-ID"] == message.message_id_header


@override_settings(EMAIL_BACKEND="tests.notifications.backends.EspBackend")
def test_the_esp_message_id_is_recorded(person):
    (message,) = notify_generic(person, channels=["email"])

    outbox_relay_run()

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.esp_message_id.startswith("esp-")
    assert mail.outbox[0].anymail_status.message_id == message.esp_message_id
    assert mail.outbox[0].anymail_test_params["metadata"] == {"outbox_key": message.idempotency_key}


def test_a_failed_send_waits_for_its_back_off_and_is_sent_later(person):
    # Given a pending email and an SMTP server that drops the connection
    (message,) = notify_generic(person, channels=["email"])
    now = timezone.now()
    with override_settings(EMAIL_BACKEND="tests.notifications.backends.DisconnectingBackend"):
        report = outbox_relay_run(now=now)

    # Then the message is back to pending with one attempt and a back-off
    assert report.as_dict() == {"sent": 0, "retried": 1, "failed": 0, "stale": 0}
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.next_attempt_at == now + timedelta(seconds=60)
    assert message.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"

    # When the server is back but the back-off has not passed, nothing is sent
    assert outbox_relay_run(now=now + timedelta(seconds=59)).sent == 0
    assert mail.outbox == []

    # And after the back-off the message is sent, once
    assert outbox_relay_run(now=now + timedelta(seconds=61)).sent == 1
    assert outbox_relay_run(now=now + timedelta(seconds=3600)).sent == 0
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 2, "")


def test_back_off_doubles_up_to_the_ceiling():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_delay(30) == timedelta(hours=6)


@override_settings(
    NOTIFICATIONS_MAX_ATTEMPTS=3,
    EMAIL_BACKEND="tests.notifications.backends.DisconnectingBackend",
)
def test_a_message_is_given_up_after_the_configured_attempts(person):
    (message,) = notify_generic(person, channels=["email"])
    now = timezone.now()

    reports = [outbox_relay_run(now=now + timedelta(days=day)).as_dict() for day in range(4)]

    assert [(r["retried"], r["failed"]) for r in reports] == [(1, 0), (1, 0), (0, 1), (0, 0)]
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 3
    assert message.next_attempt_at is None


def test_a_refused_recipient_fails_at_once(person, monkeypatch):
    (message,) = notify_generic(person, channels=["email"])

    def refuse(self, fail_silently=False):
        raise AnymailRecipientsRefused("All message recipients were rejected: bounced")

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", refuse)
    report = outbox_relay_run()

    assert report.as_dict() == {"sent": 0, "retried": 0, "failed": 1, "stale": 0}
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 1
    assert message.last_error.startswith("AnymailRecipientsRefused: All message recipients")


@override_settings(EMAIL_BACKEND="tests.notifications.backends.UnreachableBackend")
def test_an_unreachable_server_returns_the_batch_and_stops_the_run():
    from tests.notifications.backends import UnreachableBackend

    UnreachableBackend.opened = 0
    messages = _write_emails(3)

    report = outbox_relay_run()

    # One connection attempt for the batch, not one per message
    assert UnreachableBackend.opened == 1
    assert report.as_dict() == {"sent": 0, "retried": 3, "failed": 0, "stale": 0}
    assert {m.status for m in OutboxMessage.objects.filter(pk__in=[m.pk for m in messages])} == {
        OutboxStatus.PENDING
    }
    assert OutboxMessage.objects.get(pk=messages[0].pk).last_error == (
        "ConnectionRefusedError: [Errno 111] Connection refused"
    )


@override_settings(NOTIFICATIONS_RELAY_BATCH_SIZE=2)
def test_the_relay_works_through_several_batches():
    _write_emails(5)

    assert outbox_relay_run().sent == 5
    assert len(mail.outbox) == 5


# --- a worker that died in the middle of a send -----------------------------------------------


def _claim_and_die(now):
    """What a worker leaves behind when it dies after claiming (and maybe sending)."""
    token = uuid.uuid4()
    claimed = services._claim_batch(token=token, now=now)
    assert len(claimed) == 1
    return token


def test_a_stale_sending_row_is_resent_once_with_the_same_message_id(person):
    # Given a message claimed by a worker that died before recording the result
    (message,) = notify_generic(person, channels=["email"])
    now = timezone.now()
    dead_token = _claim_and_die(now)

    # When the relay runs before the timeout, the row is left alone (the worker may be alive)
    assert outbox_relay_run(now=now + timedelta(minutes=14)).as_dict() == {
        "sent": 0,
        "retried": 0,
        "failed": 0,
        "stale": 0,
    }
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENDING

    # After the timeout it is sent again (at-least-once), with the same Message-ID
    report = outbox_relay_run(now=now + timedelta(minutes=16))
    assert report.as_dict() == {"sent": 1, "retried": 0, "failed": 0, "stale": 1}
    (email,) = mail.outbox
    assert email.extra_headers["Message-ID"] == message.message_id_header
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 2)

    # And if the "dead" worker was only slow, its late result is ignored (it lost the claim)
    assert services._record_sent(message.pk, dead_token, esp_message_id="late", now=now) is False
    message.refresh_from_db()
    assert message.esp_message_id == ""
    assert outbox_relay_run(now=now + timedelta(hours=2)).sent == 0
    assert len(mail.outbox) == 1


@override_settings(NOTIFICATIONS_STALE_SENDING_POLICY="fail")
def test_with_the_at_most_once_policy_a_stale_row_is_failed_not_resent(person):
    (message,) = notify_generic(person, channels=["email"])
    now = timezone.now()
    _claim_and_die(now)

    report = outbox_relay_run(now=now + timedelta(minutes=16))

    assert report.as_dict() == {"sent": 0, "retried": 0, "failed": 0, "stale": 1}
    assert mail.outbox == []
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.last_error.startswith("Interrupted: the worker stopped while sending")


# --- PostgreSQL: real concurrency ------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_relays_at_once_send_each_message_once():
    # Given ten pending emails
    messages = _write_emails(10)
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            reports.append(outbox_relay_run().sent)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    # When two relays start together
    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then the messages were shared between them, each sent exactly once
    assert errors == []
    assert sum(reports) == len(messages)
    assert len(mail.outbox) == len(messages)
    assert len({email.extra_headers["Message-ID"] for email in mail.outbox}) == len(messages)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_relay_skips_rows_locked_by_another_relay_without_waiting():
    # Given two pending emails, one of them locked by another transaction
    locked_message, free_message = _write_emails(2)
    locked = threading.Event()
    release = threading.Event()

    def hold_lock():
        with transaction.atomic():
            OutboxMessage.objects.select_for_update().get(pk=locked_message.pk)
            locked.set()
            release.wait(timeout=30)
        connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        # When the relay runs (SKIP LOCKED: it must not block on the locked row)
        report = outbox_relay_run()
    finally:
        release.set()
        holder.join(timeout=30)

    # Then only the free row was sent; the locked one waits for the next run
    assert report.sent == 1
    assert [email.subject for email in mail.outbox] == [free_message.subject]
    locked_message.refresh_from_db()
    assert locked_message.status == OutboxStatus.PENDING
    assert outbox_relay_run().sent == 1
    assert len(mail.outbox) == 2
