"""A ticket's SLA deadlines in business time, from its service's policy and priority."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.calendar import add_business_time

from ..conf import helpdesk_settings
from ..models import Service


@dataclass(frozen=True)
class SlaDeadlines:
    first_response_due_at: datetime
    first_response_warn_at: datetime
    resolution_due_at: datetime
    resolution_warn_at: datetime


def sla_targets(service: Service, priority: str) -> tuple[timedelta, timedelta]:
    """(first response, resolution) of ``service``'s policy for ``priority``: from the
    annotations of ``portal_selectors.catalogue_get_to_request`` for the service's default
    priority, else from the policy (and its priority overrides)."""
    if priority == service.default_priority:
        first_response = getattr(service, "default_first_response_target", None)
        resolution = getattr(service, "default_resolution_target", None)
        if first_response is not None and resolution is not None:
            return first_response, resolution
    return service.sla_policy.targets_for(priority)


def sla_deadlines(*, service: Service, priority: str, start: datetime) -> SlaDeadlines:
    """Deadlines and warning moments for a ticket opened at ``start``, in business time."""
    first_response, resolution = sla_targets(service, priority)
    ratio = helpdesk_settings.SLA_WARN_RATIO
    return SlaDeadlines(
        first_response_due_at=add_business_time(start, first_response),
        first_response_warn_at=add_business_time(start, first_response * ratio),
        resolution_due_at=add_business_time(start, resolution),
        resolution_warn_at=add_business_time(start, resolution * ratio),
    )
