"""Celery tasks of ``core`` itself; each calls a function that is safe to run twice."""

from celery import shared_task

from core.partitions import partitions_ensure as _partitions_ensure


@shared_task(name="core.tasks.partitions_ensure")
def partitions_ensure() -> list[str]:
    """Create the coming school years' partitions of the tables that grow by the day."""
    return _partitions_ensure()
