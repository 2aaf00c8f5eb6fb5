"""With a real broker and worker: a message written by notify() is sent by a separate Celery
worker process; with the broker unreachable the business transaction still commits and the
periodic relay sends the message later."""

import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import connection, transaction
from django.test import override_settings

from notifications.choices import OutboxStatus
from notifications.services import RELAY_PENDING_KEY
from notifications.tasks import outbox_relay
from tests.notifications.conftest import celery_settings, notify_generic

WAIT_SECONDS = 60


def _test_database_url() -> str:
    """The URL of the database this test runs against (pytest-django's test_… database)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.celery_worker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_a_message_written_by_notify(person, tmp_path):
    broker_url = os.environ["CELERY_BROKER_URL"]
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()

    # Given a message committed by a business transaction; the after-commit kick goes to the
    # real broker (eager mode off, as in production)
    with celery_settings(task_always_eager=False, broker_url=broker_url), transaction.atomic():
        (message,) = notify_generic(person, channels=["email"], titulo="Aviso del trabajador")
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING

    # When a worker process starts against the same database and broker
    with _worker(broker_url, mail_dir, tmp_path) as log_text:
        # Then, within a bounded time, the row is sent and the email file exists
        files = _wait_sent([message], mail_dir, 1)
        assert message.status == OutboxStatus.SENT, log_text()[-3000:]
        assert len(files) == 1, log_text()[-3000:]
        content = files[0].read_text()
        assert "Subject: Aviso del trabajador" in content
        assert f"Message-ID: {message.message_id_header}" in content
        assert "To: ana.lopez@example.sv" in content
        assert message.attempts == 1


@pytest.mark.celery_worker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_commit_while_a_kick_waits_rides_on_that_kick(person, tmp_path, settings):
    broker_url = os.environ["CELERY_BROKER_URL"]
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    # The web process and the worker share a Redis cache (as in production)
    cache_url = _shared_cache_url(broker_url)
    settings.CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": cache_url}}
    cache.delete(RELAY_PENDING_KEY)

    # Given a committed message whose kick waits in the queue (no worker yet)
    with celery_settings(task_always_eager=False, broker_url=broker_url):
        with transaction.atomic():
            (first,) = notify_generic(person, channels=["email"], titulo="Primero")
        assert cache.get(RELAY_PENDING_KEY) == 1
        # When a second transaction commits before any run started: it queues nothing
        with (
            mock.patch.object(outbox_relay, "delay", wraps=outbox_relay.delay) as delay,
            transaction.atomic(),
        ):
            (second,) = notify_generic(person, channels=["email"], titulo="Segundo")
        assert delay.call_count == 0

    # Then the one queued run, in a worker, sends both and clears the mark
    with _worker(broker_url, mail_dir, tmp_path, cache_url=cache_url) as log_text:
        files = _wait_sent([first, second], mail_dir, 1)
        assert (first.status, second.status) == (OutboxStatus.SENT,) * 2, log_text()[-3000:]
        # (The file backend writes one file per connection: the run sent both through one.)
        sent = "".join(path.read_text() for path in files)
        assert (sent.count("Subject: Primero"), sent.count("Subject: Segundo")) == (1, 1)
        assert cache.get(RELAY_PENDING_KEY) is None


def _shared_cache_url(broker_url: str) -> str:
    """A Redis database next to the broker's, for the cache both processes use."""
    base, _, _db = broker_url.rpartition("/")
    return f"{base}/14" if base.startswith("redis") else broker_url


def _wait_sent(messages, mail_dir: Path, count: int) -> list[Path]:
    deadline = time.monotonic() + WAIT_SECONDS
    files: list[Path] = []
    while time.monotonic() < deadline:
        for message in messages:
            message.refresh_from_db()
        files = sorted(mail_dir.iterdir())
        if all(m.status == OutboxStatus.SENT for m in messages) and len(files) >= count:
            break
        time.sleep(0.5)
    return files


@contextmanager
def _worker(broker_url: str, mail_dir: Path, tmp_path: Path, cache_url: str = ""):
    """A Celery worker process on this test's database and the given broker; yields a function
    that reads its log."""
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "core.settings.test",
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    if cache_url:
        env["CACHE_URL"] = cache_url
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A", "core", "worker", "--pool=solo", "-Q", "celery", "--loglevel=info",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-n", f"notifications-test-{uuid.uuid4().hex[:8]}@%h",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        worker = subprocess.Popen(  # noqa: S603 - fixed command, no shell
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield lambda: log_path.read_text(errors="replace")
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_unreachable_the_row_commits_and_the_periodic_relay_sends_it(
    person, caplog
):
    broker_url = f"redis://127.0.0.1:{_closed_port()}/0"

    # Given a broker nobody listens to, and eager mode off (as in production)
    # When a business transaction notifies and commits (the kick fails after commit)
    with (
        override_settings(CELERY_BROKER_URL=broker_url),
        celery_settings(task_always_eager=False, broker_url=broker_url),
        transaction.atomic(),
    ):
        (message,) = notify_generic(person, channels=["email"])

    # Then the row is committed and still pending, and the failure was logged
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert mail.outbox == []
    assert "could not queue the relay" in caplog.text

    # And the periodic relay (called as beat would) sends it
    assert outbox_relay() == {"sent": 1, "retried": 0, "failed": 0, "stale": 0}
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert len(mail.outbox) == 1
