"""Forms of the pages for ministry transfers, the school board and bank accounts: they only
parse; the services validate (Spanish errors keyed by field) and write."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import SalvadoranDateInput

from .choices import AllocationStatus, BoardKind, BoardRole
from .models import BankAccount

MONTH_NAMES = [
    (1, _("Enero")),
    (2, _("Febrero")),
    (3, _("Marzo")),
    (4, _("Abril")),
    (5, _("Mayo")),
    (6, _("Junio")),
    (7, _("Julio")),
    (8, _("Agosto")),
    (9, _("Septiembre")),
    (10, _("Octubre")),
    (11, _("Noviembre")),
    (12, _("Diciembre")),
]


def _money(label: str, *, min_value: Decimal | None = Decimal("0.01")) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=min_value,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class TransferForm(forms.Form):
    year = forms.IntegerField(label=_("Año fiscal"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Nombre"), max_length=150)
    total = _money(_("Monto total (US$)"))
    school_ceiling = _money(_("Techo por centro (US$)"))


class TransferFilterForm(forms.Form):
    anio = forms.IntegerField(label=_("Año fiscal"), required=False, min_value=2000, max_value=2100)


class AllocationForm(forms.Form):
    school = forms.CharField(
        label=_("Código del centro"), max_length=15, help_text=_("Por ejemplo DEMO-001.")
    )
    amount = _money(_("Monto (US$)"))


class AllocationFilterForm(forms.Form):
    departamento = forms.CharField(label=_("Departamento (código)"), required=False, max_length=2)
    estado = forms.ChoiceField(label=_("Estado"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estado"].choices = [("", _("Todos")), *AllocationStatus.choices]


class BoardForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Tipo"),
        required=False,
        choices=[("", _("Según el sector del centro")), *BoardKind.choices],
    )
    term_start = forms.DateField(label=_("Inicio del período"), widget=SalvadoranDateInput())
    term_end = forms.DateField(label=_("Fin del período"), widget=SalvadoranDateInput())


class MemberForm(forms.Form):
    dui = forms.CharField(
        label=_("DUI"), max_length=10, help_text=_("Con el dígito verificador: 01234567-8.")
    )
    role = forms.ChoiceField(label=_("Cargo"), choices=BoardRole.choices)
    first_names = forms.CharField(
        label=_("Nombres"),
        max_length=100,
        required=False,
        help_text=_("Solo si la persona no está registrada en SIGES."),
    )
    last_names = forms.CharField(label=_("Apellidos"), max_length=100, required=False)


class EndTermForm(forms.Form):
    on = forms.DateField(
        label=_("Último día"),
        required=False,
        widget=SalvadoranDateInput(),
        help_text=_("Vacío: hoy."),
    )


class BankAccountForm(forms.Form):
    bank = forms.CharField(label=_("Banco"), max_length=100)
    number = forms.CharField(label=_("Número de cuenta"), max_length=30)
    opening_balance = _money(_("Saldo inicial (US$)"), min_value=None)


class ReconciliationForm(forms.Form):
    account = forms.ModelChoiceField(label=_("Cuenta"), queryset=BankAccount.objects.none())
    month = forms.TypedChoiceField(label=_("Mes"), coerce=int, choices=MONTH_NAMES)
    year = forms.IntegerField(label=_("Año"), min_value=2000, max_value=2100)
    statement_balance = _money(_("Saldo según el estado de cuenta (US$)"), min_value=None)
    note = forms.CharField(
        label=_("Explicación de la diferencia"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoria si el banco y los libros no coinciden."),
    )

    def __init__(self, *args, accounts=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if accounts is not None:
            self.fields["account"].queryset = accounts
