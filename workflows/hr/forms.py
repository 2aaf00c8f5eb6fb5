"""Forms of the HR trámites: the teacher's leave request page, and the human steps' forms
(shown by the generic task page; each ``apply(activation)`` calls a service of this app inside
``core.workflow.task_action``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.processes.forms import ConfirmForm, DecisionForm
from modules.teachers.models import LeaveType

from .choices import RouteVerdict

REASON_MAX_LENGTH = 2000
# How far ahead leave may be asked for, and how far back (a sick day told afterwards).
MAX_DAYS_AHEAD = 366
MAX_DAYS_BACK = 30


class LeaveRequestForm(forms.Form):
    leave_type = forms.ModelChoiceField(
        label=_("Tipo de licencia"),
        queryset=LeaveType.objects.filter(is_active=True),
        empty_label=None,
    )
    start_date = forms.DateField(
        label=_("Desde"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end_date = forms.DateField(
        label=_("Hasta"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Motivo o comentario"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = forms.FileField(
        label=_("Documento de respaldo"),
        required=False,
        help_text=_("Constancia médica, acta u oficio: PDF, PNG o JPEG de hasta 5 MB."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        kind: LeaveType | None = cleaned.get("leave_type")
        if isinstance(start, date) and isinstance(end, date):
            today = timezone.localdate()
            if end < start:
                self.add_error("end_date", _("La fecha final no puede ser anterior a la inicial."))
            elif (start - today).days > MAX_DAYS_AHEAD or (today - start).days > MAX_DAYS_BACK:
                self.add_error(
                    "start_date",
                    _("Solo se piden licencias desde 30 días atrás hasta un año adelante."),
                )
            elif kind is not None and kind.max_days and (end - start).days + 1 > kind.max_days:
                self.add_error(
                    "end_date",
                    _("Una licencia por %(type)s es de %(days)d días como máximo.")
                    % {"type": kind.name.lower(), "days": kind.max_days},
                )
        if kind is not None and kind.requires_evidence and not cleaned.get("evidence"):
            self.add_error(
                "evidence", _("Este tipo de licencia requiere un documento de respaldo.")
            )
        return cleaned


class LeaveDecisionForm(DecisionForm):
    """The director (or, for the director's own leave, the department) approves or rejects."""

    submit_label = _("Registrar la decisión")

    def apply(self, activation: Any) -> None:
        from .services import leave_decided

        leave_decided(
            activation=activation,
            approved=self.cleaned_data["decision"] == "approve",
            reason=self.cleaned_data.get("comment", "").strip(),
        )


class RegisterLeaveForm(ConfirmForm):
    """The departmental HR officer registers the approved leave on the teacher's record."""

    submit_label = _("Registrar la licencia")

    def apply(self, activation: Any) -> None:
        from .services import leave_registered

        leave_registered(activation=activation)


class RouteForm(forms.Form):
    """Level 1: send the request to the department's HR officers, or reject it with a reason.
    Never edits the record."""

    submit_label = _("Enviar la revisión")

    verdict = forms.ChoiceField(
        label=_("Resultado de la revisión"), choices=RouteVerdict.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Mensaje para el solicitante"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatorio si rechaza: el solicitante lo leerá."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("verdict") == RouteVerdict.REJECT and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Explique al solicitante por qué se rechaza."))
        return cleaned

    def apply(self, activation: Any) -> None:
        from .services import correction_routed

        correction_routed(
            activation=activation,
            verdict=self.cleaned_data["verdict"],
            reason=self.cleaned_data.get("reason", "").strip(),
        )


class ApplyCorrectionForm(DecisionForm):
    """The HR officer applies the change to the record (audited before/after) or rejects it."""

    submit_label = _("Registrar la decisión")

    def apply(self, activation: Any) -> None:
        from .services import correction_decided

        correction_decided(
            activation=activation,
            approved=self.cleaned_data["decision"] == "approve",
            reason=self.cleaned_data.get("comment", "").strip(),
        )
