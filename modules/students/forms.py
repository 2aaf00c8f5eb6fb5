"""Forms of the director's enrollment pages. They only parse input; services decide."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.accounts.choices import Sex
from modules.schools.models import Section

from .choices import MotiveKind
from .models import Student, WithdrawalMotive


class EnrollForm(forms.Form):
    """Enroll an existing student (by NIE) or register a new child and enroll them."""

    nie = forms.IntegerField(
        label=_("NIE del estudiante"),
        required=False,
        min_value=1,
        help_text=_("Déjelo vacío para registrar a un estudiante nuevo."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    first_names = forms.CharField(label=_("Nombres"), max_length=100, required=False)
    last_names = forms.CharField(label=_("Apellidos"), max_length=100, required=False)
    birth_date = forms.DateField(
        label=_("Fecha de nacimiento"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sex = forms.ChoiceField(label=_("Sexo"), choices=[("", "—"), *Sex.choices], required=False)
    provisional = forms.BooleanField(
        label=_("Matrícula provisional (faltan documentos)"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        nie = data.get("nie")
        if nie:
            student = Student.objects.select_related("person").filter(nie=nie).first()
            if student is None:
                self.add_error("nie", _("No hay ningún estudiante con ese NIE."))
            data["student"] = student
            return data
        for name in ("first_names", "last_names", "birth_date"):
            if not data.get(name):
                self.add_error(name, _("Obligatorio para un estudiante nuevo."))
        birth_date = data.get("birth_date")
        if birth_date and birth_date > timezone.localdate():
            self.add_error("birth_date", _("La fecha de nacimiento no puede ser futura."))
        return data


def _motives(*kinds: str) -> QuerySet[WithdrawalMotive]:
    return WithdrawalMotive.objects.filter(is_active=True, kind__in=kinds).order_by("position")


class WithdrawForm(forms.Form):
    motive = forms.ModelChoiceField(
        label=_("Motivo"),
        queryset=_motives(MotiveKind.DROPOUT),
        to_field_name="code",
        empty_label=_("Elija el motivo"),
    )
    on = forms.DateField(
        label=_("Fecha de retiro"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    note = forms.CharField(label=_("Observación"), max_length=300, required=False)


class TransferForm(forms.Form):
    """A section change inside the school (the receiving school registers school transfers)."""

    to_section = forms.ModelChoiceField(label=_("Nueva sección"), queryset=Section.objects.none())
    motive = forms.ModelChoiceField(
        label=_("Motivo"),
        queryset=_motives(MotiveKind.SECTION_CHANGE),
        to_field_name="code",
        empty_label=_("Elija el motivo"),
    )
    on = forms.DateField(
        label=_("Fecha del cambio"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    note = forms.CharField(label=_("Observación"), max_length=300, required=False)

    def __init__(self, *args: Any, sections: QuerySet[Section], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_section"].queryset = sections
        self.fields["to_section"].label_from_instance = _section_label


class ReceiveForm(forms.Form):
    """Receive a student transferred from another school, by NIE."""

    nie = forms.IntegerField(
        label=_("NIE del estudiante"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    to_section = forms.ModelChoiceField(label=_("Sección"), queryset=Section.objects.none())
    motive = forms.ModelChoiceField(
        label=_("Motivo del traslado"),
        queryset=_motives(MotiveKind.TRANSFER),
        to_field_name="code",
        empty_label=_("Elija el motivo"),
    )
    on = forms.DateField(
        label=_("Fecha del traslado"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    note = forms.CharField(label=_("Observación"), max_length=300, required=False)

    def __init__(self, *args: Any, sections: QuerySet[Section], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_section"].queryset = sections
        self.fields["to_section"].label_from_instance = _section_label


def _section_label(section: Section) -> str:
    return f"{section.grade.name} {section.name} · {section.get_shift_display()}"
