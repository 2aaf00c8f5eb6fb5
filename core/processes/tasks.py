"""Periodic process tasks (beat: ``processes-task-due-sweep``)."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    name="core.processes.tasks.task_due_sweep",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def task_due_sweep() -> dict[str, int]:
    """Remind and escalate human tasks by their due time; safe to run twice."""
    result = services.task_due_sweep()
    return {"reminded": result.reminded, "escalated": result.escalated}
