"""Form widgets shared by every app."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
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


def _attrs_html(attrs: dict[str, Any]) -> str:
    # As django/forms/widgets/attrs.html: ``False`` leaves the attribute out, ``True`` writes
    # its bare name.
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """``forms.Select`` written out in Python: the same HTML as Django's ``select.html``, byte
    for byte, without a template include per option (a list of 60 queues or 400 technicians
    is most of a page's rendering time otherwise). Widgets with their own templates
    (``option_template_name``) are not supported."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"']
        parts.append(_attrs_html(widget["attrs"]))
        parts.append(">")
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs_html(option['attrs'])}>{conditional_escape(option['label'])}"
                "</option>\n"
                for option in group_choices
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
