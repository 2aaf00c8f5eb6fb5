"""The forms of the budget process's human steps (shown by the generic task page). Each
``apply(activation)`` runs inside ``core.workflow.task_action`` and calls a service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

COMMENT_MAX_LENGTH = 2000


class PrepareForm(forms.Form):
    """The treasurer says the lines are ready (they are edited on the budget's page)."""

    submit_label = _("Enviar al director")

    def apply(self, activation: Any) -> None:
        from .services import budget_prepared

        budget_prepared(activation=activation)


class SubmitForm(forms.Form):
    submit_label = _("Registrar la decisión")

    decision = forms.ChoiceField(
        label=_("Decisión del director"),
        choices=[
            ("submit", _("Presentar a la revisión departamental")),
            ("return", _("Devolver al tesorero")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comentario"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatorio al devolver."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Diga al tesorero qué debe corregir."))
        return cleaned

    def apply(self, activation: Any) -> None:
        from .services import budget_submitted

        budget_submitted(
            activation=activation,
            submit=self.cleaned_data["decision"] == "submit",
            comment=self.cleaned_data.get("comment", "").strip(),
        )


class ReviewForm(forms.Form):
    submit_label = _("Registrar la revisión")

    decision = forms.ChoiceField(
        label=_("Resultado de la revisión"),
        choices=[
            ("approve", _("Aprobar el presupuesto")),
            ("adjust", _("Ajustar y aprobar (con los ajustes registrados en el presupuesto)")),
            ("observe", _("Observar (vuelve al centro educativo)")),
        ],
        widget=forms.RadioSelect,
        help_text=_(
            "Para ajustar montos, tome esta tarea y use «Ajustar montos» en la página del "
            "presupuesto; después vuelva aquí y elija «Ajustar y aprobar»."
        ),
    )
    comment = forms.CharField(
        label=_("Observaciones"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Obligatorio al observar: el centro lo leerá."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("decision") == "observe" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Escriba qué debe corregir el centro educativo."))
        return cleaned

    def apply(self, activation: Any) -> None:
        from .services import budget_reviewed

        budget_reviewed(
            activation=activation,
            decision=self.cleaned_data["decision"],
            comment=self.cleaned_data.get("comment", "").strip(),
        )
