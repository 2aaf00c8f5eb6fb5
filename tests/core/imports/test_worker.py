"""With a real broker and a separate Celery worker process: the dry run and the import run in
the worker, and the progress the page polls is read from the job row."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from core.imports.lifecycles import JobStatus
from core.imports.services import job_create, job_start
from modules.students.models import Enrollment, Student
from tests.notifications.conftest import celery_settings
from tests.notifications.test_worker import _test_database_url

from .conftest import STUDENT_HEADER, csv_bytes, student_rows

WAIT_SECONDS = 90


def _wait_for(job, statuses, worker, log_path, seen=None):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if seen is not None:
            seen.append(job.processed_rows)
        if job.status in statuses or worker.poll() is not None:
            break
        time.sleep(0.2)
    assert job.status in statuses, log_path.read_text(errors="replace")[-3000:]


@pytest.mark.celery_worker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_checks_and_imports_a_file(campus, tmp_path):
    broker_url = os.environ["CELERY_BROKER_URL"]
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "core.settings.test",
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": broker_url,
    }
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A", "core", "worker", "--pool=solo", "-Q", "celery", "--loglevel=info",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-n", f"imports-test-{uuid.uuid4().hex[:8]}@%h",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        worker = subprocess.Popen(  # noqa: S603 - fixed command, no shell
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        with celery_settings(task_always_eager=False, broker_url=broker_url):
            # Given a file uploaded by the administrator (the dry run is queued after commit)
            content = csv_bytes(STUDENT_HEADER, student_rows(25))
            job = job_create(
                actor=campus["admin"], kind="students", upload=SimpleUploadedFile("a.csv", content)
            )
            assert job.status == JobStatus.CHECKING
            # Then the worker checks it
            _wait_for(job, {JobStatus.READY, JobStatus.REJECTED}, worker, log_path)
            assert job.status == JobStatus.READY
            assert job.total_rows == 25
            assert Student.objects.count() == 0

            # When the import is started, the worker imports it
            job_start(actor=campus["admin"], job=job)
            seen: list[int] = []
            _wait_for(job, {JobStatus.DONE, JobStatus.FAILED}, worker, log_path, seen)
        assert job.status == JobStatus.DONE, job.message
        assert job.created_count == 25
        assert job.processed_rows == 25
        assert seen == sorted(seen)  # the progress only grows
        assert Student.objects.count() == 25
        assert Enrollment.objects.filter(section=campus["first_a"]).count() == 25
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
