"""The forms of the process's human steps (shown by the generic task page).

Each form's ``apply(activation)`` runs inside ``core.workflow.task_action`` once the form is
valid; it hands the cleaned data to a service of this app (the owner of the task is the actor).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.processes.forms import DecisionForm

from .choices import EvidenceVerdict

REASON_MAX_LENGTH = 2000


class CheckEvidenceForm(forms.Form):
    """Level 1: send the request on, ask for better evidence, or reject. Never edits the record."""

    submit_label = _("Enviar la revisión")

    verdict = forms.ChoiceField(
        label=_("Resultado de la revisión"),
        choices=EvidenceVerdict.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Mensaje para el solicitante"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Obligatorio si pide un mejor respaldo o rechaza: el solicitante lo leerá."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        verdict = cleaned.get("verdict")
        if verdict and verdict != EvidenceVerdict.FORWARD and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Explique al solicitante qué falta o por qué se rechaza."))
        return cleaned

    def apply(self, activation: Any) -> None:
        from .services import correction_evidence_checked

        correction_evidence_checked(
            activation=activation,
            verdict=self.cleaned_data["verdict"],
            reason=self.cleaned_data.get("reason", "").strip(),
        )


class ConfirmRecordForm(DecisionForm):
    """The teacher compares the request with the student's school file."""

    submit_label = _("Enviar la confirmación")

    decision = forms.ChoiceField(
        label=_("¿El expediente escolar respalda el cambio?"),
        choices=[
            ("approve", _("Sí, el expediente lo confirma")),
            ("reject", _("No, el expediente no lo respalda")),
        ],
        widget=forms.RadioSelect,
    )

    def apply(self, activation: Any) -> None:
        from .services import correction_record_confirmed

        correction_record_confirmed(
            activation=activation,
            confirmed=self.cleaned_data["decision"] == "approve",
            reason=self.cleaned_data.get("comment", "").strip(),
        )


class ApproveForm(DecisionForm):
    """Approve the change (the record is corrected at once), or reject it with a reason."""

    submit_label = _("Registrar la decisión")

    def apply(self, activation: Any) -> None:
        from .services import correction_decided

        correction_decided(
            activation=activation,
            approved=self.cleaned_data["decision"] == "approve",
            reason=self.cleaned_data.get("comment", "").strip(),
        )
