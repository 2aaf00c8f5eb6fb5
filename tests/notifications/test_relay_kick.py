"""One relay task per transaction, however many messages the transaction wrote; none while a
queued run has not started yet (it will see the message)."""

import os
import uuid
from unittest import mock

import pytest
from django.core import mail
from django.core.cache.backends.locmem import LocMemCache
from django.db import OperationalError, transaction

from core.cache import RedisCache
from notifications import services
from notifications.choices import OutboxStatus
from notifications.models import OutboxMessage
from notifications.tasks import outbox_relay
from tests.factories import PersonFactory
from tests.notifications.conftest import celery_settings, notify_generic

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


# --- The pending-run mark: one queued relay run at a time -------------------------------------

REDIS_URL = os.environ.get("CELERY_BROKER_URL", "")


@pytest.fixture(
    params=[
        "process",
        pytest.param(
            "redis",
            marks=pytest.mark.skipif(
                not REDIS_URL.startswith("redis"), reason="needs Redis: CELERY_BROKER_URL"
            ),
        ),
    ]
)
def shared_cache(request, monkeypatch):
    """A cache the web processes share with the workers: Redis where a server is given; else an
    in-process cache standing in for one (the protocol is the same)."""
    name = f"relay-{uuid.uuid4().hex}"
    store = (
        RedisCache(REDIS_URL, {"KEY_PREFIX": name})
        if request.param == "redis"
        else (LocMemCache(name, {}))
    )
    monkeypatch.setattr(services, "_pending_mark_store", lambda: store)
    monkeypatch.setattr(services, "_shared_cache", lambda: store)
    yield store
    store.clear()


def _commit_one_email(person, callbacks_fixture, **kwargs):
    with callbacks_fixture() as callbacks, transaction.atomic():
        notify_generic(person, channels=["email"], **kwargs)
    return callbacks


def test_a_commit_while_a_run_is_queued_adds_no_kick_and_that_run_sends_its_message(
    person, shared_cache, django_capture_on_commit_callbacks
):
    # Given a committed message whose relay run is queued and has not started
    first = _commit_one_email(person, django_capture_on_commit_callbacks)
    assert _kicks(first) == 1
    assert shared_cache.get(services.RELAY_PENDING_KEY) == 1

    # When a second transaction commits a message before that run starts
    second = _commit_one_email(person, django_capture_on_commit_callbacks, titulo="Segundo")

    # Then it queues no run of its own
    assert _kicks(second) == 0
    # And the queued run, when it starts, sends both messages and clears the mark
    assert outbox_relay() == {"sent": 2, "retried": 0, "failed": 0, "stale": 0}
    assert len(mail.outbox) == 2
    assert shared_cache.get(services.RELAY_PENDING_KEY) is None
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 0


def test_a_commit_after_the_run_started_queues_a_new_run(
    person, shared_cache, django_capture_on_commit_callbacks
):
    # Given a queued run that has started (it may already have read the outbox)
    assert _kicks(_commit_one_email(person, django_capture_on_commit_callbacks)) == 1
    services.relay_started()

    # When another transaction commits a message, it queues a run again
    assert _kicks(_commit_one_email(person, django_capture_on_commit_callbacks)) == 1


def test_a_kick_the_broker_refused_leaves_no_mark(
    person, shared_cache, django_capture_on_commit_callbacks
):
    down = OperationalError("Connection refused.")
    callbacks = _commit_one_email(person, django_capture_on_commit_callbacks)
    with mock.patch.object(outbox_relay, "delay", side_effect=down) as delay:
        for callback in callbacks:
            callback()
    assert delay.call_count == 1
    # No run is on its way, so the next commit must try again
    assert shared_cache.get(services.RELAY_PENDING_KEY) is None
    assert _kicks(_commit_one_email(person, django_capture_on_commit_callbacks)) == 1


def test_a_cache_that_is_down_still_kicks(person, monkeypatch, django_capture_on_commit_callbacks):
    broken = mock.Mock(spec=LocMemCache)
    broken.add.side_effect = ConnectionError("cache down")
    monkeypatch.setattr(services, "_pending_mark_store", lambda: broken)

    assert _kicks(_commit_one_email(person, django_capture_on_commit_callbacks)) == 1
    assert _kicks(_commit_one_email(person, django_capture_on_commit_callbacks)) == 1
    broken.add.assert_called()


@pytest.mark.parametrize(
    ("eager", "backend", "marks"),
    [
        # Inline tasks: the kick is the run, there is nothing to spare
        (True, "django.core.cache.backends.locmem.LocMemCache", False),
        # A cache of this process only: a worker could never clear the mark
        (False, "django.core.cache.backends.locmem.LocMemCache", False),
        (False, "django.core.cache.backends.dummy.DummyCache", False),
        # A cache shared with the workers
        (False, "django.core.cache.backends.filebased.FileBasedCache", True),
    ],
)
def test_the_mark_is_kept_only_in_a_cache_shared_with_the_workers(
    eager, backend, marks, tmp_path, settings
):
    # (Django drops its cache handlers when CACHES changes.)
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": str(tmp_path)}}

    with celery_settings(task_always_eager=eager):
        assert (services._pending_mark_store() is not None) is marks
