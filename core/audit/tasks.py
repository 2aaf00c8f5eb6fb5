"""Periodic audit tasks (registered in the beat schedule by ``core/audit/apps.py``)."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    name="core.audit.tasks.audit_checkpoint_write",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def audit_checkpoint_write() -> int:
    """Write a signed checkpoint of every chain head; safe to run twice (no duplicate when
    nothing was appended since the last one). Returns the checkpoint's id."""
    checkpoint, _created = services.audit_checkpoint_write()
    return checkpoint.pk
