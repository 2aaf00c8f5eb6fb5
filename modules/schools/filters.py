"""The public school directory's search and filters (django-filter).

Parameter names are Spanish because they show in the address bar: ``q``, ``departamento``,
``municipio``, ``sector``, ``zona``. Departments and municipalities are chosen by code.
"""

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .choices import SchoolSector, Zone
from .models import Department, Municipality, School


def _municipalities(request: HttpRequest | None) -> QuerySet[Municipality]:
    # Once a department is chosen, offer only its municipalities.
    municipalities = Municipality.objects.order_by("code")
    department_code = request.GET.get("departamento", "") if request is not None else ""
    if department_code:
        municipalities = municipalities.filter(department__code=department_code)
    return municipalities


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

    class Meta:
        model = School
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet[School], name: str, value: str) -> QuerySet[School]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__istartswith=value))
