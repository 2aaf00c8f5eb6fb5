"""The public school directory's search and filters (django-filter).

Parameter names are Spanish because they show in the address bar: ``q``, ``departamento``,
``municipio``, ``sector``, ``zona``, ``nivel``, ``turno``, ``servicios``. Departments,
municipalities and levels are chosen by code. Level and shift belong to sections, so they match
schools with a section of that level or shift in the current school year.
"""

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.forms import CheckboxSelectMultiple
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .choices import SchoolSector, Shift, Zone
from .models import Department, Level, Municipality, School, Section


def _municipalities(request: HttpRequest | None) -> QuerySet[Municipality]:
    # Once a department is chosen, offer only its municipalities.
    municipalities = Municipality.objects.order_by("code")
    department_code = request.GET.get("departamento", "") if request is not None else ""
    if department_code:
        municipalities = municipalities.filter(department__code=department_code)
    return municipalities


# Parameter value -> infrastructure flag.
INFRASTRUCTURE_FLAGS = {
    "agua": "has_water",
    "electricidad": "has_electricity",
    "internet": "has_internet",
    "accesible": "is_accessible",
}
INFRASTRUCTURE_CHOICES = (
    ("agua", _("Agua potable")),
    ("electricidad", _("Energía eléctrica")),
    ("internet", _("Internet")),
    ("accesible", _("Accesibilidad")),
)


def _current_sections(**conditions: Any) -> Exists:
    return Exists(
        Section.objects.filter(school_id=OuterRef("pk"), school_year__is_current=True, **conditions)
    )


class SchoolFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Nombre o código"), method="filter_search", max_length=100
    )
    departamento = django_filters.ModelChoiceFilter(
        label=_("Departamento"),
        field_name="municipality__department",
        to_field_name="code",
        queryset=Department.objects.order_by("code"),
        empty_label=_("Todos"),
    )
    municipio = django_filters.ModelChoiceFilter(
        label=_("Municipio"),
        field_name="municipality",
        to_field_name="code",
        queryset=_municipalities,
        empty_label=_("Todos"),
    )
    sector = django_filters.ChoiceFilter(
        label=_("Sector"), choices=SchoolSector.choices, empty_label=_("Todos")
    )
    zona = django_filters.ChoiceFilter(
        label=_("Zona"), field_name="zone", choices=Zone.choices, empty_label=_("Todas")
    )

    nivel = django_filters.ModelChoiceFilter(
        label=_("Nivel educativo"),
        to_field_name="code",
        queryset=Level.objects.order_by("position"),
        empty_label=_("Todos"),
        method="filter_level",
    )
    turno = django_filters.ChoiceFilter(
        label=_("Turno"), choices=Shift.choices, empty_label=_("Todos"), method="filter_shift"
    )
    servicios = django_filters.MultipleChoiceFilter(
        label=_("Con"),
        choices=INFRASTRUCTURE_CHOICES,
        method="filter_infrastructure",
        widget=CheckboxSelectMultiple,
    )

    class Meta:
        model = School
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet[School], name: str, value: str) -> QuerySet[School]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__istartswith=value))

    def filter_level(self, queryset: QuerySet[School], name: str, value: Level) -> QuerySet[School]:
        return queryset.filter(_current_sections(grade__level=value))

    def filter_shift(self, queryset: QuerySet[School], name: str, value: str) -> QuerySet[School]:
        return queryset.filter(_current_sections(shift=value))

    def filter_infrastructure(
        self, queryset: QuerySet[School], name: str, value: list[str]
    ) -> QuerySet[School]:
        flags = {f"infrastructure__{INFRASTRUCTURE_FLAGS[v]}": True for v in value}
        return queryset.filter(**flags) if flags else queryset
