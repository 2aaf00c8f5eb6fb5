"""Receivers of help-desk signals (connected in ``apps.py``)."""

from typing import Any

from django.apps import apps


def start_for_ticket(sender: Any, ticket: Any, **kwargs: Any) -> None:
    """A new ticket of this app's trámite starts the process (inside the creating
    transaction: a refused request rolls the ticket back too)."""
    label = apps.get_app_config("data_correction").label
    if ticket.service.workflow_key != label:
        return
    from .services import correction_start

    correction_start(ticket=ticket)
