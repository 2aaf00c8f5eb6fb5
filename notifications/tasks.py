"""Celery tasks of the notifications app (JSON arguments only; safe to run twice)."""

from celery import shared_task
from django.db import OperationalError

from .services import outbox_relay_run


@shared_task(
    name="notifications.tasks.outbox_relay",
    ignore_result=True,
    acks_late=True,
    # A kick queued while workers were busy is pointless once the periodic run has passed.
    expires=120,
    # The relay bounds itself in time (services.RELAY_TIME_BUDGET_SECONDS); this is the backstop,
    # well under SENDING_TIMEOUT_SECONDS so a live worker's rows are never taken as stale.
    time_limit=300,
    # A database that blips (failover, restart) is worth a quick retry; everything else waits
    # for the next periodic run, which is the relay's real retry mechanism.
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=3,
)
def outbox_relay() -> dict[str, int]:
    """Send the due emails of the outbox (periodic every 30 s, and kicked after each commit)."""
    return outbox_relay_run().as_dict()
