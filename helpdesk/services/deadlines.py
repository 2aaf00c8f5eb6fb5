"""A ticket's SLA deadlines in business time, from its service's policy and priority."""

from dataclasses import dataclass
from datetime import datetime

from core.calendar import add_business_time

from ..conf import helpdesk_settings
from ..models import Service


@dataclass(frozen=True)
class SlaDeadlines:
    first_response_due_at: datetime
    first_response_warn_at: datetime
    resolution_due_at: datetime
    resolution_warn_at: datetime


def sla_deadlines(*, service: Service, priority: str, start: datetime) -> SlaDeadlines:
    """Deadlines and warning moments for a ticket opened at ``start``, in business time."""
    first_response, resolution = service.sla_policy.targets_for(priority)
    ratio = helpdesk_settings.SLA_WARN_RATIO
    return SlaDeadlines(
        first_response_due_at=add_business_time(start, first_response),
        first_response_warn_at=add_business_time(start, first_response * ratio),
        resolution_due_at=add_business_time(start, resolution),
        resolution_warn_at=add_business_time(start, resolution * ratio),
    )
