"""Values every page template needs (the signed-in user's roles for the navigation)."""

from django.http import HttpRequest


def siges(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": frozenset()}
    from core.accounts.scopes import active_roles

    return {"nav_roles": active_roles(user)}
