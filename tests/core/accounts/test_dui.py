"""The DUI rule of docs/domain.md §1: test vectors, accepted spellings, and a property test."""

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from core.accounts.dui import (
    dui_check_digit,
    is_valid_dui,
    mask_dui,
    normalize_dui,
    validate_dui,
)
from core.accounts.forms import LoginForm

FORMAT_ERROR = (
    "El DUI debe tener 8 dígitos, un guion y el dígito verificador (por ejemplo 01234567-8)."
)
CHECK_ERROR = "El DUI no es válido: el dígito verificador no corresponde."


def _messages(value: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        normalize_dui(value)
    return caught.value.messages


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("12345678-4", "12345678-4"),  # S = 156
        ("04567890-3", "04567890-3"),  # S = 197
        ("00000000-0", "00000000-0"),
    ],
)
def test_domain_vectors_are_valid(raw, canonical):
    assert normalize_dui(raw) == canonical
    assert is_valid_dui(raw) is True


@pytest.mark.parametrize("raw", ["00000000-7", "12345678-5"])
def test_domain_vectors_are_invalid(raw):
    # 00000000-7: the original system accepted any last digit when the check is 0.
    assert _messages(raw) == [CHECK_ERROR]
    assert is_valid_dui(raw) is False


def test_weighted_sum_examples():
    assert dui_check_digit("12345678") == 4
    assert dui_check_digit("04567890") == 3
    assert dui_check_digit("00000000") == 0


@pytest.mark.parametrize(
    "raw", ["123456784", "12345678-4", "  12345678-4 ", "\t123456784\n", " 123456784"]
)
def test_accepts_with_or_without_hyphen_and_surrounding_spaces(raw):
    assert normalize_dui(raw) == "12345678-4"


def test_short_bodies_are_left_padded():
    # "4567890-3" is 04567890-3 written without its leading zero.
    assert normalize_dui("4567890-3") == "04567890-3"
    assert normalize_dui("45678903") == "04567890-3"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "abc",
        "1234-5678-4",
        "12345678 4",
        "123456789-4",  # too long
        "12345678--4",
        "12345678-",
        "-4",
        "12345678-4x",
        "١٢٣٤٥٦٧٨-٤",  # Arabic-Indic digits are digits to Python, not to the DUI
    ],
)
def test_malformed_input_gets_the_spanish_format_message(raw):
    assert _messages(raw) == [FORMAT_ERROR]


def test_non_text_is_refused():
    with pytest.raises(ValidationError) as caught:
        normalize_dui(12345678)  # type: ignore[arg-type]
    assert caught.value.messages == ["Ingrese el DUI como texto."]


def test_model_validator_wants_the_canonical_form():
    validate_dui("12345678-4")
    with pytest.raises(ValidationError) as caught:
        validate_dui("123456784")
    assert caught.value.messages == ["Guarde el DUI en la forma NNNNNNNN-D."]


def test_mask_keeps_only_the_last_four_characters():
    assert mask_dui("12345678-4") == "*****78-4"
    assert mask_dui("") == ""


def _weighted_check(digits: str) -> int:
    """Independent restatement of docs/domain.md §1 for the property test."""
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (10 - total % 10) % 10


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_property_nine_digits_valid_iff_check_matches(digits):
    expected_ok = int(digits[8]) == _weighted_check(digits)
    for spelling in (digits, f"{digits[:8]}-{digits[8]}", f"  {digits} "):
        if expected_ok:
            assert normalize_dui(spelling) == f"{digits[:8]}-{digits[8]}"
        else:
            assert _messages(spelling) == [CHECK_ERROR]


@given(
    st.text(min_size=1).filter(lambda s: any(not (c.isspace() or c in "0123456789-") for c in s))
)
def test_property_non_digit_garbage_raises_spanish_error(garbage):
    assert _messages(garbage) == [FORMAT_ERROR]


@given(st.text(alphabet="0123456789", min_size=1, max_size=9))
def test_property_result_is_always_canonical(digits):
    try:
        result = normalize_dui(digits)
    except ValidationError:
        return
    assert len(result) == 10
    assert result[8] == "-"
    assert result[:8].isascii()
    assert result[:8].isdigit()
    assert normalize_dui(result) == result


# --- The login form: shape errors are specific, existence is never revealed ------------------


def _login_form(dui: str) -> LoginForm:
    request = RequestFactory().post("/cuentas/ingresar/")
    return LoginForm(request, data={"dui": dui, "password": "una contraseña cualquiera"})


@pytest.mark.parametrize("raw", ["abc", "12.345.678-4", "12345678-4-4", "DUI 12345678-4"])
def test_login_form_reports_a_syntactically_invalid_dui_on_the_field(raw):
    form = _login_form(raw)

    assert form.is_valid() is False
    assert form.errors == {"dui": [FORMAT_ERROR]}


@pytest.mark.django_db
def test_login_form_treats_a_wrong_check_digit_like_an_unknown_account():
    form = _login_form("12345678-5")

    assert form.is_valid() is False
    assert form.errors == {"__all__": ["DUI o contraseña incorrectos."]}
