"""What a guardian sees of their children ("Mis hijos"), for the family pages and the API.

A guardian reaches a child through the guardian grant over the child's person
(``modules.students.services.guardian_link``), so every read starts from
``modules.students.selectors.student_scope`` with the guardian role alone: another child's id
answers 404. Each read is a fixed number of queries whatever the size of the child's history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, prefetch_related_objects
from django.http import Http404

from core.accounts.choices import Role
from modules.students.choices import EnrollmentStatus
from modules.students.models import Enrollment, Student
from modules.students.selectors import student_scope

from .choices import AttendanceStatus
from .models import AttendanceRecord, ConductEntry, GradeEntry, RecoveryGrade
from .promotion import DEFAULT_DEMERIT_LIMIT
from .scales import ScaleValue, scale_final, scale_passes
from .selectors import promotion_rule_for

FAMILY_ROLES = (Role.GUARDIAN,)


# --- Parts other apps add to the child's page ---------------------------------------------------


@dataclass(frozen=True)
class ChildSection:
    """A part of the child's page owned by a higher app (messages, permissions): ``template``
    is included with ``part`` set to ``context(actor, child)``; ``anchor`` and ``label`` go
    to the page's jump links."""

    key: str
    anchor: str
    label: Any
    template: str
    context: Any  # Callable[[actor, Child], dict]
    position: int = 100


_CHILD_SECTIONS: dict[str, ChildSection] = {}


def register_child_section(section: ChildSection) -> None:
    """Add (or replace, by key) a part of the child's page; call it from ``ready()``."""
    _CHILD_SECTIONS[section.key] = section


def child_sections(actor: Any, child: Child) -> list[dict[str, Any]]:
    """The registered parts for this child, in position order, each with its context."""
    return [
        {
            "anchor": s.anchor,
            "label": s.label,
            "template": s.template,
            "part": s.context(actor, child),
        }
        for s in sorted(_CHILD_SECTIONS.values(), key=lambda s: s.position)
    ]


# How many absences of the month the child's page lists (the summary counts them all).
ABSENCES_SHOWN = 31


def _enrollments() -> Any:
    return Enrollment.objects.exclude(status=EnrollmentStatus.ANNULLED).select_related(
        "school", "section__grade", "section__study_plan__scale"
    )


def _latest_first(queryset: Any) -> Any:
    return queryset.order_by("student_id", "-school_year_id", "-enrolled_on", "-pk")


@dataclass
class Child:
    student: Student
    enrollment: Enrollment | None  # the latest one (not annulled), None before any


def child_list(actor: Any) -> list[Child]:
    """The actor's children with their latest enrollment: two queries."""
    students = list(
        student_scope(actor, roles=FAMILY_ROLES)
        .select_related("person")
        .order_by("person__first_names", "person__last_names", "pk")
    )
    latest: dict[int, Enrollment] = {}
    if students:
        for enrollment in _latest_first(
            _enrollments().filter(student_id__in=[student.pk for student in students])
        ):
            latest.setdefault(enrollment.student_id, enrollment)
    return [Child(student, latest.get(student.pk)) for student in students]


def child_get(actor: Any, pk: int) -> Child:
    """One of the actor's children (404 for anyone else's) with the latest enrollment: two
    queries."""
    student = (
        student_scope(actor, roles=FAMILY_ROLES).select_related("person").filter(pk=pk).first()
    )
    if student is None:
        raise Http404
    enrollment = _latest_first(_enrollments().filter(student=student)).first()
    return Child(student, enrollment)


# --- Attendance -------------------------------------------------------------------------------


@dataclass
class AttendanceMonth:
    month: date | None  # the first day of the month shown; None when nothing was recorded
    months: list[date]  # every month with attendance recorded, oldest first
    present: int = 0
    absent: int = 0
    justified: int = 0
    absences: list[Any] = field(default_factory=list)  # (date, presence, reason) rows

    @property
    def days(self) -> int:
        return self.present + self.absent + self.justified

    @property
    def rate(self) -> int | None:
        return round(100 * self.present / self.days) if self.days else None


def attendance_month(enrollment: Enrollment, month: date | None = None) -> AttendanceMonth:
    """One month of a child's attendance (the latest recorded when ``month`` is None or has
    nothing): counts by status and the absences with their justification. Three queries."""
    records = AttendanceRecord.objects.filter(enrollment=enrollment)
    months = list(records.dates("date", "month"))
    if not months:
        return AttendanceMonth(None, [])
    wanted = month.replace(day=1) if month else None
    shown = wanted if wanted in months else months[-1]
    in_month = records.filter(date__year=shown.year, date__month=shown.month)
    counts = in_month.aggregate(
        present=Count("pk", filter=Q(presence=AttendanceStatus.PRESENT)),
        absent=Count("pk", filter=Q(presence=AttendanceStatus.ABSENT)),
        justified=Count("pk", filter=Q(presence=AttendanceStatus.JUSTIFIED)),
    )
    absences = list(
        in_month.exclude(presence=AttendanceStatus.PRESENT)
        .order_by("-date")
        .values_list("date", "presence", "reason", named=True)[:ABSENCES_SHOWN]
    )
    return AttendanceMonth(shown, months, absences=absences, **counts)


# --- Grades -----------------------------------------------------------------------------------


@dataclass
class SubjectGrades:
    subject: str
    cells: list[str]  # one per period, "" when not graded yet
    final: str
    passed: bool | None  # None while a period is missing
    recovery: str = ""
    periods: list[str] = field(default_factory=list)  # the periods' names, for the cells

    @property
    def by_period(self) -> list[tuple[str, str]]:
        return list(zip(self.periods, self.cells, strict=True))


@dataclass
class ChildGrades:
    scale: Any
    periods: list[Any]
    subjects: list[SubjectGrades]

    @property
    def concepts(self) -> list[Any]:
        return list(self.scale.concepts.all()) if self.scale else []


def _text(value: ScaleValue | None, scale: Any) -> str:
    if value is None:
        return ""
    if value.score is not None:
        return format(value.score.quantize(Decimal(1).scaleb(-scale.precision)), "f")
    return value.concept


def child_grades(enrollment: Enrollment) -> ChildGrades | None:
    """The enrollment's grades per subject and period with the final and pass/fail on the
    section's scale: five queries (subjects, periods, scale concepts, grades, recoveries)."""
    plan = enrollment.section.study_plan
    if plan is None:
        return None
    scale = plan.scale
    subjects = list(plan.subjects.order_by("position"))
    periods = list(plan.periods.order_by("number"))
    # Read once: deciding pass/fail on a conceptual scale reads them for every subject.
    prefetch_related_objects([scale], "concepts")
    values = {
        (subject_id, period_id): ScaleValue(score, concept)
        for subject_id, period_id, score, concept in GradeEntry.objects.filter(
            enrollment=enrollment
        ).values_list("subject_id", "period_id", "score", "concept")
    }
    recoveries = dict(
        RecoveryGrade.objects.filter(enrollment=enrollment).values_list("subject_id", "score")
    )
    rows = []
    for subject in subjects:
        stored = [values.get((subject.pk, period.pk)) for period in periods]
        final = scale_final(scale, stored)
        passed = None if final is None else scale_passes(scale, final)
        recovery = recoveries.get(subject.pk)
        if recovery is not None and passed is False:
            passed = scale_passes(scale, ScaleValue(recovery))
        rows.append(
            SubjectGrades(
                subject=subject.name,
                cells=[_text(value, scale) for value in stored],
                final=_text(final, scale),
                passed=passed,
                recovery=_text(ScaleValue(recovery), scale) if recovery is not None else "",
                periods=[period.name for period in periods],
            )
        )
    return ChildGrades(scale, periods, rows)


# --- Conduct ----------------------------------------------------------------------------------


@dataclass
class ChildConduct:
    entries: list[ConductEntry]
    limit: int

    @property
    def total(self) -> int:
        return sum(entry.demerits for entry in self.entries)

    @property
    def merits(self) -> int:
        return sum(entry.merits for entry in self.entries)


def child_conduct(enrollment: Enrollment) -> ChildConduct:
    """The enrollment's conduct ledger, newest first, with the section's limit: two queries."""
    entries = list(ConductEntry.objects.filter(enrollment=enrollment).order_by("-date", "-pk"))
    section = enrollment.section
    limit = promotion_rule_for(section).demerit_limit if section else DEFAULT_DEMERIT_LIMIT
    return ChildConduct(entries, limit)
