"""Signal receivers: thin adapters from anymail's and the accounts app's signals to the
services."""

from typing import Any

from anymail.signals import AnymailTrackingEvent

from core.accounts.models import Person
from core.audit.models import AuditEvent

from .services import delivery_event_record, person_email_change_notify


def on_anymail_tracking(
    sender: Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any
) -> None:
    delivery_event_record(esp_name=esp_name, event=event)


def on_person_email_changed(
    sender: Any, person: Person, old_email: str, audit_event: AuditEvent, **kwargs: Any
) -> None:
    person_email_change_notify(
        person=person,
        old_email=old_email,
        changed_at=audit_event.occurred_at,
        change_key=f"{person.pk}:{audit_event.seq}",
    )
