"""Time the academic modules against a generated country: ``python -m bench run-academic``.

Pages are real requests through Django's test ``Client`` (as in bench/run.py); recording a
section's attendance is the service call itself (``attendance_record``, the operation the issue
bounds at 5 queries), each run inside a transaction rolled back afterwards, so every repetition
is a first recording of the same 45-student section on the same class day.

The benchmark's teacher and director accounts are created on the first run (DUIs below, the
help-desk benchmark's password) and reused afterwards.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from datetime import date
from typing import IO, Any

from django.db import connections, transaction
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .generate import STAFF_PASSWORD, BenchError, check_migrations, dui_with_check
from .run import Operation, Result, _url, measure, print_table, sign_in

TEACHER_DUI_BODY = "90000001"
DIRECTOR_DUI_BODY = "90000002"
ABSENT_MARKS = 3


@dataclass
class AcademicRunOptions:
    repeat: int = 30
    warmup: int = 3
    only: tuple[str, ...] = ()
    json_path: str | None = None
    using: str = "default"


@dataclass
class AcademicActors:
    teacher: Any
    director: Any
    section: Any
    school: Any
    student: Any
    day: date
    facts: dict[str, Any]


class _RollbackError(Exception):
    pass


def _account(dui_body: str, first: str, last: str) -> Any:
    from core.accounts.models import User
    from core.accounts.services import user_create

    dui = dui_with_check(dui_body)
    user = User.objects.filter(dui=dui).select_related("person").first()
    if user is None:
        user = user_create(dui=dui, password=STAFF_PASSWORD, first_names=first, last_names=last)
    if user.terms_accepted_at is None:
        # As for the generated staff (bench/generate.py): the first-login notice is behind them.
        user.terms_accepted_at = timezone.now()
        User.objects.filter(pk=user.pk).update(terms_accepted_at=user.terms_accepted_at)
    return user


def choose_academic_actors() -> AcademicActors:
    """The first section of 45 current students, a teacher whose grant covers exactly that
    section, the director of its school, and its first student."""
    from core.accounts.choices import Role, ScopeKind
    from core.accounts.models import RoleGrant
    from core.accounts.services import role_grant
    from modules.schools.models import Calendar, Section
    from modules.students.choices import CURRENT_STATUSES

    from .academic import class_days

    section = (
        Section.objects.annotate(
            current=Count("enrollments", filter=Q(enrollments__status__in=CURRENT_STATUSES))
        )
        .filter(current=45, school__code__startswith="BA")
        .select_related("school")
        .order_by("pk")
        .first()
    )
    if section is None:
        raise BenchError(
            "No hay una sección de 45 estudiantes: genere los datos con "
            "«python -m bench generate-academic»."
        )
    teacher = _account(TEACHER_DUI_BODY, "Docente", "de Prueba")
    director = _account(DIRECTOR_DUI_BODY, "Directora", "de Prueba")
    with transaction.atomic():
        if not RoleGrant.objects.filter(user=teacher, role=Role.TEACHER, section=section).exists():
            role_grant(
                user=teacher, role=Role.TEACHER, scope_kind=ScopeKind.SECTION, target=section
            )
        if not RoleGrant.objects.filter(
            user=director, role=Role.DIRECTOR, school=section.school
        ).exists():
            role_grant(
                user=director,
                role=Role.DIRECTOR,
                scope_kind=ScopeKind.SCHOOL,
                target=section.school,
            )
    calendar = Calendar.objects.get(school_year_id=section.school_year_id, school__isnull=True)
    # A class day with no attendance yet: the first after the generated month, not in the future.
    from modules.academics.models import AttendanceDay, AttendanceRecord
    from modules.schools.models import School
    from modules.students.models import Student

    taken = set(AttendanceDay.objects.filter(section=section).values_list("date", flat=True))
    today = timezone.localdate()
    day = None
    for month in range(calendar.start_date.month, calendar.end_date.month + 1):
        for candidate in class_days(calendar, calendar.start_date.year, month):
            if candidate not in taken and candidate <= today:
                day = candidate
                break
        if day:
            break
    if day is None:
        raise BenchError("No queda un día de clases sin asistencia para la sección elegida.")
    student = section.enrollments.order_by("pk").select_related("student").first().student
    return AcademicActors(
        teacher=teacher,
        director=director,
        section=section,
        school=section.school,
        student=student,
        day=day,
        facts={
            "section": section.pk,
            "school": section.school.code,
            "day": day.isoformat(),
            "attendance_rows": _estimate(AttendanceRecord._meta.db_table),
            "students": _estimate(Student._meta.db_table),
            "schools": _estimate(School._meta.db_table),
        },
    )


def _estimate(table: str) -> int:
    """The planner's row estimate of ``table`` and its partitions (a count would take seconds)."""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(GREATEST(reltuples, 0)), 0)::bigint FROM pg_class "
            "WHERE relkind = 'r' AND (oid = to_regclass(%s) "
            "OR oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = to_regclass(%s)))",
            [table, table],
        )
        return int(cursor.fetchone()[0])


def build_academic_operations(actors: AcademicActors) -> list[Operation]:
    from modules.academics.services import Mark, attendance_record
    from modules.schools.models import Section

    teacher = Client()
    sign_in(teacher, actors.teacher)
    director = Client()
    sign_in(director, actors.director)
    anonymous = Client()
    operations: list[Operation] = []
    enrollment_ids = list(
        actors.section.enrollments.order_by("pk").values_list("pk", flat=True)[:ABSENT_MARKS]
    )
    marks = {pk: Mark("absent") for pk in enrollment_ids[:-1]}
    marks[enrollment_ids[-1]] = Mark("justified", "Cita médica")
    # The section as the attendance page reads it (with its closing), reloaded once.
    section = Section.objects.select_related("closing").get(pk=actors.section.pk)

    class Recorded:
        status_code = 200

    def record(_i: int) -> Any:
        try:
            with transaction.atomic():
                attendance_record(
                    actor=actors.teacher, section=section, day=actors.day, marks=marks
                )
                raise _RollbackError
        except _RollbackError:
            pass
        return Recorded

    operations.append(
        Operation("attendance_record", "Attendance of a 45-student section (service)", record)
    )

    def get(client: Client, url: str) -> Any:
        return lambda _i: client.get(url)

    grades = _url("academics:grades", pk=actors.section.pk)
    if grades:
        operations.append(
            Operation("grade_grid", "Grade grid of the section (page)", get(teacher, grades))
        )
    record_url = _academic_record_url(actors.student)
    if record_url:
        operations.append(
            Operation("academic_record", "A student's academic record", get(director, record_url))
        )
    else:
        # No page or API for it yet: the scoped selector every one of them would call.
        from modules.students.selectors import academic_record

        def read_record(_i: int) -> Any:
            academic_record(actors.director, student_id=actors.student.pk)
            return Recorded

        operations.append(
            Operation("academic_record", "A student's academic record (selector)", read_record)
        )
    directory = _url("schools:directory")
    if directory:
        word = actors.school.name.split()[-2]
        operations.append(
            Operation(
                "directory_search",
                "School directory search (public page)",
                get(anonymous, f"{directory}?q={word}"),
            )
        )
    school = _url("academics:school", pk=actors.school.pk)
    if school:
        operations.append(
            Operation("director_school", "Director's school page", get(director, school))
        )
    return operations


_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")


@dataclass(frozen=True)
class AttendanceQueries:
    """The queries of one recording, split: the benchmark's own transaction control (the
    BEGIN and ROLLBACK around each run), and the service's: on the data, on the audit trail,
    and any other transaction control (savepoints) or grant reads."""

    total: int
    harness: int
    data: int
    audit: int
    other: int

    @property
    def service(self) -> int:
        return self.total - self.harness


def attendance_queries(operation: Operation, using: str) -> AttendanceQueries:
    with CaptureQueriesContext(connections[using]) as captured:
        operation.call(0)
    sqls = [q["sql"].lstrip() for q in captured.captured_queries]
    # The run's first and last statements are its BEGIN and ROLLBACK (bench's own atomic).
    harness = [
        sql for sql in (sqls[:1] + sqls[-1:]) if sql.upper().startswith(("BEGIN", "ROLLBACK"))
    ]
    control = [sql for sql in sqls if sql.upper().startswith(_CONTROL)]
    audit = [sql for sql in sqls if "audit_auditevent" in sql or "pg_advisory_xact_lock" in sql]
    data = [
        sql
        for sql in sqls
        if sql not in control and sql not in audit and "accounts_rolegrant" not in sql
    ]
    return AttendanceQueries(
        total=len(sqls),
        harness=len(harness),
        data=len(data),
        audit=len(audit),
        other=len(sqls) - len(harness) - len(data) - len(audit),
    )


def _academic_record_url(student: Any) -> str | None:
    for name, kwargs in (
        ("students:record", {"pk": student.pk}),
        ("students:academic_record", {"pk": student.pk}),
        ("v1:students-academic-record", {"pk": student.pk}),
    ):
        url = _url(name, **kwargs)
        if url:
            return url
    return None


def run_academic(options: AcademicRunOptions, *, out: IO[str] | None = None) -> list[Result]:
    out = out or sys.stdout
    if options.repeat < 1:
        raise BenchError("--repeat debe ser al menos 1.")
    if connections[options.using].vendor != "postgresql":
        raise BenchError("El benchmark académico mide PostgreSQL: indique --database-url.")
    check_migrations(options.using)
    actors = choose_academic_actors()
    print(
        "Section {section} of {school} ({day}); ≈{attendance_rows:,} attendance rows, "
        "≈{students:,} students, ≈{schools:,} schools.".format(**actors.facts),
        file=out,
        flush=True,
    )
    operations = build_academic_operations(actors)
    if options.only:
        operations = [o for o in operations if o.key in options.only]
    results = [measure(operation, options, options.using) for operation in operations]  # type: ignore[arg-type]
    print_table(results, out, None)
    recording = next((o for o in operations if o.key == "attendance_record"), None)
    if recording is not None:
        split = attendance_queries(recording, options.using)
        actors.facts["attendance_queries"] = asdict(split)
        print(
            f"\nAttendance of a 45-student section: {split.service} queries in the service "
            f"({split.data} on the data, {split.audit} for the audit event, {split.other} other), "
            f"plus the benchmark's own BEGIN and ROLLBACK ({split.harness}).",
            file=out,
        )
    if options.json_path:
        with open(options.json_path, "w", encoding="utf-8") as handle:
            json.dump(
                {"meta": actors.facts, "results": [asdict(r) for r in results]}, handle, indent=2
            )
    return results


__all__ = ["AcademicRunOptions", "choose_academic_actors", "run_academic"]
