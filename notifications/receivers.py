"""Signal receivers: thin adapters from anymail's, the accounts app's and the processes'
signals to the services."""

from typing import Any

from anymail.signals import AnymailTrackingEvent

from core.accounts.models import Person
from core.audit.models import AuditEvent

from .services import (
    delivery_event_record,
    notify,
    person_email_change_notify,
    second_factor_change_notify,
)


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


def on_second_factor_changed(
    sender: Any, user: Any, change: str, audit_event: AuditEvent, **kwargs: Any
) -> None:
    second_factor_change_notify(
        user=user,
        change=change,
        changed_at=audit_event.occurred_at,
        by_administrator=bool((audit_event.payload or {}).get("by_administrator")),
        change_key=f"{user.pk}:{audit_event.seq}",
    )


def on_task_due_reminder(
    sender: Any,
    task: Any,
    recipients: list[Any],
    kind: str,
    due_at: Any,
    link: str,
    **kwargs: Any,
) -> None:
    """Tell each recipient that a process task nears its due time, or is overdue (once each:
    the idempotency key names the task, the kind and the person)."""
    from core.processes.hooks import ESCALATION
    from core.processes.nodes import flow_label, node_label

    template = "processes/task_overdue" if kind == ESCALATION else "processes/task_due_soon"
    context = {
        "flow_label": flow_label(task.flow_task.flow_class),
        "node_label": node_label(task.flow_task),
        "process_number": task.process_id,
        "task_number": task.pk,
        "due_at": due_at,
    }
    for user in recipients:
        notify(
            recipient=user.person,
            user=user,
            template=template,
            context=context,
            link=link,
            idempotency_key=f"process-task:{task.pk}:{kind}:{user.pk}",
        )
