"""Forms of the conduct and recovery pages: they parse; the services decide and validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class ConductForm(forms.Form):
    DEMERITS, MERITS = "demeritos", "meritos"

    enrollment = forms.TypedChoiceField(label=_("Estudiante"), coerce=int)
    kind = forms.ChoiceField(
        label=_("Anotación"),
        choices=[(DEMERITS, _("Deméritos")), (MERITS, _("Méritos"))],
        initial=DEMERITS,
    )
    points = forms.IntegerField(label=_("Cantidad"), min_value=1, max_value=15, initial=1)
    reason = forms.CharField(label=_("Motivo"), max_length=300)
    day = forms.DateField(
        label=_("Fecha"),
        required=False,
        help_text=_("Hoy si se deja vacía."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, students: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enrollment"].choices = [("", _("Elija…")), *students]


class RecoveryForm(forms.Form):
    enrollment = forms.IntegerField(widget=forms.HiddenInput)
    subject = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.CharField(label=_("Nota de recuperación"), max_length=20)
