"""Forms of the family pages: they parse; the services validate and decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BODY_MAX, COMMENT_MAX, REASON_MAX, SUBJECT_MAX


class ConversationForm(forms.Form):
    subject = forms.CharField(label=_("Asunto"), max_length=SUBJECT_MAX)
    body = forms.CharField(
        label=_("Mensaje"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Solo texto, hasta %(max)s caracteres.") % {"max": BODY_MAX},
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Respuesta"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )


class PermissionForm(forms.Form):
    date_from = forms.DateField(
        label=_("Desde"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("Hasta"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("El mismo día si es uno solo."),
    )
    reason = forms.CharField(
        label=_("Motivo"),
        max_length=REASON_MAX,
        help_text=_("Quedará como motivo de las ausencias justificadas."),
    )
    document = forms.FileField(
        label=_("Documento (opcional)"),
        required=False,
        help_text=_("Constancia médica u otro respaldo: PDF, PNG o JPEG de hasta 5 MB."),
    )


class DecisionForm(forms.Form):
    APPROVE, REJECT = "aprobar", "rechazar"

    decision = forms.ChoiceField(
        label=_("Decisión"),
        choices=[(APPROVE, _("Aprobar")), (REJECT, _("Rechazar"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comentario para la familia"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatorio al rechazar."),
    )
