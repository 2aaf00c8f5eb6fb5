"""A task for the worker tests: which database connection (server process) ran it."""

from pathlib import Path

from celery import shared_task
from django.db import connection


@shared_task(name="tests.workflowapp.tasks.record_database_backend")
def record_database_backend(path: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    with Path(path).open("a", encoding="utf-8") as handle:
        handle.write(f"{pid}\n")
