"""Celery workers keep their database connection across tasks (CONN_MAX_AGE is honoured), as web
processes do across requests."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
from celery.fixups.django import DjangoWorkerFixup
from django.conf import settings

from core import celery as siges_celery
from core.celery import app
from tests.notifications.conftest import celery_settings
from tests.notifications.test_worker import _test_database_url
from tests.workflowapp.tasks import record_database_backend

WAIT_SECONDS = 60


def test_celerys_fixup_does_not_close_connections_around_tasks():
    # Given the worker fixup Celery installs for a Django project, with our settings
    fixup = DjangoWorkerFixup(app)
    task = mock.Mock(request=mock.Mock(is_eager=False))

    # When a thousand tasks run
    with mock.patch.object(fixup, "_close_database") as close:
        for _ in range(1000):
            fixup.on_task_prerun(task)
            fixup.on_task_postrun(task)

    # Then it never forced a connection closed (Django's own rules decide, see below)
    assert close.call_count == 0
    assert fixup.db_reuse_max == settings.CELERY_DB_REUSE_MAX


def test_around_worker_tasks_only_old_or_broken_connections_are_closed():
    task = mock.Mock(request=mock.Mock(is_eager=False))
    with mock.patch("django.db.close_old_connections") as close_old:
        siges_celery.close_old_connections(sender=task)
    assert close_old.call_count == 1

    # An eager task runs inside its caller's request or transaction: never touched
    eager = mock.Mock(request=mock.Mock(is_eager=True))
    with mock.patch("django.db.close_old_connections") as close_old:
        siges_celery.close_old_connections(sender=eager)
    assert close_old.call_count == 0


def test_persistent_connections_are_the_default_outside_tests():
    from core.settings import base

    if os.environ.get("DJANGO_CONN_MAX_AGE"):
        pytest.skip("DJANGO_CONN_MAX_AGE is set in this environment")
    assert base.DATABASES["default"]["CONN_MAX_AGE"] == 60
    assert base.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 0  # the test settings


@pytest.mark.celery_worker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_consecutive_tasks_on_one_connection(tmp_path):
    broker_url = os.environ["CELERY_BROKER_URL"]
    queue = f"siges-test-{uuid.uuid4().hex[:8]}"
    record = tmp_path / "backends.txt"
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "core.settings.test",
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "DJANGO_CONN_MAX_AGE": "60",
    }
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A", "core", "worker", "--pool=solo", "-Q", queue, "--loglevel=info",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-n", f"connections-test-{uuid.uuid4().hex[:8]}@%h",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        worker = subprocess.Popen(  # noqa: S603 - fixed command, no shell
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        # When three tasks are queued one after the other
        with celery_settings(task_always_eager=False, broker_url=broker_url):
            for _ in range(3):
                record_database_backend.apply_async(args=[str(record)], queue=queue)
        deadline = time.monotonic() + WAIT_SECONDS
        lines: list[str] = []
        while time.monotonic() < deadline and worker.poll() is None:
            lines = record.read_text().split() if record.exists() else []
            if len(lines) == 3:
                break
            time.sleep(0.3)

        # Then they ran on the same database server process: one connection, reused
        log_text = log_path.read_text(errors="replace")
        assert len(lines) == 3, log_text[-3000:]
        assert len(set(lines)) == 1, lines
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
