"""Scoped reads of students and enrollments (core.accounts.scopes; outside the scope: 404).

Teachers reach the students of their sections, directors their school's, departmental officers
their department's, ministry staff and auditors everything, and a guardian their own children
(the guardian grant points at the child's person).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from core.accounts.choices import Role
from core.accounts.scopes import ScopePaths, any_of, get_in_scope_or_404, scope_filter, scope_q

from .choices import CURRENT_STATUSES
from .models import Enrollment, Student

ENROLLMENT_PATHS = ScopePaths(
    department="school__municipality__department_id",
    municipality="school__municipality_id",
    school="school_id",
    section="section_id",
    person="student__person_id",
)
# A student is reached through any of their enrollments, or (guardians) through their person.
STUDENT_VIA_ENROLLMENT_PATHS = ScopePaths(
    department="school__municipality__department_id",
    municipality="school__municipality_id",
    school="school_id",
    section="section_id",
)

READ_ROLES = (
    Role.TEACHER,
    Role.DIRECTOR,
    Role.DEPARTMENTAL_OFFICER,
    Role.MINISTRY_OFFICER,
    Role.AUDITOR,
    Role.GUARDIAN,
)
# Who enrolls, withdraws and transfers: the school's director (docs/domain.md §4).
WRITE_ROLES = (Role.DIRECTOR,)


def enrollment_scope(actor: Any, roles: Iterable[str] = READ_ROLES) -> QuerySet[Enrollment]:
    return scope_filter(actor, Enrollment.objects.all(), roles=roles, paths=ENROLLMENT_PATHS)


def student_scope(actor: Any, roles: Iterable[str] = READ_ROLES) -> QuerySet[Student]:
    """Students the actor may see: through a scoped enrollment, or as their guardian."""
    roles = tuple(roles)
    via_enrollment = scope_q(actor, roles, STUDENT_VIA_ENROLLMENT_PATHS)
    if via_enrollment:  # scoped (an empty Q, a national grant, stays "everything")
        via_enrollment = Q(pk__in=Enrollment.objects.filter(via_enrollment).values("student_id"))
    condition = any_of([via_enrollment, scope_q(actor, roles, ScopePaths(person="person_id"))])
    if condition is None:
        return Student.objects.none()
    return Student.objects.filter(condition)


def student_get(actor: Any, *, pk: int) -> Student:
    student = student_scope(actor).select_related("person").filter(pk=pk).first()
    if student is None:
        raise Http404
    return student


def enrollment_get(actor: Any, *, pk: int, roles: Iterable[str] = READ_ROLES) -> Enrollment:
    return get_in_scope_or_404(
        actor,
        Enrollment.objects.select_related(
            "student__person", "section__grade", "school", "withdrawal_motive"
        ),
        roles=roles,
        paths=ENROLLMENT_PATHS,
        pk=pk,
    )


ENROLLMENT_ROW_FIELDS = (
    "pk",
    "student_id",
    "student__nie",
    "student__person__first_names",
    "student__person__last_names",
    "section_id",
    "section__name",
    "section__grade__name",
    "school_id",
    "school_year_id",
    "status",
    "enrolled_on",
    "ended_on",
    "withdrawal_motive__code",
    "is_repeater",
)


def enrollment_rows(actor: Any, *, section_id: int | None = None, school_year: int | None = None):
    """Named rows for enrollment lists: one query whatever the number of rows."""
    enrollments = enrollment_scope(actor)
    if section_id is not None:
        enrollments = enrollments.filter(section_id=section_id)
    if school_year is not None:
        enrollments = enrollments.filter(school_year_id=school_year)
    return enrollments.order_by(
        "section__grade__position", "student__person__last_names", "student__person__first_names"
    ).values_list(*ENROLLMENT_ROW_FIELDS, named=True)


def section_current_counts(section_ids: Iterable[int]) -> dict[int, int]:
    """Provisional + active enrollments per section (one query)."""
    rows = (
        Enrollment.objects.filter(section_id__in=list(section_ids), status__in=CURRENT_STATUSES)
        .order_by()
        .values("section_id")
        .annotate(n=Count("pk"))
        .values_list("section_id", "n")
    )
    return dict(rows)


# --- Academic record ------------------------------------------------------------------------


@dataclass
class RecordYear:
    """One enrollment of the record, with what other modules attach (grades, results)."""

    enrollment_id: int
    school_year: int
    school_code: str
    school_name: str
    grade: str
    section: str
    status: str
    is_repeater: bool
    enrolled_on: Any
    ended_on: Any
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass
class AcademicRecord:
    student: Student
    years: list[RecordYear]


# Other modules (grades) add to each year of the record: ``contributor(years)`` fills
# ``year.extras[key]`` for all years with a fixed number of queries.
RecordContributor = Callable[[list[RecordYear]], None]
_RECORD_CONTRIBUTORS: dict[str, RecordContributor] = {}


def register_record_contributor(key: str, contributor: RecordContributor) -> None:
    _RECORD_CONTRIBUTORS[key] = contributor


def academic_record(actor: Any, *, student_id: int) -> AcademicRecord:
    """A student's enrollments across years and schools (2 queries plus one per contributor).

    Every year of the record is shown to whoever may see the student, including years at
    schools outside their scope: the record follows the student (docs/domain.md §4).
    """
    student = student_get(actor, pk=student_id)
    rows = (
        Enrollment.objects.filter(student_id=student.pk)
        .order_by("school_year_id", "enrolled_on", "pk")
        .values_list(
            "pk",
            "school_year_id",
            "school__code",
            "school__name",
            "section__grade__name",
            "section__name",
            "status",
            "is_repeater",
            "enrolled_on",
            "ended_on",
            named=True,
        )
    )
    years = [
        RecordYear(
            enrollment_id=row.pk,
            school_year=row.school_year_id,
            school_code=row.school__code,
            school_name=row.school__name,
            grade=row.section__grade__name,
            section=row.section__name,
            status=row.status,
            is_repeater=row.is_repeater,
            enrolled_on=row.enrolled_on,
            ended_on=row.ended_on,
        )
        for row in rows
    ]
    for contributor in _RECORD_CONTRIBUTORS.values():
        contributor(years)
    return AcademicRecord(student=student, years=years)
