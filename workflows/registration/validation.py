"""Input rules shared by the registration and password-reset forms and API serializers."""

import unicodedata
import zoneinfo
from functools import cache

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.accounts.dui import normalize_dui
from core.accounts.models import Person, User

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


def validate_new_password(
    password: str,
    *,
    confirmation: str | None = None,
    user: User | None = None,
    dui: str = "",
    first_names: str = "",
    last_names: str = "",
    email: str = "",
) -> None:
    """The project's password rules (AUTH_PASSWORD_VALIDATORS), never trimming the input.

    Without a saved ``user`` an unsaved one is built from the applicant's data so the
    similarity rule can compare the password with their names, DUI and email.
    """
    if confirmation is not None and password != confirmation:
        raise ValidationError(_("Las contraseñas no coinciden."), code="password_mismatch")
    if user is None:
        person = Person(first_names=first_names, last_names=last_names, email=email)
        user = User(dui=dui, person=person)
    password_validation.validate_password(password, user=user)


def normalized_name(value: str) -> str:
    """Names compared without accents, case or repeated spaces ("José  Pérez" = "jose perez")."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())
