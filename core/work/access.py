"""Who has a Bandeja and under which role they act on it."""

from __future__ import annotations

from typing import Any

from core.accounts.choices import Role
from core.accounts.scopes import has_role

# Who works a Bandeja. Supervisors also assign items to technicians.
WORKQUEUE_ROLES: tuple[str, ...] = (Role.TECHNICIAN, Role.SUPERVISOR)


def can_use_workqueue(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and has_role(actor, WORKQUEUE_ROLES)


def is_supervisor(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and has_role(actor, [Role.SUPERVISOR])


def staff_role(actor: Any) -> str:
    """The role under which ``actor`` works the queue, for audit events."""
    return Role.TECHNICIAN.value if has_role(actor, [Role.TECHNICIAN]) else Role.SUPERVISOR.value
