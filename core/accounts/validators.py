"""Password rules beyond Django's own validators (docs/security.md §1.2, ASVS 6.2.x)."""

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class MaximumLengthValidator:
    """Reject absurdly long passwords (hashing cost), far above the 128 characters we promise.

    Nothing is ever truncated: a password is accepted whole or refused with a message.
    """

    def __init__(self, max_length: int = 256) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "La contraseña es demasiado larga: use como máximo %(max_length)d carácter.",
                    "La contraseña es demasiado larga: use como máximo %(max_length)d caracteres.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Su contraseña puede tener hasta %(max_length)d carácter.",
            "Su contraseña puede tener hasta %(max_length)d caracteres.",
            self.max_length,
        ) % {"max_length": self.max_length}
