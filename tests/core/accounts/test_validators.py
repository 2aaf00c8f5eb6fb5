"""Password rules (docs/security.md §1.2, ASVS 6.2.x) with the project's validators."""

import importlib

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from core.accounts.validators import MaximumLengthValidator


def _errors(password: str, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


def test_seven_characters_are_rejected_in_spanish():
    assert _errors("kq7vz?w") == [
        "La contraseña es demasiado corta. Debe contener por lo menos 8 caracteres."
    ]


def test_eight_characters_are_accepted():
    assert _errors("kq7vz?wm") == []


def test_128_characters_are_accepted_and_257_are_not():
    assert _errors("a pass phrase " * 9 + "ab") == []  # 128 characters
    assert len("a pass phrase " * 9 + "ab") == 128
    assert _errors("x" * 256 + "y") == [
        "La contraseña es demasiado larga: use como máximo 256 caracteres."
    ]


def test_maximum_length_validator_boundary():
    validator = MaximumLengthValidator()
    validator.validate("z" * 256)
    with pytest.raises(ValidationError) as caught:
        validator.validate("z" * 257)
    assert caught.value.code == "password_too_long"
    assert validator.get_help_text() == "Su contraseña puede tener hasta 256 caracteres."


def test_common_password_is_rejected():
    assert _errors("password123") == ["Esta contraseña es demasiado común."]


def test_no_composition_rules():
    # Only lowercase letters and spaces: no digit, capital or symbol is demanded.
    assert _errors("mesa de ayuda escolar") == []
    assert _errors("ÑANDÚ ÁRBOL CAFÉ") == []


@pytest.mark.django_db
def test_spaces_are_kept_as_typed(make_user):
    spaced = "  frase con espacios  "
    user = make_user(password=spaced)

    assert user.check_password(spaced) is True
    assert user.check_password(spaced.strip()) is False
    assert user.check_password(" frase con espacios ") is False


def test_argon2_is_the_first_hasher_in_base_settings():
    base = importlib.import_module("core.settings.base")

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_settings_reference_the_maximum_length_validator():
    base = importlib.import_module("core.settings.base")
    names = [entry["NAME"] for entry in base.AUTH_PASSWORD_VALIDATORS]

    assert "core.accounts.validators.MaximumLengthValidator" in names
    assert "django.contrib.auth.password_validation.CommonPasswordValidator" in names
    minimum = next(v for v in base.AUTH_PASSWORD_VALIDATORS if "MinimumLength" in v["NAME"])
    assert minimum["OPTIONS"] == {"min_length": 8}
