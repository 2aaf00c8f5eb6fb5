from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ReviewKind


class ApproveForm(forms.Form):
    new_email = forms.EmailField(
        label=_("Nuevo correo electrónico de la persona"),
        required=False,
        help_text=_("Verifique la identidad de la persona antes de registrar su nuevo correo."),
    )
    reason = forms.CharField(
        label=_("Observación (opcional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind == ReviewKind.ACCESS_RECOVERY:
            self.fields["new_email"].required = True
        else:
            del self.fields["new_email"]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo del rechazo"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indique el motivo del rechazo.")},
    )
