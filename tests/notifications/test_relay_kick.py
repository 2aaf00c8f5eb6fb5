"""One relay task per transaction, however many messages the transaction wrote."""

from unittest import mock

import pytest
from django.db import transaction

from notifications.tasks import outbox_relay
from tests.factories import PersonFactory
from tests.notifications.conftest import notify_generic

pytestmark = pytest.mark.django_db


def _kicks(callbacks) -> int:
    """Run the captured on-commit callbacks with the broker replaced; count the queued tasks."""
    with mock.patch.object(outbox_relay, "delay") as delay:
        for callback in callbacks:
            callback()
    return delay.call_count


def test_a_transaction_with_many_emails_queues_one_relay(
    person, django_capture_on_commit_callbacks
):
    others = [PersonFactory(email=f"persona{n}@example.sv") for n in range(4)]

    # When one transaction notifies five people by email
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for recipient in [person, *others]:
            notify_generic(recipient, channels=["email"])

    # Then one relay task is queued when it commits
    assert len(callbacks) == 1
    assert _kicks(callbacks) == 1


def test_two_transactions_queue_one_relay_each(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as first, transaction.atomic():
        notify_generic(person, channels=["email"])
        notify_generic(person, channels=["email"], titulo="Otro aviso")
    with django_capture_on_commit_callbacks() as second, transaction.atomic():
        notify_generic(person, channels=["email"], titulo="Un tercero")

    assert (_kicks(first), _kicks(second)) == (1, 1)


def test_a_kick_dropped_with_a_rolled_back_savepoint_is_registered_again(
    person, django_capture_on_commit_callbacks
):
    # Given a first message written in a savepoint that rolls back (its kick goes with it)
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                notify_generic(person, channels=["email"])
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        # When a second message is written in the same outer transaction
        notify_generic(person, channels=["email"], titulo="Sí se envía")

    # Then the commit still queues the relay, once
    assert _kicks(callbacks) == 1


def test_in_app_messages_queue_no_relay(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        notify_generic(person, channels=["in_app"])

    assert _kicks(callbacks) == 0
