"""What the web shell shows that apps contribute: navigation entries and home-page panel entries.

Apps register theirs from ``AppConfig.ready()``; core names no higher app. The navigation is
rendered from ``nav_links`` (``core.context_processors.siges``), the home page's panels from
``panel_entries``. Visibility is decided from the roles in force, already loaded for the page,
so neither costs a query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

# Who sees a navigation entry: everyone, signed-in people, or holders of some roles.
EVERYONE = "everyone"
SIGNED_IN = "signed_in"


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: Promise | str
    url_name: str
    position: int = 100
    roles: frozenset[str] | None = None  # None: by ``audience`` alone
    audience: str = SIGNED_IN
    requires_staff: bool = False  # Django's ``is_staff`` (the admin turns others away)

    def visible(self, user: Any, roles: frozenset[str]) -> bool:
        signed_in = bool(getattr(user, "is_authenticated", False))
        if self.audience != EVERYONE and not signed_in:
            return False
        if self.requires_staff and not getattr(user, "is_staff", False):
            return False
        return self.roles is None or bool(self.roles & roles)


_NAV: dict[str, NavEntry] = {}


def register_nav_entry(
    *,
    key: str,
    label: Promise | str,
    url_name: str,
    position: int = 100,
    roles: Iterable[str] | None = None,
    audience: str = SIGNED_IN,
    requires_staff: bool = False,
) -> NavEntry:
    """Add (or replace, by ``key``) a link of the main navigation. ``roles``: shown only to
    holders of one of them; otherwise to ``audience`` (``EVERYONE`` or ``SIGNED_IN``)."""
    entry = NavEntry(
        key=key,
        label=label,
        url_name=url_name,
        position=position,
        roles=None if roles is None else frozenset(str(role) for role in roles),
        audience=audience,
        requires_staff=requires_staff,
    )
    _NAV[key] = entry
    return entry


def nav_entries() -> list[NavEntry]:
    return sorted(_NAV.values(), key=lambda entry: entry.position)


def nav_links(request: HttpRequest, roles: frozenset[str]) -> list[dict[str, Any]]:
    """The links ``request.user`` sees, in order; an entry whose page does not resolve (an app
    not installed) is left out rather than linked nowhere."""
    user = getattr(request, "user", None)
    links = []
    for entry in nav_entries():
        if not entry.visible(user, roles):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        links.append(
            {"key": entry.key, "label": entry.label, "url": url, "current": request.path == url}
        )
    return links


# --- Home panels -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelEntry:
    """One thing a role can do from the home page.

    ``url_name`` is ``None`` for a page that does not exist yet; so is a name that does not
    resolve (an app not installed yet). Either way the entry is shown as plain text marked
    "próximamente", never as a dead link, and it lights up by itself once the page exists.
    """

    label: Promise | str
    url_name: str | None = None
    description: Promise | str = ""
    position: int = 100


_PANELS: dict[str, dict[str, PanelEntry]] = {}


def register_panel_entry(
    *,
    roles: Iterable[str],
    key: str,
    label: Promise | str,
    url_name: str | None = None,
    description: Promise | str = "",
    position: int = 100,
) -> PanelEntry:
    """Add (or replace, by ``key``) an entry to the home panel of each of ``roles``."""
    entry = PanelEntry(label, url_name, description, position)
    for role in roles:
        _PANELS.setdefault(str(role), {})[key] = entry
    return entry


def panel_entries(role: str) -> list[PanelEntry]:
    return sorted(_PANELS.get(str(role), {}).values(), key=lambda entry: entry.position)
