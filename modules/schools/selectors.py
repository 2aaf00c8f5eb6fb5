"""Reads of the geography and the school registry.

``SCHOOL_PATHS`` and ``SECTION_PATHS`` say how a school and a section reach each scope target;
other apps build theirs on top (e.g. a model with a ``school`` foreign key prefixes them with
``school__``) and pass them to ``core.accounts.scopes.scope_filter``.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from core.accounts.scopes import ScopePaths, scope_filter

from .filters import SchoolFilter
from .models import School, Section

SCHOOL_PATHS = ScopePaths(
    department="municipality__department", municipality="municipality", school="id"
)
SECTION_PATHS = ScopePaths(
    department="school__municipality__department",
    municipality="school__municipality",
    school="school",
    section="id",
)


def _schools() -> QuerySet[School]:
    return School.objects.select_related("municipality__department", "district")


def _public_schools() -> QuerySet[School]:
    return _schools().filter(is_active=True).order_by("name", "code")


def school_directory_filter(
    *, filters: Mapping[str, Any] | None, request: HttpRequest | None = None
) -> SchoolFilter:
    """The directory's bound filter set: ``.qs`` holds the matching active schools and
    ``.form`` the search form. ``request`` narrows the municipality choices to the chosen
    department."""
    return SchoolFilter(data=filters, queryset=_public_schools(), request=request)


def school_list(*, actor: Any = None, filters: Mapping[str, Any] | None = None) -> QuerySet[School]:
    """The public directory: every active school, searched and filtered by ``filters``
    (the directory's query parameters; invalid values are ignored, never an error).

    The registry is public information, so ``actor`` does not narrow the result; it is taken so
    that callers pass whoever is asking, like every other selector. Staff views that must see
    inactive schools inside a scope use ``school_list_for``.
    """
    if not filters:
        return _public_schools()
    return school_directory_filter(filters=filters).qs


def school_list_for(actor: Any, roles: Iterable[str]) -> QuerySet[School]:
    """Schools (active or not) that ``actor`` reaches through any of ``roles``."""
    return scope_filter(actor, _schools().order_by("code"), roles=roles, paths=SCHOOL_PATHS)


def school_get_public(*, code: str) -> School:
    """One active school with what its public page shows; ``School.DoesNotExist`` otherwise."""
    return _schools().select_related("attached_to", "infrastructure").get(code=code, is_active=True)


def school_attached_list(*, school: School) -> QuerySet[School]:
    """The active schools attached to ``school`` (its director signs for them)."""
    return school.attached_schools.filter(is_active=True).order_by("name", "code")


def section_list_for(
    actor: Any, roles: Iterable[str], *, school_year: int | None = None
) -> QuerySet[Section]:
    """Sections ``actor`` reaches through any of ``roles``, optionally of one school year."""
    sections = Section.objects.select_related("school__municipality__department")
    if school_year is not None:
        sections = sections.filter(school_year=school_year)
    return scope_filter(actor, sections, roles=roles, paths=SECTION_PATHS)


def school_offer(*, school: School) -> list[Any]:
    """What a school offers this school year: one row per level, grade and shift of its
    sections (one query), in the structure's order."""
    return list(
        Section.objects.filter(school=school, school_year__is_current=True)
        .values_list("grade__level__name", "grade__name", "shift", named=True)
        .order_by("grade__level__position", "grade__position", "shift")
        .distinct()
    )
