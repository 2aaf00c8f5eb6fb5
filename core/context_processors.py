"""Values every page template needs: the signed-in user's roles and the navigation links."""

from django.http import HttpRequest

from core.shell import nav_links


def siges(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        roles: frozenset[str] = frozenset()
    else:
        from core.accounts.scopes import active_roles

        roles = active_roles(user)
    return {"nav_roles": roles, "nav_links": nav_links(request, roles)}
