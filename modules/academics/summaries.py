"""Read models the pages and the API show: the grade grid, a section's results, a school's
overview. Built from the selectors in a fixed number of queries whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, IntegerField, JSONField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, JSONObject

from modules.schools.choices import ScaleKind
from modules.schools.models import GradingPeriod, School, Section, Subject
from modules.students.choices import CURRENT_STATUSES
from modules.students.models import Enrollment

from .models import AttendanceDay, ConductEntry, GradeEntry, YearResult
from .promotion import decide, subject_outcomes
from .scales import ScaleValue, scale_final, scale_passes
from .selectors import (
    GradingContext,
    demerit_totals,
    grade_values,
    grading_context,
    promotion_rule_for,
    recovery_values,
)


def _text(value: ScaleValue | None, scale: Any) -> str:
    """A stored value as the teacher typed it: with the scale's decimals (7.5, not 7.50)."""
    if value is None:
        return ""
    if value.score is not None:
        return format(value.score.quantize(Decimal(1).scaleb(-scale.precision)), "f")
    return value.concept


@dataclass
class GridCell:
    period_id: int
    name: str
    text: str
    error: str = ""
    # "<enrollment>-<period>", the input's name and id suffix: a string, so the template
    # prints it as is (an integer would go through number localization, at every use).
    key: str = ""


@dataclass
class GridRow:
    enrollment_id: int
    student: str
    cells: list[GridCell]
    final: str
    passed: bool | None


@dataclass
class Grid:
    subject: Any
    subjects: list[Any]
    periods: list[Any]
    scale: Any
    concepts: list[Any]
    rows: list[GridRow] = field(default_factory=list)

    @property
    def is_conceptual(self) -> bool:
        return self.scale.kind == ScaleKind.CONCEPTUAL

    @property
    def is_numeric(self) -> bool:
        return not self.is_conceptual

    @property
    def passed_count(self) -> int:
        return sum(1 for row in self.rows if row.passed)

    @property
    def failed_count(self) -> int:
        return sum(1 for row in self.rows if row.passed is False)


def grade_grid(
    context: GradingContext,
    subject_id: int,
    *,
    typed: dict[tuple[int, int], str] | None = None,
    errors: dict[tuple[int, int], str] | None = None,
) -> Grid:
    """One subject's grid: a row per student, a cell per period, the final and pass/fail.

    ``typed`` (after a refused save) replaces stored values so nothing typed is lost.
    """
    errors = errors or {}
    values = grade_values(context, subject_ids=[subject_id])
    scale = context.scale
    grid = Grid(
        subject=context.subjects[subject_id],
        subjects=list(context.subjects.values()),
        periods=list(context.periods.values()),
        scale=scale,
        concepts=list(scale.concepts.all()),
    )
    for enrollment_id, name in context.students.items():
        cells = []
        stored = []
        for period_id, period in context.periods.items():
            value = values.get((enrollment_id, subject_id, period_id))
            stored.append(value)
            text = typed[(enrollment_id, period_id)] if typed is not None else _text(value, scale)
            cells.append(
                GridCell(
                    period_id,
                    period.name,
                    text,
                    errors.get((enrollment_id, period_id), ""),
                    f"{enrollment_id}-{period_id}",
                )
            )
        final = scale_final(scale, stored)
        grid.rows.append(
            GridRow(
                enrollment_id,
                name,
                cells,
                _text(final, scale),
                None if final is None else scale_passes(scale, final),
            )
        )
    return grid


@dataclass
class StudentResult:
    enrollment_id: int
    student: str
    outcome: str  # promoted, not_promoted, or pending (grades missing)
    reasons: list[str]
    demerits: int


def section_results(section: Section) -> list[StudentResult]:
    """Each student's outcome: the frozen one once closed, else what closing would decide."""
    # The reverse one-to-one raises an AttributeError subclass when there is no closing.
    closing = getattr(section, "closing", None)
    if closing is not None:
        return [
            StudentResult(
                enrollment_id,
                f"{last}, {first}",
                outcome,
                reasons,
                demerits,
            )
            for enrollment_id, last, first, outcome, reasons, demerits in YearResult.objects.filter(
                closing=closing
            )
            .order_by("enrollment__student__person__last_names", "enrollment__pk")
            .values_list(
                "enrollment_id",
                "enrollment__student__person__last_names",
                "enrollment__student__person__first_names",
                "outcome",
                "reasons",
                "demerits",
            )
        ]
    context = grading_context(section)
    if context.scale is None:
        return []
    values = grade_values(context)
    recoveries = recovery_values(context)
    demerits = demerit_totals(context.enrollment_ids)
    rule = promotion_rule_for(section)
    results = []
    for enrollment_id, name in context.students.items():
        outcomes, finals = subject_outcomes(context, enrollment_id, values, recoveries, rule)
        if any(final is None for final in finals.values()):
            results.append(
                StudentResult(enrollment_id, name, "pending", [], demerits.get(enrollment_id, 0))
            )
            continue
        decision = decide(outcomes=outcomes, demerits=demerits.get(enrollment_id, 0), rule=rule)
        results.append(
            StudentResult(
                enrollment_id,
                name,
                "promoted" if decision.promoted else "not_promoted",
                list(decision.reasons),
                demerits.get(enrollment_id, 0),
            )
        )
    return results


@dataclass
class SectionOverview:
    section: Any
    enrolled: int
    present: int
    absent: int
    justified: int
    days_taken: int
    grades_expected: int
    grades_entered: int

    @property
    def attendance_rate(self) -> int | None:
        total = self.present + self.absent + self.justified
        return None if not total else round(100 * self.present / total)

    @property
    def grades_pending(self) -> int:
        return max(self.grades_expected - self.grades_entered, 0)


def _count(queryset: Any, group: str) -> Coalesce:
    """How many rows of ``queryset`` (correlated to the outer row), as a scalar subquery.

    Unordered: a model's default ordering would join the tables it sorts by (a subject's plan,
    year and grade) into a count that needs none of them.
    """
    counted = queryset.order_by().values(group).annotate(n=Count("*")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def school_overview(school: School) -> dict[str, Any]:
    """A school's sections of the current year with enrollment, attendance of the year so far
    and grade entry: one query whatever the school's size or the year's length.

    Each section carries correlated subqueries, each an index scan of that one section's rows:
    its current enrollments, its plan's subjects and periods, the grades entered for its
    current enrollments, and the year's attendance totals as one JSON object, summed from the
    section-day headers (which keep each day's counts), never from the per-student rows.
    """
    totals = (
        AttendanceDay.objects.filter(section=OuterRef("pk"))
        .order_by()
        .values("section")
        .annotate(
            t=JSONObject(p=Sum("present"), a=Sum("absent"), j=Sum("justified"), days=Count("*"))
        )
        .values("t")[:1]
    )
    sections = list(
        Section.objects.filter(school=school, school_year__is_current=True)
        .select_related("grade", "closing")
        .order_by("grade__position", "name", "pk")
        .annotate(
            enrolled=_count(
                Enrollment.objects.filter(section=OuterRef("pk"), status__in=CURRENT_STATUSES),
                "section",
            ),
            subject_count=_count(Subject.objects.filter(plan=OuterRef("study_plan")), "plan"),
            period_count=_count(GradingPeriod.objects.filter(plan=OuterRef("study_plan")), "plan"),
            grades_entered=_count(
                GradeEntry.objects.filter(
                    enrollment__section=OuterRef("pk"), enrollment__status__in=CURRENT_STATUSES
                ),
                "enrollment__section",
            ),
            attendance=Subquery(totals, output_field=JSONField()),
        )
    )
    rows = []
    for section in sections:
        summary = section.attendance or {}
        rows.append(
            SectionOverview(
                section=section,
                enrolled=section.enrolled,
                present=summary.get("p") or 0,
                absent=summary.get("a") or 0,
                justified=summary.get("j") or 0,
                days_taken=summary.get("days") or 0,
                grades_expected=section.enrolled * section.subject_count * section.period_count,
                grades_entered=section.grades_entered,
            )
        )
    return {
        "sections": rows,
        "enrolled": sum(row.enrolled for row in rows),
    }


# --- Conduct ledger and Media recovery ---------------------------------------------------------


@dataclass
class ConductStudent:
    enrollment_id: int
    student: str
    total: int  # deméritos
    merits: int = 0


@dataclass
class ConductSheet:
    students: list[ConductStudent]
    entries: list[Any]  # named rows: pk, enrollment_id, date, demerits, merits, reason, names
    limit: int


def conduct_sheet(section: Section, *, enrollment_id: int | None = None) -> ConductSheet:
    """The section's current students with their demerit totals, and the ledger's lines (of one
    student when ``enrollment_id`` is given), newest first: four queries."""
    context_students = (
        Enrollment.objects.filter(section=section, status__in=CURRENT_STATUSES)
        .order_by("student__person__last_names", "student__person__first_names", "pk")
        .values_list("pk", "student__person__last_names", "student__person__first_names")
    )
    students = {pk: f"{last}, {first}" for pk, last, first in context_students}
    totals = {
        enrollment_id: (demerits, merits)
        for enrollment_id, demerits, merits in ConductEntry.objects.filter(
            enrollment_id__in=list(students)
        )
        .values_list("enrollment_id")
        .annotate(Sum("demerits"), Sum("merits"))
        .values_list("enrollment_id", "demerits__sum", "merits__sum")
    }
    lines = ConductEntry.objects.filter(enrollment__section=section).order_by("-date", "-pk")
    if enrollment_id is not None:
        lines = lines.filter(enrollment_id=enrollment_id)
    entries = list(
        lines.values_list(
            "pk",
            "enrollment_id",
            "date",
            "demerits",
            "merits",
            "reason",
            "enrollment__student__person__last_names",
            "enrollment__student__person__first_names",
            named=True,
        )
    )
    return ConductSheet(
        students=[
            ConductStudent(pk, name, *totals.get(pk, (0, 0))) for pk, name in students.items()
        ],
        entries=entries,
        limit=promotion_rule_for(section).demerit_limit,
    )


@dataclass
class RecoveryCell:
    subject_id: int
    subject: str
    final: str
    recovery: str
    passed: bool  # with the recovery counted
    error: str = ""  # set by the page after a refused save


@dataclass
class RecoveryStudent:
    enrollment_id: int
    student: str
    cells: list[RecoveryCell]


@dataclass
class RecoverySheet:
    max_subjects: int  # 0: the section's level has no recovery
    students: list[RecoveryStudent]
    scale: Any = None


def recovery_sheet(section: Section) -> RecoverySheet:
    """The students who may sit Media recovery (at least one failed subject with its final, at
    most the rule's limit) and each failed subject with the recovery recorded so far. The same
    rule the recovery service and the closing apply (modules/academics/promotion.py). Seven
    queries: rule, subjects, periods, concepts, students, grades, recoveries."""
    rule = promotion_rule_for(section)
    if not rule.max_recovery_subjects:
        return RecoverySheet(0, [])
    context = grading_context(section)
    if context.scale is None:
        return RecoverySheet(rule.max_recovery_subjects, [])
    values = grade_values(context)
    recoveries = recovery_values(context)
    students = []
    for enrollment_id, name in context.students.items():
        outcomes, finals = subject_outcomes(context, enrollment_id, values, recoveries, rule)
        failed = [outcome for outcome in outcomes if not outcome.passed_regular]
        if not failed or len(failed) > rule.max_recovery_subjects:
            continue
        cells = [
            RecoveryCell(
                subject_id=outcome.subject_id,
                subject=context.subjects[outcome.subject_id].name,
                final=_text(finals[outcome.subject_id], context.scale),
                recovery=_text(ScaleValue(outcome.recovery), context.scale)
                if outcome.recovery is not None
                else "",
                passed=outcome.passed,
            )
            for outcome in failed
        ]
        students.append(RecoveryStudent(enrollment_id, name, cells))
    return RecoverySheet(rule.max_recovery_subjects, students, context.scale)
