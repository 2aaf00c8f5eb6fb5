"""Receivers of help-desk signals (connected in ``apps.py``)."""

from typing import Any

from django.apps import apps


def start_for_ticket(sender: Any, ticket: Any, **kwargs: Any) -> None:
    """A new ticket of the record-correction trámite starts its process (inside the creating
    transaction: a refused request rolls the ticket back too)."""
    if ticket.service.workflow_key != apps.get_app_config("hr").label:
        return
    from .services import record_correction_start

    record_correction_start(ticket=ticket)
