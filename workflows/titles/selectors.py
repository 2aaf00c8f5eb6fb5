"""Reads of the titles process for its pages (scoped through core.accounts.scopes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from core.accounts.choices import Role
from core.accounts.scopes import ScopePaths, scope_filter
from modules.documents.choices import RequestKind, RequestStatus
from modules.documents.models import TitleDefinition, TitleRequest
from modules.documents.selectors import title_request_scope
from modules.schools.models import Section
from modules.students.choices import EnrollmentStatus
from modules.students.models import Enrollment

from .models import TitleProcess

DETAIL_STUDENT_ROWS = 60
SECTION_PATHS = ScopePaths(
    department="school__municipality__department_id",
    municipality="school__municipality_id",
    school="school_id",
)
REQUEST_ROLES = (Role.REGISTRAR,)
LIST_ROLES = (Role.AUDITOR, Role.MINISTRY_OFFICER, Role.DEPARTMENTAL_OFFICER)


def process_details(*, process_pk: int) -> list[dict[str, Any]]:
    """Rows (label, value, url) describing one title request on the task and process pages."""
    process = (
        TitleProcess.objects.select_related(
            "title_request__definition",
            "title_request__section__grade",
            "title_request__director__person",
            "title_request__motive",
            "school",
        )
        .filter(pk=process_pk)
        .first()
    )
    if process is None:
        return []
    request = process.title_request
    url = reverse("titles:request", kwargs={"pk": request.pk})
    rows = [
        {"label": _("Solicitud"), "value": request.number, "url": url},
        {"label": _("Tipo"), "value": request.get_kind_display(), "url": ""},
        {"label": _("Estado de la solicitud"), "value": request.get_status_display(), "url": ""},
        {"label": _("Título"), "value": request.definition.name, "url": ""},
        {
            "label": _("Centro educativo"),
            "value": f"{process.school.code} {process.school.name}",
            "url": "",
        },
        {"label": _("Año de graduación"), "value": str(request.graduation_year), "url": ""},
        {"label": _("Director que firma"), "value": request.director.person.full_name, "url": ""},
    ]
    if request.section is not None:
        rows.append(
            {
                "label": _("Sección"),
                "value": f"{request.section.grade.name} {request.section.name}",
                "url": "",
            }
        )
    if request.motive is not None:
        rows.append({"label": _("Motivo"), "value": request.motive.name, "url": ""})
    if request.resolution_number:
        rows.append({"label": _("Resolución"), "value": request.resolution_number, "url": ""})
    items = list(
        request.items.order_by(
            "student__person__last_names", "student__person__first_names"
        ).values_list(
            "student__nie",
            "student__person__first_names",
            "student__person__last_names",
            "excluded",
            "exclusion_motive__name",
            "original_title__number",
            named=True,
        )[: DETAIL_STUDENT_ROWS + 1]
    )
    for item in items[:DETAIL_STUDENT_ROWS]:
        value = f"{item.student__person__first_names} {item.student__person__last_names}"
        if item.original_title__number:
            value += " · " + _("título %(number)s") % {"number": item.original_title__number}
        if item.excluded:
            value += " · " + _("excluido: %(motive)s") % {"motive": item.exclusion_motive__name}
        rows.append(
            {"label": _("NIE %(nie)s") % {"nie": item.student__nie}, "value": value, "url": ""}
        )
    if len(items) > DETAIL_STUDENT_ROWS:
        rows.append({"label": "", "value": _("Ver todos en la solicitud"), "url": url})
    return rows


@dataclass(frozen=True)
class EligibleSection:
    pk: int
    label: str
    year: int
    promoted: int


def sections_for_registrar(actor: Any) -> list[EligibleSection]:
    """The sections of the registrar's schools whose students graduate (the last grade of a
    bachillerato), with how many passed. Two queries."""
    grades = list(TitleDefinition.objects.filter(is_active=True).values_list("grade_id", flat=True))
    sections = (
        scope_filter(actor, Section.objects.all(), roles=REQUEST_ROLES, paths=SECTION_PATHS)
        .filter(grade_id__in=grades)
        .annotate(
            promoted=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.PROMOTED))
        )
        .order_by("-school_year_id", "school__code", "grade__position", "name")
        .values_list("pk", "school__code", "grade__name", "name", "school_year_id", "promoted",
                     named=True)
    )  # fmt: skip
    return [
        EligibleSection(
            pk=row.pk,
            label=f"{row.school__code} · {row.grade__name} {row.name} ({row.school_year_id})",
            year=row.school_year_id,
            promoted=row.promoted,
        )
        for row in sections
    ]


def section_for_registrar(actor: Any, pk: int) -> Section | None:
    grades = TitleDefinition.objects.filter(is_active=True).values("grade_id")
    return (
        scope_filter(actor, Section.objects.all(), roles=REQUEST_ROLES, paths=SECTION_PATHS)
        .filter(grade_id__in=grades)
        .select_related("school", "grade")
        .filter(pk=pk)
        .first()
    )


def section_students(section: Section) -> list[tuple[int, str]]:
    """(student id, label) of a section's enrollments, promoted first (one query)."""
    rows = (
        Enrollment.objects.filter(section=section)
        .exclude(status__in=[EnrollmentStatus.ANNULLED, EnrollmentStatus.TRANSFERRED])
        .order_by("student__person__last_names", "student__person__first_names")
        .values_list(
            "student_id", "student__nie", "student__person__first_names",
            "student__person__last_names", "status", named=True,
        )
    )  # fmt: skip
    choices = []
    for row in rows:
        name = f"{row.student__person__last_names}, {row.student__person__first_names}"
        label = f"{name} · NIE {row.student__nie}"
        if row.status != EnrollmentStatus.PROMOTED:
            label += " · " + str(EnrollmentStatus(row.status).label)
        choices.append((row.student_id, label))
    return choices


@dataclass(frozen=True)
class RequestFilters:
    status: str = ""
    kind: str = ""
    school: str = ""
    year: int | None = None


REQUEST_ROW_FIELDS = (
    "pk",
    "number",
    "kind",
    "status",
    "school__code",
    "school__name",
    "graduation_year",
    "requested_on",
    "generation_done",
    "generation_total",
    "printed_at",
    "delivered_at",
    "process__pk",
)


def request_rows(actor: Any, *, filters: RequestFilters, roles: tuple[str, ...] = LIST_ROLES):
    """Named rows of title requests in the actor's scope: one query whatever the page size."""
    rows: QuerySet[TitleRequest] = title_request_scope(actor, roles)
    if filters.status in RequestStatus.values:
        rows = rows.filter(status=filters.status)
    if filters.kind in RequestKind.values:
        rows = rows.filter(kind=filters.kind)
    if filters.school:
        rows = rows.filter(school__code__iexact=filters.school.strip())
    if filters.year:
        rows = rows.filter(graduation_year=filters.year)
    return rows.order_by("-created_at", "-pk").values_list(*REQUEST_ROW_FIELDS, named=True)


def my_requests(actor: Any, limit: int = 20) -> list[Any]:
    return list(request_rows(actor, filters=RequestFilters(), roles=REQUEST_ROLES)[:limit])
