"""The outbox admin is read-mostly: nobody adds, edits or deletes messages; "retry now" goes
through the service, which checks the permission and audits the request."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.audit.models import AuditEvent
from notifications.choices import OutboxStatus
from notifications.models import OutboxMessage
from notifications.services import outbox_relay_run, outbox_retry
from tests.notifications.conftest import notify_generic

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:notifications_outboxmessage_changelist")


@pytest.fixture
def operator(make_user):
    user = make_user(role="administrator")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="notifications",
            codename__in=["view_outboxmessage", "change_outboxmessage"],
        )
    )
    return user


@pytest.fixture
def failed_message(person):
    (message,) = notify_generic(person, channels=["email"])
    with override_settings(
        NOTIFICATIONS_MAX_ATTEMPTS=1,
        EMAIL_BACKEND="tests.notifications.backends.DisconnectingBackend",
    ):
        outbox_relay_run()
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    return message


def test_the_changelist_shows_messages_but_offers_no_add(client, operator, failed_message):
    client.force_login(operator)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert failed_message.subject in response.content.decode()
    assert client.get(reverse("admin:notifications_outboxmessage_add")).status_code == 403


def test_the_change_form_cannot_edit_a_message(client, operator, failed_message):
    client.force_login(operator)
    url = reverse("admin:notifications_outboxmessage_change", args=[failed_message.pk])

    response = client.post(url, {"subject": "Cambiado", "to_address": "otro@example.sv"})

    assert response.status_code == 302
    failed_message.refresh_from_db()
    assert failed_message.subject != "Cambiado"
    assert failed_message.to_address == "ana.lopez@example.sv"


def test_retry_now_requeues_a_failed_message_which_the_relay_then_sends(
    client, operator, failed_message, django_capture_on_commit_callbacks
):
    client.force_login(operator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST,
            {"action": "retry_now", "_selected_action": [failed_message.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert "Se programó 1 mensaje para enviarse ahora." in response.content.decode()
    failed_message.refresh_from_db()
    # The after-commit kick ran the (eager) relay: the message left with a fresh attempt count
    assert failed_message.status == OutboxStatus.SENT
    assert failed_message.attempts == 1
    assert len(mail.outbox) == 1
    audit = AuditEvent.objects.get(action="notification.retry_requested")
    assert (audit.actor_id, audit.from_state, audit.to_state) == (operator.pk, "failed", "pending")


def test_retry_now_leaves_sent_messages_alone(client, operator, person):
    (message,) = notify_generic(person, channels=["email"])
    outbox_relay_run()
    client.force_login(operator)

    response = client.post(
        CHANGELIST, {"action": "retry_now", "_selected_action": [message.pk]}, follow=True
    )

    assert "1 mensaje no se puede reintentar en su estado actual." in response.content.decode()
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert not AuditEvent.objects.filter(action="notification.retry_requested").exists()


def test_the_retry_service_refuses_actors_without_the_permission(make_user, failed_message):
    clerk = make_user(role="technician")

    with pytest.raises(PermissionDenied):
        outbox_retry(actor=clerk, messages=[failed_message])

    failed_message.refresh_from_db()
    assert failed_message.status == OutboxStatus.FAILED
    assert failed_message.next_attempt_at is None


def test_retry_now_on_a_backed_off_message_makes_it_due_now(operator, person):
    (message,) = notify_generic(person, channels=["email"])
    with override_settings(EMAIL_BACKEND="tests.notifications.backends.DisconnectingBackend"):
        outbox_relay_run()
    message.refresh_from_db()
    assert message.next_attempt_at > timezone.now()

    assert outbox_retry(actor=operator, messages=[message]) == 1

    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)
    assert message.next_attempt_at <= timezone.now()
    assert OutboxMessage.objects.count() == 1
