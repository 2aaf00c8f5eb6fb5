"""Celery tasks of the help desk. They call services and are safe to run twice."""

from celery import shared_task

from .services import ticket_sla_sweep


@shared_task(name="helpdesk.tasks.sla_sweep", acks_late=True, ignore_result=True)
def sla_sweep() -> dict[str, int]:
    """Warn, record breaches, escalate and auto-close (see ``services.ticket_sla_sweep``)."""
    return ticket_sla_sweep().as_dict()
