"""Forms of the school's finance pages: they only parse; services validate and write."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import SalvadoranDateInput

from .choices import DocumentKind, FundSource, LineKind, PaymentMethod
from .forms_funds import MONTH_NAMES
from .models import BankAccount, BudgetLine, Category

# How a new line is spread over the twelve months.
AUTO, CUSTOM = "auto", "custom"


class LineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tipo"), choices=LineKind.choices)
    source = forms.ChoiceField(label=_("Fuente"), choices=FundSource.choices)
    category = forms.ModelChoiceField(
        label=_("Categoría"), queryset=Category.objects.filter(is_active=True)
    )
    description = forms.CharField(label=_("Descripción"), max_length=200)
    amount = forms.DecimalField(
        label=_("Monto (US$)"), max_digits=14, decimal_places=2, min_value=0.01
    )
    split = forms.ChoiceField(
        label=_("Distribución mensual"),
        choices=[
            (AUTO, _("Automática: partes iguales en los doce meses")),
            (CUSTOM, _("Personalizada: escribo el monto de cada mes")),
        ],
        initial=AUTO,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for month, name in MONTH_NAMES:
            self.fields[f"month_{month}"] = forms.DecimalField(
                label=name,
                required=False,
                max_digits=14,
                decimal_places=2,
                min_value=0,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "data-month": month}),
            )

    def line_fields(self) -> list:
        return [self[name] for name in self.fields if not name.startswith(("month_", "split"))]

    def month_fields(self) -> list:
        return [self[f"month_{month}"] for month, _name in MONTH_NAMES]

    def line_data(self) -> dict:
        """The line itself (what ``budget_line_add`` takes besides ``months``)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if not name.startswith(("month_", "split"))
        }

    def typed_total(self) -> Decimal:
        """The sum of the months as typed (what could not be read counts as zero)."""
        total = Decimal("0.00")
        if not self.is_bound:
            return total
        for month, _name in MONTH_NAMES:
            raw = str(self.data.get(f"month_{month}", "") or "").strip().replace(",", ".")
            try:
                total += Decimal(raw).quantize(Decimal("0.01")) if raw else Decimal("0")
            except ArithmeticError:
                continue
        return total

    def months(self) -> dict | None:
        """The months typed (blank is zero) for a custom split; ``None``: the automatic one."""
        if self.cleaned_data.get("split") != CUSTOM:
            return None
        return {
            month: self.cleaned_data.get(f"month_{month}") or Decimal("0")
            for month, _name in MONTH_NAMES
        }


class InvoiceForm(forms.Form):
    line = forms.ModelChoiceField(label=_("Línea de gasto"), queryset=BudgetLine.objects.none())
    kind = forms.ChoiceField(label=_("Documento"), choices=DocumentKind.choices)
    supplier_name = forms.CharField(label=_("Proveedor (empresa)"), max_length=150)
    supplier_nit = forms.CharField(
        label=_("NIT del proveedor"), max_length=20, help_text=_("14 dígitos, con o sin guiones.")
    )
    number = forms.CharField(label=_("Número de documento"), max_length=40)
    issued_on = forms.DateField(label=_("Fecha"), widget=SalvadoranDateInput())
    amount = forms.DecimalField(
        label=_("Monto (US$)"), max_digits=14, decimal_places=2, min_value=0.01
    )

    def __init__(self, *args, budget=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if budget is not None:
            self.fields["line"].queryset = budget.lines.filter(kind=LineKind.EXPENSE)


class PaymentForm(forms.Form):
    method = forms.ChoiceField(label=_("Forma de pago"), choices=PaymentMethod.choices)
    account = forms.ModelChoiceField(
        label=_("Cuenta bancaria"), queryset=BankAccount.objects.none(), required=False
    )
    cheque_number = forms.CharField(label=_("Número de cheque"), max_length=20, required=False)

    def __init__(self, *args, school_id=None, accounts=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if school_id is not None:
            self.fields["account"].queryset = BankAccount.objects.filter(
                school_id=school_id, is_active=True
            )
        if accounts is not None:
            # Accounts already read: the form renders once per invoice without a query each.
            self.fields["account"].choices = [
                ("", self.fields["account"].empty_label),
                *((account.pk, str(account)) for account in accounts),
            ]


class BudgetFilterForm(forms.Form):
    anio = forms.IntegerField(label=_("Año fiscal"), required=False, min_value=2000, max_value=2100)
    departamento = forms.CharField(label=_("Departamento (código)"), required=False, max_length=2)
    estado = forms.ChoiceField(label=_("Estado"), required=False)
    centro = forms.CharField(label=_("Código de centro"), required=False, max_length=15)

    def __init__(self, *args, **kwargs) -> None:
        from .choices import BudgetStatus

        super().__init__(*args, **kwargs)
        self.fields["estado"].choices = [("", _("Todos")), *BudgetStatus.choices]


class PlanItemForm(forms.Form):
    line = forms.ModelChoiceField(label=_("Línea de gasto"), queryset=BudgetLine.objects.none())
    description = forms.CharField(label=_("Bien o servicio"), max_length=200)
    quantity = forms.IntegerField(label=_("Cantidad"), min_value=1, max_value=1_000_000)
    unit_price = forms.DecimalField(
        label=_("Precio unitario (US$)"), max_digits=14, decimal_places=3, min_value=0.01
    )
    month = forms.TypedChoiceField(
        label=_("Mes previsto"), coerce=int, choices=[(m, m) for m in range(1, 13)]
    )

    def __init__(self, *args, budget=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if budget is not None:
            self.fields["line"].queryset = budget.lines.filter(kind=LineKind.EXPENSE)


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decisión"),
        choices=[("approve", _("Aprobar")), ("observe", _("Observar"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Observaciones"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LiquidationForm(forms.Form):
    supplier_returns = forms.DecimalField(
        label=_("Devoluciones de proveedores (US$)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        initial=0,
    )


class EvaluationForm(forms.Form):
    note = forms.CharField(
        label=_("Evaluación"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
