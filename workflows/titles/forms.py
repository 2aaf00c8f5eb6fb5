"""The forms of the process's human steps (shown by the generic task page) and the registrar's
request form. Each step form's ``apply(activation)`` runs inside ``core.workflow.task_action``
and calls this app's services with the task's owner as the actor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.parsers import plain_int
from core.widgets import SalvadoranDateInput
from modules.documents.choices import MotiveKind, RequestKind
from modules.documents.models import Motive

CONFIRM = "confirm"
REJECT = "reject"


def _motives(kind: str) -> Any:
    return Motive.objects.filter(kind=kind, is_active=True).order_by("position")


def nie_list(text: str) -> list[int]:
    """NIEs typed one per line (or separated by commas or spaces)."""
    values = []
    for token in (text or "").replace(",", " ").split():
        nie = plain_int(token, max_digits=12)
        if nie is None:
            raise forms.ValidationError(
                _("«%(value)s» no es un NIE: escriba solo números.") % {"value": token[:20]}
            )
        values.append(nie)
    return values


class VerifyForm(forms.Form):
    """The departmental office: confirm (maybe excluding some students) or reject."""

    submit_label = _("Registrar la verificación")

    decision = forms.ChoiceField(
        label=_("Resultado"),
        choices=[(CONFIRM, _("Confirmar la solicitud")), (REJECT, _("Rechazar la solicitud"))],
        widget=forms.RadioSelect,
    )
    excluded = forms.CharField(
        label=_("NIE de los estudiantes que se excluyen"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Uno por línea; déjelo vacío si no excluye a nadie. Sus NIE están arriba."),
    )
    motive = forms.ModelChoiceField(
        label=_("Motivo de la exclusión"),
        queryset=Motive.objects.none(),
        required=False,
    )
    note = forms.CharField(
        label=_("Observación o motivo del rechazo"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["motive"].queryset = _motives(MotiveKind.EXCLUSION)

    def clean_excluded(self) -> list[int]:
        return nie_list(self.cleaned_data.get("excluded", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == REJECT and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Indique el motivo del rechazo."))
        if decision == CONFIRM and cleaned.get("excluded") and not cleaned.get("motive"):
            self.add_error("motive", _("Elija el motivo de la exclusión."))
        return cleaned

    def apply(self, activation: Any) -> None:
        from .services import step_verify

        step_verify(
            activation=activation,
            reject=self.cleaned_data["decision"] == REJECT,
            excluded_nies=self.cleaned_data.get("excluded") or [],
            motive=self.cleaned_data.get("motive"),
            note=(self.cleaned_data.get("note") or "").strip(),
        )


class _ConfirmStep(forms.Form):
    confirm = forms.BooleanField(label="", required=True)
    service_name = ""

    def apply(self, activation: Any) -> None:
        from . import services

        getattr(services, self.service_name)(activation=activation)


class SignForm(_ConfirmStep):
    submit_label = _("Firmar")
    service_name = "step_sign"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = _(
            "Firmo, como director del centro, los títulos de los estudiantes confirmados."
        )


class CountersignForm(_ConfirmStep):
    submit_label = _("Refrendar")
    service_name = "step_countersign"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = _(
            "Doy la auténtica de la firma del director y autorizo emitir los títulos."
        )


class PrintForm(_ConfirmStep):
    submit_label = _("Marcar impresos")
    service_name = "step_print"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = _("Los títulos de esta solicitud están impresos.")


class ReceiveDepartmentForm(_ConfirmStep):
    submit_label = _("Confirmar la recepción")
    service_name = "step_receive_department"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = _("La oficina departamental recibió los títulos impresos.")


class ReceiveSchoolForm(_ConfirmStep):
    submit_label = _("Confirmar la recepción")
    service_name = "step_receive_school"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = _("El centro educativo recibió los títulos impresos.")


class DeliverForm(forms.Form):
    submit_label = _("Registrar la entrega")

    delivered_on = forms.DateField(
        label=_("Fecha de entrega a los graduados"), widget=SalvadoranDateInput()
    )
    confirm = forms.BooleanField(label=_("Cada graduado recibió su título."), required=True)

    def clean_delivered_on(self) -> Any:
        day = self.cleaned_data["delivered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("La fecha no puede ser futura."))
        return day

    def apply(self, activation: Any) -> None:
        from .services import step_deliver

        step_deliver(activation=activation, on=self.cleaned_data["delivered_on"])


class GraduatesForm(forms.Form):
    """The registrar's first-issue request: the graduates of one section (all checked)."""

    students = forms.MultipleChoiceField(
        label=_("Graduados"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Se emiten títulos solo a quienes aprobaron el año."),
    )

    def __init__(self, *args: Any, students: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["students"].choices = students
        self.fields["students"].initial = [pk for pk, _label in students]


class TitlesRequestForm(forms.Form):
    """The registrar's request about titles already issued: reprint or annul them."""

    kind = forms.ChoiceField(
        label=_("Tipo de solicitud"),
        choices=[
            (RequestKind.REPRINT, RequestKind.REPRINT.label),
            (RequestKind.ANNULMENT, RequestKind.ANNULMENT.label),
        ],
        widget=forms.RadioSelect,
    )
    titles = forms.CharField(
        label=_("Números de título"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Uno por línea, por ejemplo BG-2025-000001."),
    )
    motive = forms.ModelChoiceField(label=_("Motivo"), queryset=Motive.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["motive"].queryset = Motive.objects.filter(
            kind__in=[MotiveKind.REPRINT, MotiveKind.ANNULMENT], is_active=True
        ).order_by("kind", "position")

    def clean_titles(self) -> list[str]:
        return [t for t in self.cleaned_data["titles"].replace(",", " ").split() if t]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        motive, kind = cleaned.get("motive"), cleaned.get("kind")
        if motive is not None and kind and motive.kind != kind:
            self.add_error("motive", _("Ese motivo no corresponde al tipo de solicitud."))
        return cleaned
