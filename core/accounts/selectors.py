"""Reads of people, accounts and role grants."""

from django.db.models import QuerySet

from .models import RoleGrant, User
from .scopes import GRANT_TARGETS, active_grant_q


def user_profile_get(*, actor: User) -> User:
    """The signed-in user with their person, in one query (a person only reads their own)."""
    return User.objects.select_related("person").get(pk=actor.pk)


def role_grant_list_active(*, actor: User) -> QuerySet[RoleGrant]:
    """The actor's own grants in force today, with their scope targets joined in (one query)."""
    return (
        RoleGrant.objects.filter(active_grant_q(), user=actor)
        .select_related(*GRANT_TARGETS)
        .order_by("role", "pk")
    )
