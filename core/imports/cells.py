"""Turning one cell's text into a value, with the Spanish error and the way to fix it.

Dates: ``dd/mm/aaaa`` is the format the ministry writes; ISO ``aaaa-mm-dd`` is accepted too,
because spreadsheets and other systems export it and it cannot be misread. Any other shape
(``mm/dd/aaaa`` with a day above 12, two-digit years, text) is refused (docs/imports.md §3).
"""

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.accounts.dui import normalize_dui

from .registry import RowInvalid

_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_INT = re.compile(r"[0-9]+", re.ASCII)


def _date_hint() -> str:
    return _("Escriba la fecha como dd/mm/aaaa, por ejemplo 25/01/2015.")


def option_map(options: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """{casefolded value or label: value} for ``choice``; build it once per file (labels are
    translated when it is built), e.g. in ``ctx.cache``."""
    found: dict[str, str] = {}
    options = list(options)
    for option, label in options:
        found.setdefault(str(label).casefold(), str(option))
    for option, _label in options:
        found[str(option).casefold()] = str(option)
    return found


class Errors:
    """Collects the errors of one row; ``raise_if_any`` raises them together."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []

    def add(self, column: str, message: str, hint: str = "") -> None:
        self.items.append((column, message, hint))

    def raise_if_any(self) -> None:
        if self.items:
            raise RowInvalid(self.items)


def text(
    row: dict[str, Any], key: str, errors: Errors, *, max_length: int, required: bool = True
) -> str:
    value = row.get(key)
    value = "" if value is None else str(value).strip()
    if not value and required:
        errors.add(key, _("Falta el valor."), _("Escriba un valor en esta columna."))
    elif len(value) > max_length:
        errors.add(
            key,
            _("El texto es demasiado largo (%(length)d caracteres).") % {"length": len(value)},
            _("Use como máximo %(max)d caracteres.") % {"max": max_length},
        )
    return value


def whole_number(value: Any) -> int | None:
    """A cell's whole number: ASCII digits, or digits followed by ``.0`` (a whole number that a
    spreadsheet stored as a decimal); ``None`` for anything else. ``integer`` reads a column
    with it, and an importer that looks rows up before reading them (by NIE, by code) must use
    it too, or "5.0" is read as 5 and looked up as nothing."""
    value = "" if value is None else str(value).strip()
    if value.endswith(".0"):
        value = value[:-2]
    return int(value) if _INT.fullmatch(value) else None


def integer(
    row: dict[str, Any],
    key: str,
    errors: Errors,
    *,
    minimum: int = 0,
    maximum: int = 10**12,
    required: bool = True,
) -> int | None:
    value = text(row, key, errors, max_length=20, required=required)
    if not value:
        return None
    number = whole_number(value)
    if number is None:
        errors.add(
            key,
            _("«%(value)s» no es un número entero.") % {"value": value},
            _("Escriba solo dígitos, sin puntos ni espacios."),
        )
        return None
    if not minimum <= number <= maximum:
        errors.add(
            key,
            _("%(value)s está fuera del rango permitido.") % {"value": number},
            _("Use un número entre %(min)d y %(max)d.") % {"min": minimum, "max": maximum},
        )
        return None
    return number


def day(row: dict[str, Any], key: str, errors: Errors, *, required: bool = True) -> date | None:
    raw = row.get(key)
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    value = text(row, key, errors, max_length=20, required=required)
    if not value:
        return None
    match = _DMY.fullmatch(value)
    if match:
        d, m, y = (int(part) for part in match.groups())
    else:
        match = _ISO.fullmatch(value)
        if not match:
            errors.add(
                key, _("«%(value)s» no es una fecha válida.") % {"value": value}, _date_hint()
            )
            return None
        y, m, d = (int(part) for part in match.groups())
    try:
        return date(y, m, d)
    except ValueError:
        errors.add(
            key, _("«%(value)s» no es una fecha que exista.") % {"value": value}, _date_hint()
        )
        return None


def dui(row: dict[str, Any], key: str, errors: Errors, *, required: bool = False) -> str:
    value = text(row, key, errors, max_length=12, required=required)
    if not value:
        return ""
    try:
        return normalize_dui(value)
    except ValidationError as exc:
        errors.add(
            key,
            " ".join(str(message) for message in exc.messages),
            _("Revise el número en el documento: 8 dígitos, guion y dígito verificador."),
        )
        return ""


def choice(
    row: dict[str, Any],
    key: str,
    errors: Errors,
    options: dict[str, str] | Iterable[tuple[str, Any]],
    *,
    required: bool = True,
) -> str:
    """A value of ``options`` (an ``option_map``, or (value, label) pairs); the label is
    accepted too, in any case."""
    value = text(row, key, errors, max_length=60, required=required)
    if not value:
        return ""
    mapping = options if isinstance(options, dict) else option_map(options)
    found = mapping.get(value.casefold())
    if found is not None:
        return found
    errors.add(
        key,
        _("«%(value)s» no es un valor permitido.") % {"value": value},
        _("Use uno de: %(options)s.") % {"options": ", ".join(dict.fromkeys(mapping.values()))},
    )
    return ""
