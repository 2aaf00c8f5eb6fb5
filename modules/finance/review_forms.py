"""Forms of the department's review actions on the budget page: the reviewer's adjustment of
line amounts (adjust and approve) and the authorisation to change an approved budget. They
only parse; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

REASON_MAX_LENGTH = 2000


class AdjustLinesForm(forms.Form):
    """One amount per line of the budget (prefilled with the current amount) and the reason."""

    reason = forms.CharField(
        label=_("Motivo del ajuste"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("El centro educativo lo leerá junto a cada monto ajustado."),
    )

    def __init__(self, *args: Any, lines: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.DecimalField(
                label=line.description,
                max_digits=14,
                decimal_places=2,
                min_value=0.01,
                initial=line.amount,
                help_text=_("%(kind)s · %(source)s · monto actual: US$ %(amount)s")
                % {
                    "kind": line.get_kind_display(),
                    "source": line.get_source_display(),
                    "amount": number_format(line.amount, 2),
                },
            )
        self.order_fields([*(f"line_{line.pk}" for line in self.lines), "reason"])

    def amounts(self) -> dict[int, Any]:
        return {line.pk: self.cleaned_data[f"line_{line.pk}"] for line in self.lines}


class ChangeReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo de la modificación"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Queda registrado; el centro educativo podrá modificar sus líneas."),
    )
