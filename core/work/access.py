"""Who has a Bandeja and under which role they act on it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.accounts.choices import WORK_ROLES, Role
from core.accounts.scopes import active_roles, has_role


def can_use_workqueue(actor: Any) -> bool:
    """Whether ``actor`` holds a role that can have work (``WORK_ROLES``) today."""
    return bool(getattr(actor, "is_authenticated", False)) and has_role(actor, WORK_ROLES)


def is_supervisor(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and has_role(actor, [Role.SUPERVISOR])


def acting_role(actor: Any, roles: Iterable[str]) -> str:
    """The first of ``roles`` (in their order) that ``actor`` holds, for an audit event; when
    they hold none of them, their most senior work role; ``""`` without any."""
    held = active_roles(actor) if getattr(actor, "is_authenticated", False) else frozenset()
    for role in (*roles, *WORK_ROLES):
        if role in held:
            return str(role)
    return ""
