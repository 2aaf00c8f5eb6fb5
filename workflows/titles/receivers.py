"""Receivers of help-desk signals (connected in ``apps.py``)."""

from typing import Any

from django.apps import apps


def start_for_ticket(sender: Any, ticket: Any, **kwargs: Any) -> None:
    """A new "reposición de título" ticket starts a replacement (inside the creating
    transaction: a refused request rolls the ticket back too)."""
    label = apps.get_app_config("titles").label
    if ticket.service.workflow_key != label:
        return
    from .services import titles_start_for_ticket

    titles_start_for_ticket(ticket=ticket)
