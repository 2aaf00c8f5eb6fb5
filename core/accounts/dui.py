"""The DUI (Documento Único de Identidad): validation and the canonical form ``NNNNNNNN-D``.

Rule (docs/domain.md §1): strip the hyphen, left-pad to 9 digits, weigh the 8 body digits by 9..2;
check = (10 - S mod 10) mod 10. A check digit of 0 must really be 0 (no "anything goes" when S
is a multiple of 10).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# ASCII digits only: ``\d`` would also accept Arabic-Indic and other Unicode digits, which
# ``int()`` happily converts, letting a non-canonical string through as a "valid" DUI.
_DUI_INPUT = re.compile(r"([0-9]{1,8})-?([0-9])", re.ASCII)
_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)

FORMAT_MESSAGE = _(
    "El DUI debe tener 8 dígitos, un guion y el dígito verificador (por ejemplo 01234567-8)."
)
CHECK_MESSAGE = _("El DUI no es válido: el dígito verificador no corresponde.")


def dui_check_digit(body: str) -> int:
    """Check digit for an 8-digit body."""
    total = sum(int(digit) * weight for digit, weight in zip(body, _WEIGHTS, strict=True))
    return (10 - total % 10) % 10


def validate_dui_format(value: str) -> str:
    """Check only the shape (digits and an optional hyphen), not the check digit.

    Returns the stripped input. The login uses this: a shape error can be reported precisely,
    while a wrong check digit is answered like any failed login.
    """
    if not isinstance(value, str):
        raise ValidationError(_("Ingrese el DUI como texto."), code="invalid")
    cleaned = value.strip()
    if _DUI_INPUT.fullmatch(cleaned) is None:
        raise ValidationError(FORMAT_MESSAGE, code="invalid_format")
    return cleaned


def normalize_dui(value: str) -> str:
    """Return the canonical ``NNNNNNNN-D`` or raise ``ValidationError`` in Spanish."""
    match = _DUI_INPUT.fullmatch(validate_dui_format(value))
    if match is None:  # pragma: no cover - validate_dui_format already checked the shape
        raise ValidationError(FORMAT_MESSAGE, code="invalid_format")
    # Documents issued with fewer digits are left-padded with zeros (docs/domain.md §1).
    body, check = match.group(1).zfill(8), int(match.group(2))
    if dui_check_digit(body) != check:
        raise ValidationError(CHECK_MESSAGE, code="invalid_check")
    return f"{body}-{check}"


def is_valid_dui(value: str) -> bool:
    try:
        normalize_dui(value)
    except ValidationError:
        return False
    return True


def validate_dui(value: str) -> None:
    """Model/form validator: accepts only the canonical form."""
    if normalize_dui(value) != value:
        raise ValidationError(_("Guarde el DUI en la forma NNNNNNNN-D."), code="not_canonical")


def mask_dui(value: str) -> str:
    """A form safe to show in logs and audit lists: last four characters only."""
    return "*****" + value[-4:] if value else ""
