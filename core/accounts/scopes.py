"""The one scoping API: which objects an actor may see or act on, by their role grants.

Every selector that reads scoped data describes how its model reaches the scope targets with a
``ScopePaths`` and filters through ``scope_filter``. A department grant therefore covers the
municipalities, schools and sections inside it as long as the model's paths say how to reach the
department. Objects outside every grant are invisible: callers answer 404, never 403.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from django.db.models import Model, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from core.precompiled import precompiled

from .choices import Role, ScopeKind
from .models import RoleGrant, User

_CACHE_ATTR = "_siges_active_grants"
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class ScopePaths:
    """ORM lookups from a model to the id of each scope target (``None``: not reachable)."""

    department: str | None = None
    municipality: str | None = None
    school: str | None = None
    section: str | None = None
    person: str | None = None


# The relations a grant can point at; loaded with the grant so labels cost no extra query.
GRANT_TARGETS = ("department", "municipality", "school", "section", "person")


def active_grant_q(today: date | None = None) -> Q:
    """Grants in force on ``today`` (the local date): started, and not yet ended."""
    today = today or timezone.localdate()
    return Q(valid_from__lte=today) & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))


# Read on every signed-in request: compiled once (core.precompiled).
_GRANTS_IN_FORCE = precompiled(
    "accounts.grants_in_force",
    lambda user_id, today: RoleGrant.objects.filter(
        active_grant_q(today), user_id=user_id
    ).order_by("pk"),
    user_id=int,
    today=date,
)


def active_grants(user: User) -> list[RoleGrant]:
    """The user's grants in force today (cached on the user object for the request).

    Every authenticated request reads them, for its permission and scope checks, which need
    only the targets' ids: the targets themselves (department, school…) are not joined, which
    made this read three times slower (PostgreSQL planning five outer joins, the ORM building
    five related rows per grant). Pages that name the targets load them with
    ``load_grant_targets``; elsewhere a target is read when first used.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    grants = _GRANTS_IN_FORCE.fetch(user_id=user.pk, today=timezone.localdate())
    setattr(user, _CACHE_ATTR, grants)
    return grants


def load_grant_targets(grants: list[RoleGrant]) -> list[RoleGrant]:
    """Load the scope targets of ``grants`` (one query per kind of target they point at)."""
    prefetch_related_objects(grants, *GRANT_TARGETS)
    return grants


def forget_grants(user: User) -> None:
    """Drop the per-request cache after grants change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def active_roles(user: User) -> frozenset[str]:
    return frozenset(grant.role for grant in active_grants(user))


def has_role(user: User, roles: Iterable[str]) -> bool:
    wanted = set(roles)
    return any(grant.role in wanted for grant in active_grants(user))


def grants_with_roles(user: User, roles: Iterable[str]) -> list[RoleGrant]:
    wanted = set(roles)
    return [grant for grant in active_grants(user) if grant.role in wanted]


def _grant_q(grant: RoleGrant, paths: ScopePaths) -> Q | None:
    if grant.scope_kind == ScopeKind.NATIONAL:
        return Q()
    path = getattr(paths, grant.scope_kind)
    if path is None:
        return None
    return Q(**{path: grant.scope_target_id})


def any_of(conditions: Iterable[Q | None]) -> Q | None:
    """The union of scope conditions, where ``None`` is "nothing" and an empty ``Q()`` is
    "everything": ``None`` when all are ``None``, ``Q()`` as soon as one is empty. (Django's own
    ``Q(x) | Q()`` is just ``Q(x)``: it would narrow a national grant to the other condition.)
    """
    combined: Q | None = None
    for condition in conditions:
        if condition is None:
            continue
        if not condition:
            return Q()
        combined = condition if combined is None else combined | condition
    return combined


def grants_q(grants: Iterable[RoleGrant], paths: ScopePaths) -> Q | None:
    """A ``Q`` selecting what ``grants`` reach through ``paths``; ``None`` if nothing, an empty
    ``Q()`` for everything (``scope_q`` for grants already chosen)."""
    return any_of(_grant_q(grant, paths) for grant in grants)


def reaching_grants(grants: Iterable[RoleGrant], paths: ScopePaths) -> list[RoleGrant]:
    """The grants of ``grants`` that reach anything through ``paths``, with the same meaning
    (``grants_q`` of both is the same): a national grant alone when there is one (it reaches
    everything), else those whose kind of target ``paths`` can reach."""
    grants = list(grants)
    for grant in grants:
        if grant.scope_kind == ScopeKind.NATIONAL:
            return [grant]
    return [grant for grant in grants if getattr(paths, grant.scope_kind) is not None]


def scope_q(user: User, roles: Iterable[str], paths: ScopePaths) -> Q | None:
    """A ``Q`` selecting what ``user`` may reach through any of ``roles``; ``None`` if nothing.

    An empty ``Q()`` means "everything" (a national grant); combine such conditions with
    ``any_of``.
    """
    return grants_q(grants_with_roles(user, roles), paths)


def scope_filter(
    user: User, queryset: QuerySet[M], *, roles: Iterable[str], paths: ScopePaths
) -> QuerySet[M]:
    """Restrict ``queryset`` to what ``user`` may reach through ``roles``."""
    condition = scope_q(user, roles, paths)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition) if condition else queryset


def get_in_scope_or_404(
    user: User, queryset: QuerySet[M], *, roles: Iterable[str], paths: ScopePaths, **lookup
) -> M:
    """Fetch one object the user may reach, or raise 404 (never 403: ids cannot be probed)."""
    try:
        return scope_filter(user, queryset, roles=roles, paths=paths).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def covers(
    grant: RoleGrant,
    *,
    department_id: int | None = None,
    municipality_id: int | None = None,
    school_id: int | None = None,
    section_id: int | None = None,
    person_id: int | None = None,
) -> bool:
    """Whether one grant covers a target described by its ids (for checks without a query)."""
    if grant.scope_kind == ScopeKind.NATIONAL:
        return True
    wanted = {
        ScopeKind.DEPARTMENT: department_id,
        ScopeKind.MUNICIPALITY: municipality_id,
        ScopeKind.SCHOOL: school_id,
        ScopeKind.SECTION: section_id,
        ScopeKind.PERSON: person_id,
    }[grant.scope_kind]
    return wanted is not None and wanted == grant.scope_target_id


__all__ = [
    "GRANT_TARGETS",
    "Role",
    "ScopeKind",
    "ScopePaths",
    "active_grant_q",
    "active_grants",
    "active_roles",
    "any_of",
    "covers",
    "forget_grants",
    "get_in_scope_or_404",
    "grants_q",
    "grants_with_roles",
    "has_role",
    "load_grant_targets",
    "reaching_grants",
    "scope_filter",
    "scope_q",
]
