"""Who may act on what in the help desk.

- A **requester** acts on their own tickets (reply, cancel, close, rate).
- A **technician** works the tickets of queues that one of their active teams serves, and only
  where a technician grant covers the queue: a department queue needs a grant over that
  department (or a national one); a national queue needs a national grant.
- A **supervisor** works and reassigns the tickets of every queue their supervisor grant covers.

Technicians get no rights over module records here or anywhere: they route tickets to the
owning area (docs/security.md §3.5).
"""

from typing import Any

from core.accounts.choices import Role
from core.accounts.scopes import ScopePaths, covers, grants_with_roles, has_role

from .models import Queue, Service, Team, Ticket

# How a queue and a ticket reach the scope targets of role grants.
QUEUE_SCOPE = ScopePaths(department="department_id")
TICKET_SCOPE = ScopePaths(department="queue__department_id")

STAFF_ROLES = (Role.TECHNICIAN, Role.SUPERVISOR)


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_helpdesk_staff(user: Any) -> bool:
    """A technician or supervisor of the help desk (in force today)."""
    return _active(user) and has_role(user, STAFF_ROLES)


def _grant_covers(user: Any, role: str, queue: Queue) -> bool:
    return any(
        covers(grant, department_id=queue.department_id)
        for grant in grants_with_roles(user, [role])
    )


# Per user object: queue id → "an active team of theirs serves it" (like the grants cache of
# core.accounts.scopes, it lives as long as the user object, i.e. one request).
_TEAM_CACHE_ATTR = "_helpdesk_team_serves"


def _team_serves(user: Any, queue: Queue) -> bool:
    cache: dict[int, bool] | None = getattr(user, _TEAM_CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _TEAM_CACHE_ATTR, cache)
    if queue.pk not in cache:
        cache[queue.pk] = Team.objects.filter(is_active=True, members=user, queues=queue).exists()
    return cache[queue.pk]


def remember_queue_staff(user: Any, queue: Queue) -> None:
    """``user`` reached a ticket of ``queue`` through ``selectors.served_queue_q`` (they serve
    it as technician or supervise it): when they do not supervise it, their team serves it, so
    ``serves_queue`` needs no query for it in this request."""
    if _active(user) and not supervises_queue(user, queue):
        cache: dict[int, bool] | None = getattr(user, _TEAM_CACHE_ATTR, None)
        if cache is None:
            cache = {}
            setattr(user, _TEAM_CACHE_ATTR, cache)
        cache[queue.pk] = True


def forget_team_membership(user: Any) -> None:
    """Drop the per-request cache of ``serves_queue`` after teams or their queues change."""
    if hasattr(user, _TEAM_CACHE_ATTR):
        delattr(user, _TEAM_CACHE_ATTR)


def serves_queue(user: Any, queue: Queue) -> bool:
    """A technician in an active team serving ``queue``, with a grant covering it.

    The team lookup runs once per user object and queue (a ticket page asks several times).
    """
    if not _active(user) or not _grant_covers(user, Role.TECHNICIAN, queue):
        return False
    return _team_serves(user, queue)


def supervises_queue(user: Any, queue: Queue) -> bool:
    return _active(user) and _grant_covers(user, Role.SUPERVISOR, queue)


def is_queue_staff(user: Any, queue: Queue) -> bool:
    return supervises_queue(user, queue) or serves_queue(user, queue)


def is_ticket_staff(user: Any, ticket: Ticket) -> bool:
    return is_queue_staff(user, ticket.queue)


def is_requester(user: Any, ticket: Ticket) -> bool:
    return _active(user) and user.pk == ticket.requester_id


def can_request_service(user: Any, service: Service) -> bool:
    if not _active(user) or not service.is_active or not service.queue.is_active:
        return False
    return service.any_citizen or has_role(user, service.allowed_roles)
