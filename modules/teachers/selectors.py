"""Scoped reads of teachers, the staff of a school and timetables (outside the scope: 404).

Who reads: the school's director (school grant), departmental and HR officers of the school's
department, ministry officers and auditors (national), and each teacher their own record.
Every read here runs a fixed number of queries whatever the size of the staff.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from core.accounts.choices import Role
from core.accounts.scopes import ScopePaths, any_of, scope_filter, scope_q
from modules.schools.choices import Shift
from modules.schools.models import School, SchoolYear, Section
from modules.schools.selectors import SCHOOL_PATHS, SECTION_PATHS

from .choices import Position
from .leave_sources import pending_leave
from .models import (
    Appointment,
    Degree,
    Leave,
    SubjectAssignment,
    Teacher,
    TimetableSlot,
    Training,
)

STAFF_ROLES = (
    Role.DIRECTOR,
    Role.DEPARTMENTAL_OFFICER,
    Role.HR_OFFICER,
    Role.MINISTRY_OFFICER,
    Role.AUDITOR,
)
# Who writes teachers' records, appointments, assignments and timetables: the school's director
# for the school's own staff plan, the departmental HR officers, and ministry officers.
WRITE_ROLES = (Role.DIRECTOR, Role.HR_OFFICER, Role.MINISTRY_OFFICER)

APPOINTMENT_PATHS = ScopePaths(department="school__municipality__department_id", school="school_id")
ASSIGNMENT_PATHS = ScopePaths(
    department="section__school__municipality__department_id",
    school="section__school_id",
    section="section_id",
)


def _today() -> date:
    return timezone.localdate()


def active_on_q(day: date, prefix: str = "") -> Q:
    """Appointments in force on ``day``."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def director_appointed(*, school: School, day: date, person_id: int) -> bool:
    """Whether ``person_id`` holds a director appointment at ``school`` in force on ``day``.

    A system check, not a page read (no actor): the titles process asks it before a request for
    titles is accepted (docs/security.md §1.7). One query.
    """
    return Appointment.objects.filter(
        active_on_q(day),
        school=school,
        position=Position.DIRECTOR,
        teacher__person_id=person_id,
    ).exists()


def teacher_scope(actor: Any, roles: tuple[str, ...] = STAFF_ROLES) -> QuerySet[Teacher]:
    """Teachers the actor may see: appointed at a school in scope, or the actor themself."""
    via_school = scope_q(actor, roles, APPOINTMENT_PATHS)
    if via_school:  # scoped (an empty Q, a national grant, stays "everything")
        via_school = Q(pk__in=Appointment.objects.filter(via_school).values("teacher_id"))
    person_id = getattr(actor, "person_id", None)
    condition = any_of([via_school, Q(person_id=person_id) if person_id else None])
    if condition is None:
        return Teacher.objects.none()
    return Teacher.objects.filter(condition)


def teacher_get(actor: Any, *, pk: int, roles: tuple[str, ...] = STAFF_ROLES) -> Teacher:
    teacher = teacher_scope(actor, roles).select_related("person").filter(pk=pk).first()
    if teacher is None:
        raise Http404
    return teacher


def teacher_of(actor: Any) -> Teacher | None:
    """The actor's own teacher record, if they have one."""
    person_id = getattr(actor, "person_id", None)
    if not person_id:
        return None
    return Teacher.objects.select_related("person").filter(person_id=person_id).first()


def school_for_staff(actor: Any, *, pk: int) -> School:
    school = (
        scope_filter(
            actor,
            School.objects.select_related("municipality__department"),
            roles=STAFF_ROLES,
            paths=SCHOOL_PATHS,
        )
        .filter(pk=pk)
        .first()
    )
    if school is None:
        raise Http404
    return school


def staff_schools(actor: Any) -> list[Any]:
    """Schools in the actor's scope that have staff, with how many teachers serve there today
    (one query)."""
    today = _today()
    return list(
        scope_filter(actor, School.objects.all(), roles=STAFF_ROLES, paths=SCHOOL_PATHS)
        .filter(appointments__in=Appointment.objects.filter(active_on_q(today)))
        .annotate(staff=Count("appointments__teacher", distinct=True))
        .values_list("pk", "code", "name", "staff", named=True)
        .order_by("code")
    )


@dataclass(frozen=True)
class StaffRow:
    pk: int
    teacher_id: int
    teacher__nip: str
    teacher__person__first_names: str
    teacher__person__last_names: str
    teacher__specialty: str
    teacher__escalafon_level: str
    teacher__escalafon_category: int
    position: str
    shift: str
    contract_type: str
    start_date: date
    end_date: date | None
    on_leave: bool
    leave_name: str | None
    pending_leave_name: str | None
    position_label: str
    shift_label: str

    @property
    def leave_pending(self) -> bool:
        """On leave that day only by leave approved and awaiting registration."""
        return not self.on_leave and self.pending_leave_name is not None

    @property
    def away(self) -> bool:
        """On leave that day, registered or approved and awaiting registration."""
        return self.on_leave or self.pending_leave_name is not None


@dataclass(frozen=True)
class StaffView:
    school: School
    day: date
    rows: list[Any]
    per_level: list[Any]
    on_leave: int


def school_staff(*, school: School, day: date | None = None) -> StaffView:
    """A school's staff on ``day``: one row per appointment in force, marked when the teacher is
    on registered leave that day or on leave approved and awaiting registration
    (``leave_sources``), and the number of teachers per level taught (two queries)."""
    day = day or _today()
    on_leave = Leave.objects.filter(
        teacher_id=OuterRef("teacher_id"), start_date__lte=day, end_date__gte=day
    )
    leave_type = on_leave.values("leave_type__name")[:1]
    pending = pending_leave()
    pending_name = (
        pending.filter(
            teacher_id=OuterRef("teacher_id"), start_date__lte=day, end_date__gte=day
        ).values("leave_type__name")[:1]
        if pending is not None
        else Value(None, output_field=CharField())
    )
    rows = list(
        Appointment.objects.filter(active_on_q(day), school=school)
        .annotate(on_leave=Exists(on_leave), leave_name=leave_type, pending_leave_name=pending_name)
        .values_list(
            "pk",
            "teacher_id",
            "teacher__nip",
            "teacher__person__first_names",
            "teacher__person__last_names",
            "teacher__specialty",
            "teacher__escalafon_level",
            "teacher__escalafon_category",
            "position",
            "shift",
            "contract_type",
            "start_date",
            "end_date",
            "on_leave",
            "leave_name",
            "pending_leave_name",
            named=True,
        )
        .order_by("teacher__person__last_names", "teacher__person__first_names", "pk")
    )
    per_level = list(
        SubjectAssignment.objects.filter(section__school=school, school_year__is_current=True)
        .values("section__grade__level__name", "section__grade__level__position")
        .annotate(teachers=Count("teacher", distinct=True))
        .values_list("section__grade__level__name", "teachers", named=True)
        .order_by("section__grade__level__position")
    )
    rows = [
        StaffRow(
            **row._asdict(),
            position_label=str(Position(row.position).label),
            shift_label=str(Shift(row.shift).label),
        )
        for row in rows
    ]
    teachers_on_leave = len({row.teacher_id for row in rows if row.away})
    return StaffView(
        school=school, day=day, rows=rows, per_level=per_level, on_leave=teachers_on_leave
    )


@dataclass(frozen=True)
class TeacherRecord:
    teacher: Teacher
    degrees: list[Degree]
    trainings: list[Training]
    appointments: list[Appointment]
    assignments: list[SubjectAssignment]
    leaves: list[Leave]
    # Approved by the director, awaiting the HR officer's registration (``leave_sources``).
    pending_leaves: list[Any]


def teacher_record(*, teacher: Teacher) -> TeacherRecord:
    """Everything the teacher's record page shows (six queries beyond the teacher)."""
    pending = pending_leave()
    return TeacherRecord(
        teacher=teacher,
        degrees=list(teacher.degrees.all()),
        trainings=list(teacher.trainings.all()),
        appointments=list(teacher.appointments.select_related("school").order_by("-start_date")),
        assignments=list(
            teacher.assignments.filter(school_year__is_current=True).select_related(
                "section__grade", "section__school", "subject"
            )
        ),
        leaves=list(teacher.leaves.select_related("leave_type", "school")),
        pending_leaves=(
            list(
                pending.filter(teacher_id=teacher.pk)
                .select_related("leave_type", "school")
                .order_by("-start_date", "pk")
            )
            if pending is not None
            else []
        ),
    )


def current_year() -> SchoolYear | None:
    return SchoolYear.objects.filter(is_current=True).first()


def _slots() -> QuerySet[TimetableSlot]:
    return TimetableSlot.objects.select_related(
        "section__grade", "section__school", "assignment__subject", "teacher__person"
    ).order_by("weekday", "period", "shift")


def teacher_timetable(*, teacher: Teacher, school_year: int) -> list[TimetableSlot]:
    """The teacher's week in ``school_year`` across every school (one query)."""
    return list(_slots().filter(teacher=teacher, school_year_id=school_year))


def section_for_timetable(actor: Any, *, pk: int) -> Section:
    roles = (*STAFF_ROLES, Role.TEACHER)
    section = (
        scope_filter(
            actor,
            Section.objects.select_related("school", "grade"),
            roles=roles,
            paths=SECTION_PATHS,
        )
        .filter(pk=pk)
        .first()
    )
    if section is None:
        raise Http404
    return section


def section_timetable(*, section: Section) -> list[TimetableSlot]:
    return list(_slots().filter(section=section))


def assignment_scope(actor: Any, roles: tuple[str, ...] = STAFF_ROLES) -> QuerySet[Any]:
    return scope_filter(actor, SubjectAssignment.objects.all(), roles=roles, paths=ASSIGNMENT_PATHS)


def appointment_scope(actor: Any, roles: tuple[str, ...] = STAFF_ROLES) -> QuerySet[Any]:
    return scope_filter(actor, Appointment.objects.all(), roles=roles, paths=APPOINTMENT_PATHS)


def slot_scope(actor: Any, roles: tuple[str, ...] = STAFF_ROLES) -> QuerySet[Any]:
    return scope_filter(actor, TimetableSlot.objects.all(), roles=roles, paths=ASSIGNMENT_PATHS)


def leave_scope(actor: Any, roles: tuple[str, ...] = STAFF_ROLES) -> QuerySet[Any]:
    return scope_filter(actor, Leave.objects.all(), roles=roles, paths=APPOINTMENT_PATHS)


def leave_types() -> QuerySet[Any]:
    from .models import LeaveType

    return LeaveType.objects.filter(is_active=True)
