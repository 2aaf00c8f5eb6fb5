"""The project's password rules for a new password, shared by every form and API that sets one."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Person, User


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
