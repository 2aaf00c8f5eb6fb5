"""Filters of the audit trail, shared by the auditor pages, the CSV export and the API.

Parameter names are Spanish because they show in the address bar.
"""

import re

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.accounts.dui import normalize_dui
from core.widgets import SalvadoranDateInput

from .models import AuditEvent
from .registry import find_cases

# What looks like a DUI rather than a name: digits, with or without the hyphen.
_DUI_LIKE = re.compile(r"[0-9]{1,8}-?[0-9]")


class ActorField(forms.CharField):
    """A person by DUI (checked, check digit included) or by name (words, in any order)."""

    def clean(self, value: str | None) -> tuple[str, object] | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        if _DUI_LIKE.fullmatch(text):
            return ("dui", normalize_dui(text))
        return ("name", text.split())


class ActorFilter(django_filters.Filter):
    field_class = ActorField

    def filter(self, qs: QuerySet[AuditEvent], value: tuple[str, object] | None) -> QuerySet:
        if not value:
            return qs
        kind, wanted = value
        if kind == "dui":
            return qs.filter(actor__dui=wanted)
        # actor_label is the name as it was when the event was written, so people are found
        # by the name the trail shows even after a change of name.
        condition = Q()
        for word in wanted:  # type: ignore[attr-defined]
            condition &= Q(actor_label__icontains=word)
        return qs.filter(condition)


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def _date_input() -> forms.DateInput:
    # Typed dd/mm/aaaa whatever the browser's language; ISO still works in links and the API.
    return SalvadoranDateInput()


class AuditEventFilter(django_filters.FilterSet):
    caso = django_filters.CharFilter(
        label=_("Número de caso"),
        method="filter_case",
        max_length=40,
        help_text=_("Por ejemplo MA-2026-000001: muestra todo el historial de ese caso."),
    )
    persona = ActorFilter(
        label=_("Actor (nombre o DUI)"),
        # The filter reads the DUI or the stored name itself; the field name only tells the
        # API schema that the parameter is text.
        field_name="actor_label",
        max_length=120,
        help_text=_("El nombre, o parte de él, o el DUI con o sin guion."),
    )
    tipo = django_filters.CharFilter(
        label=_("Tipo de objeto"), field_name="object_type", max_length=80
    )
    accion = django_filters.CharFilter(label=_("Acción"), field_name="action", max_length=80)
    # By account id: kept for the API and for links; the page offers "persona" instead.
    actor = IntegerFilter(
        label=_("Actor (id de usuario)"),
        field_name="actor_id",
        min_value=1,
        widget=forms.HiddenInput,
    )
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

    def filter_case(self, queryset: QuerySet[AuditEvent], name: str, value: str) -> QuerySet:
        keys = [key for match in self.case_matches for key in match.chain_keys]
        return queryset.filter(chain_key__in=keys)

    @property
    def case_matches(self) -> list:
        """The cases whose number was asked for (``caso``), found once per request."""
        if not hasattr(self, "_case_matches"):
            wanted = self.form.cleaned_data.get("caso") if self.form.is_valid() else ""
            self._case_matches = find_cases(wanted) if wanted else []
        return self._case_matches

    def is_valid(self) -> bool:
        valid = super().is_valid()
        start, end = (self.form.cleaned_data.get(name) for name in ("desde", "hasta"))
        if valid and start and end and start > end:
            self.form.add_error("hasta", _("La fecha final es anterior a la inicial."))
            return False
        return valid
