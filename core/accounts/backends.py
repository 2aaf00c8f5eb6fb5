"""Authentication by DUI and password, the same on every pathway (web, API token, admin)."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from core.precompiled import precompiled

from .dui import normalize_dui
from .models import User

# Read on every signed-in request: compiled once (core.precompiled).
_SESSION_USER = precompiled(
    "accounts.session_user",
    lambda pk: User._default_manager.select_related("person").filter(pk=pk),
    pk=int,
)


def credential_dui(credentials: dict[str, Any]) -> str | None:
    """The canonical DUI in login credentials (``dui=`` or the admin's ``username=``), or None."""
    raw = credentials.get("dui") or credentials.get("username")
    if not raw:
        return None
    try:
        return normalize_dui(str(raw))
    except ValidationError:
        return None


def axes_username(request: HttpRequest, credentials: dict[str, Any]) -> str:
    """The key axes counts failures under: the canonical DUI (so '123456784' and
    '12345678-4' are one key), or the raw input when it is not a valid DUI."""
    canonical = credential_dui(credentials or {})
    if canonical:
        return canonical
    return str((credentials or {}).get("dui") or (credentials or {}).get("username") or "")


class DuiBackend(ModelBackend):
    """Looks the account up by canonical DUI. Accepts ``dui=`` or ``username=`` (admin form)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        dui = credential_dui({"dui": kwargs.get("dui"), "username": username})
        if dui is None or password is None:
            # Spend the same time as a real check so a malformed DUI is not distinguishable.
            User().set_password(password or "")
            return None
        try:
            user = User.objects.select_related("person").get(dui=dui)
        except User.DoesNotExist:
            User().set_password(password)  # equalise timing with a wrong password
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> User | None:
        """The signed-in user of a session, with their person in the same query: pages, audit
        events and notifications all name the actor, and reading the person apart cost one
        more query on most requests."""
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = _SESSION_USER.first(pk=user_id) if isinstance(user_id, int) else None
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None
