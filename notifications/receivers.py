"""Signal receivers: thin adapters from anymail's signals to the services."""

from typing import Any

from anymail.signals import AnymailTrackingEvent

from .services import delivery_event_record


def on_anymail_tracking(
    sender: Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any
) -> None:
    delivery_event_record(esp_name=esp_name, event=event)
