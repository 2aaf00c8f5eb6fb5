"""Filters of the audit trail, shared by the auditor pages, the CSV export and the API.

Parameter names are Spanish because they show in the address bar.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def _date_input() -> forms.DateInput:
    # Browsers' date pickers send and expect ISO dates, whatever the page's language.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditEventFilter(django_filters.FilterSet):
    tipo = django_filters.CharFilter(
        label=_("Tipo de objeto"), field_name="object_type", max_length=80
    )
    accion = django_filters.CharFilter(label=_("Acción"), field_name="action", max_length=80)
    actor = IntegerFilter(label=_("Actor (id de usuario)"), field_name="actor_id", min_value=1)
    cadena = django_filters.CharFilter(label=_("Cadena"), field_name="chain_key", max_length=120)
    objeto = django_filters.CharFilter(
        label=_("Texto en el id del objeto"),
        field_name="object_id",
        lookup_expr="icontains",
        max_length=64,
    )
    desde = django_filters.DateFilter(
        label=_("Desde"),
        field_name="occurred_at",
        lookup_expr="date__gte",
        widget=_date_input(),
    )
    hasta = django_filters.DateFilter(
        label=_("Hasta"),
        field_name="occurred_at",
        lookup_expr="date__lte",
        widget=_date_input(),
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def is_valid(self) -> bool:
        valid = super().is_valid()
        start, end = (self.form.cleaned_data.get(name) for name in ("desde", "hasta"))
        if valid and start and end and start > end:
            self.form.add_error("hasta", _("La fecha final es anterior a la inicial."))
            return False
        return valid
