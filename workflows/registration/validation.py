"""Input rules shared by the registration and password-reset forms and API serializers."""

import unicodedata
import zoneinfo
from functools import cache

from core.accounts.dui import normalize_dui

from .conf import DEFAULT_TIME_ZONE


@cache
def time_zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def clean_time_zone(value: str | None) -> str:
    """The browser's IANA zone when it is a real one; El Salvador's otherwise (never an error:
    the field is filled by a script the user may not run)."""
    name = (value or "").strip()
    return name if name in time_zone_names() else DEFAULT_TIME_ZONE


def clean_dui(value: str) -> str:
    return normalize_dui(value)


def normalized_name(value: str) -> str:
    """Names compared without accents, case or repeated spaces ("José  Pérez" = "jose perez")."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())
