"""Every scoped read of the academic module: sections to work on, grids, summaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.accounts.choices import Role
from core.accounts.scopes import ScopePaths, get_in_scope_or_404, scope_filter, scope_q
from modules.schools.calendars import (
    class_day_annotations,
    in_class_period,
    is_class_day,
    may_have_class,
    public_holidays,
    regimen_days,
)
from modules.schools.choices import Regimen
from modules.schools.models import Calendar, CalendarEvent, ScaleConcept, School, Section
from modules.students.choices import CURRENT_STATUSES, EnrollmentStatus
from modules.students.models import Enrollment

from .models import (
    AttendanceDay,
    ConductEntry,
    GradeEntry,
    PromotionRule,
    RecoveryGrade,
    SectionClosing,
)
from .promotion import Rule
from .scales import ScaleValue

SECTION_PATHS = ScopePaths(
    department="school__municipality__department_id",
    municipality="school__municipality_id",
    school="school_id",
    section="pk",
)
SCHOOL_PATHS = ScopePaths(
    department="municipality__department_id", municipality="municipality_id", school="pk"
)
ENROLLMENT_PATHS = ScopePaths(
    department="school__municipality__department_id",
    municipality="school__municipality_id",
    school="school_id",
    section="section_id",
    person="student__person_id",
)
# Who reads sections' academic data: their teachers and director, and officers above them.
READ_ROLES = (Role.TEACHER, Role.DIRECTOR, Role.DEPARTMENTAL_OFFICER, Role.MINISTRY_OFFICER)
TEACHING_ROLES = (Role.TEACHER, Role.DIRECTOR)


def _sections() -> QuerySet[Section]:
    return Section.objects.select_related(
        "school", "grade", "study_plan__scale", "closing"
    ).order_by("grade__position", "name", "pk")


def section_list_mine(actor: Any, *, year: int | None = None) -> QuerySet[Section]:
    """ "Mis secciones": the sections a teacher or director works on, with their counts.

    One query: enrolled students counted, today's attendance flagged and the calendar read in
    subqueries (``has_class`` then says whether today is a class day, without a query).
    """
    today = timezone.localdate()
    queryset = scope_filter(actor, _sections(), roles=TEACHING_ROLES, paths=SECTION_PATHS)
    if year is not None:
        queryset = queryset.filter(school_year_id=year)
    # With the calendar, so the page can tell a pending attendance from a day without classes.
    return _with_calendar(queryset, today).annotate(
        enrolled=Count("enrollments", filter=Q(enrollments__status__in=CURRENT_STATUSES)),
        taken_today=Exists(AttendanceDay.objects.filter(section=OuterRef("pk"), date=today)),
    )


def section_get(actor: Any, pk: int, *, roles: tuple[str, ...] = READ_ROLES) -> Section:
    """One section in the actor's scope (404 otherwise), with its plan, scale and closing."""
    return get_in_scope_or_404(actor, _sections(), roles=roles, paths=SECTION_PATHS, pk=pk)


def _enrolled_on(section: Section, day: date) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(section=section, enrolled_on__lte=day)
        .exclude(status=EnrollmentStatus.ANNULLED)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .order_by("student__person__last_names", "student__person__first_names", "pk")
    )


def enrollments_on(section: Section, day: date) -> dict[int, str]:
    """Enrollment id → student name, for everyone enrolled in ``section`` on ``day``.

    Enrolled means: enrolled on or before ``day``, not annulled, and not yet ended on ``day``
    (a withdrawal or transfer takes effect on its date).
    """
    rows = _enrolled_on(section, day).values_list(
        "pk", "student__person__last_names", "student__person__first_names"
    )
    return {pk: f"{last}, {first}" for pk, last, first in rows}


def enrollments_on_class_day(section: Section, day: date) -> dict[int, str] | None:
    """``enrollments_on``, or None when ``day`` is not a class day of the section
    (``modules.schools.calendars.is_class_day``): one query, asking both at once.

    Each student's row carries the section's calendar and suspension flag (computed once by
    the database, whatever the number of rows). A section with nobody enrolled that day returns
    no row to carry them, so only then a second query asks the calendar on its own.
    """
    if not may_have_class(section, day):
        return None
    rows = list(
        _enrolled_on(section, day)
        .annotate(**class_day_annotations(section, day))
        .values_list(
            "pk",
            "student__person__last_names",
            "student__person__first_names",
            "calendar_start",
            "calendar_end",
            "classes_suspended",
        )
    )
    if not rows:
        return {} if is_class_day(section, day) else None
    if not in_class_period(day, *rows[0][3:]):
        return None
    return {pk: f"{last}, {first}" for pk, last, first, *_calendar in rows}


@dataclass(frozen=True)
class AttendanceSheetRow:
    enrollment_id: int
    name: str
    status: str
    reason: str


def attendance_sheet(
    section: Section, day: date
) -> tuple[AttendanceDay | None, list[AttendanceSheetRow]]:
    """The students of ``day`` with what was recorded (present by default): three queries."""
    enrolled = enrollments_on(section, day)
    header = AttendanceDay.objects.filter(section=section, date=day).first()
    recorded: dict[int, tuple[str, str]] = {}
    if header is not None:
        recorded = {
            enrollment_id: (status, reason)
            for enrollment_id, status, reason in header.records.values_list(
                "enrollment_id", "presence", "reason"
            )
        }
    rows = [
        AttendanceSheetRow(pk, name, *recorded.get(pk, ("present", "")))
        for pk, name in enrolled.items()
    ]
    return header, rows


@dataclass
class GradingContext:
    """What grading one section needs, read once: scale, subjects, periods, students."""

    section: Section
    scale: Any
    subjects: dict[int, Any]
    periods: dict[int, Any]
    students: dict[int, str]
    # Current enrollments only (active or provisional): the ones that are graded.
    enrollment_ids: frozenset[int] = field(default_factory=frozenset)


def grading_context(section: Section) -> GradingContext:
    """Four queries: subjects, periods, scale concepts, current enrollments."""
    plan = section.study_plan
    if plan is None:
        return GradingContext(section, None, {}, {}, {})
    # Ordered here on their own columns: the models' default orderings reach through the plan
    # to its year and grade, joins these one-plan reads do not need.
    subjects = {subject.pk: subject for subject in plan.subjects.order_by("position", "pk")}
    periods = {period.pk: period for period in plan.periods.order_by("number")}
    scale = plan.scale
    prefetch_related_objects(
        [scale], Prefetch("concepts", queryset=ScaleConcept.objects.order_by("position"))
    )
    rows = (
        Enrollment.objects.filter(section=section, status__in=CURRENT_STATUSES)
        .order_by("student__person__last_names", "student__person__first_names", "pk")
        .values_list("pk", "student__person__last_names", "student__person__first_names")
    )
    students = {pk: f"{last}, {first}" for pk, last, first in rows}
    return GradingContext(section, scale, subjects, periods, students, frozenset(students))


def grade_values(
    context: GradingContext, *, subject_ids: list[int] | None = None
) -> dict[tuple[int, int, int], ScaleValue]:
    """(enrollment, subject, period) → stored value, in one query."""
    # Unordered: the model's default ordering joins a dozen tables to sort rows read into a dict.
    queryset = GradeEntry.objects.filter(
        enrollment_id__in=context.enrollment_ids, period_id__in=list(context.periods)
    ).order_by()
    if subject_ids is not None:
        queryset = queryset.filter(subject_id__in=subject_ids)
    return {
        (enrollment_id, subject_id, period_id): ScaleValue(score, concept)
        for enrollment_id, subject_id, period_id, score, concept in queryset.values_list(
            "enrollment_id", "subject_id", "period_id", "score", "concept"
        )
    }


def recovery_values(context: GradingContext) -> dict[tuple[int, int], Any]:
    return {
        (enrollment_id, subject_id): score
        for enrollment_id, subject_id, score in RecoveryGrade.objects.filter(
            enrollment_id__in=context.enrollment_ids
        )
        .order_by()
        .values_list("enrollment_id", "subject_id", "score")
    }


def demerit_totals(enrollment_ids: frozenset[int]) -> dict[int, int]:
    return dict(
        ConductEntry.objects.filter(enrollment_id__in=enrollment_ids)
        .values_list("enrollment_id")
        .annotate(total=Sum("demerits"))
        .values_list("enrollment_id", "total")
    )


def section_closing_get(section: Section) -> SectionClosing | None:
    return SectionClosing.objects.filter(section=section).first()


def promotion_rule_for(section: Section) -> Rule:
    """The rule row of the section's level and track, or the defaults (no recovery)."""
    grade = section.grade
    row = (
        PromotionRule.objects.filter(level_id=grade.level_id, track__in=[grade.track, ""])
        .order_by("-track")
        .first()
    )
    if row is None:
        return Rule()
    return Rule(max_recovery_subjects=row.max_recovery_subjects, demerit_limit=row.demerit_limit)


# Who sees a school's overview: its director and the officers above it.
SCHOOL_ROLES = (Role.DIRECTOR, Role.DEPARTMENTAL_OFFICER, Role.MINISTRY_OFFICER)


def school_get(actor: Any, pk: int) -> School:
    return get_in_scope_or_404(
        actor,
        School.objects.select_related("municipality__department"),
        roles=SCHOOL_ROLES,
        paths=SCHOOL_PATHS,
        pk=pk,
    )


def school_list_mine(actor: Any) -> QuerySet[School]:
    """A director's school(s), a departmental officer's department, with current enrollment.

    National grants are left out: a country-wide list belongs to the statistics pages.
    """
    roles = (Role.DIRECTOR, Role.DEPARTMENTAL_OFFICER)
    queryset = scope_filter(actor, School.objects.all(), roles=roles, paths=SCHOOL_PATHS)
    if scope_q(actor, roles, SCHOOL_PATHS) == Q():
        return queryset.none()
    return (
        queryset.select_related("municipality")
        .annotate(
            enrolled=Count(
                "enrollments",
                filter=Q(
                    enrollments__status__in=CURRENT_STATUSES,
                    enrollments__school_year__is_current=True,
                ),
            )
        )
        .order_by("municipality__name", "code")
    )


def _with_calendar(queryset: QuerySet[Section], day: date) -> QuerySet[Section]:
    """Annotate each section's class period (its school's own calendar for the year, else the
    national one) and whether an event of either calendar suspends classes on ``day``."""
    own = Calendar.objects.filter(school_year=OuterRef("school_year"), school=OuterRef("school"))
    national = Calendar.objects.filter(school_year=OuterRef("school_year"), school__isnull=True)
    suspended = CalendarEvent.objects.filter(
        Q(calendar__school=OuterRef("school")) | Q(calendar__school__isnull=True),
        calendar__school_year=OuterRef("school_year"),
        start_date__lte=day,
        end_date__gte=day,
        suspends_classes=True,
    )
    return queryset.annotate(
        calendar_start=Coalesce(
            Subquery(own.values("start_date")[:1]), Subquery(national.values("start_date")[:1])
        ),
        calendar_end=Coalesce(
            Subquery(own.values("end_date")[:1]), Subquery(national.values("end_date")[:1])
        ),
        classes_suspended=Exists(suspended),
    )


def _class_regimens(day: date) -> list[str]:
    """The regimens with classes on ``day`` (none on a public holiday); no query."""
    if day in public_holidays(day.year):
        return []
    return [regimen for regimen in Regimen.values if day.weekday() in regimen_days(regimen)]


def has_class(section: Section, day: date) -> bool:
    """``modules.schools.calendars.is_class_day`` for a section read through
    ``_with_calendar`` (no query)."""
    return (
        section.regimen in _class_regimens(day)
        and section.calendar_start is not None
        and section.calendar_start <= day <= section.calendar_end
        and not section.classes_suspended
    )


def section_list_attendance_pending(actor: Any, *, day: date) -> QuerySet[Section]:
    """The actor's sections (teacher: theirs; director: the school's) whose attendance of
    ``day`` is not recorded yet although ``day`` is one of their class days. One query.

    The class-day test is ``modules.schools.calendars.is_class_day`` written in SQL for many
    sections at once: a day of the section's regimen, not a public holiday (both decided here
    in Python, they do not depend on the row), inside the school's own calendar for the year
    or else the national one, and in no event suspending classes of either calendar. Closed
    sections and sections without a current enrollment have nothing to take.
    """
    regimens = _class_regimens(day)
    if not regimens:
        return Section.objects.none()
    queryset = scope_filter(
        actor,
        Section.objects.select_related("school", "grade"),
        roles=TEACHING_ROLES,
        paths=SECTION_PATHS,
    )
    return (
        _with_calendar(queryset.filter(regimen__in=regimens, closing__isnull=True), day)
        .filter(calendar_start__lte=day, calendar_end__gte=day, classes_suspended=False)
        .filter(
            Exists(
                Enrollment.objects.filter(
                    section=OuterRef("pk"), status__in=CURRENT_STATUSES, enrolled_on__lte=day
                )
            ),
            ~Exists(AttendanceDay.objects.filter(section=OuterRef("pk"), date=day)),
        )
        .order_by("school__name", "grade__position", "name", "pk")
    )
