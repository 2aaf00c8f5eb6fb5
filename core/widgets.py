"""Form widgets shared by every app."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class SalvadoranDateInput(forms.DateInput):
    """A date typed as dd/mm/aaaa, whatever the browser's language (a native date picker would
    show mm/dd/yyyy in an English browser). Shown back the same way after an error."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "placeholder": _("dd/mm/aaaa"),
            "inputmode": "numeric",
            "autocomplete": "off",
            "maxlength": "10",
        }
        super().__init__({**defaults, **(attrs or {})}, format="%d/%m/%Y")

    def format_value(self, value: Any) -> str | None:
        # A bound form shows what was typed; an ISO date (from the API) reads as dd/mm/aaaa.
        if isinstance(value, str) and value:
            try:
                value = forms.DateField().to_python(value)
            except ValidationError:
                return value
        return super().format_value(value)
