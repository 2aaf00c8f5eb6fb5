"""Recording a section's attendance: one operation, refusals, audited corrections."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core.accounts.choices import Role
from core.audit.models import AuditEvent
from core.exceptions import Conflict
from modules.academics.models import AttendanceDay, AttendanceRecord
from modules.academics.selectors import enrollments_on_class_day, section_get
from modules.academics.services import Mark, attendance_record
from modules.schools.calendars import is_class_day
from modules.schools.models import Calendar, CalendarEvent
from modules.students.models import WithdrawalMotive
from modules.students.services import enrollment_withdraw
from tests.factories import create_user

from .conftest import CLASS_DAY, enroll, make_section

pytestmark = pytest.mark.django_db


def _state():
    return (
        list(AttendanceDay.objects.values_list("section_id", "date", "present", "absent")),
        list(AttendanceRecord.objects.values_list("enrollment_id", "presence", "reason")),
        AuditEvent.objects.filter(action__startswith="attendance.").count(),
    )


def test_everyone_is_present_unless_marked(section, teacher):
    first, second, third = enroll(section, 3)

    header = attendance_record(
        actor=teacher,
        section=section,
        day=CLASS_DAY,
        marks={second.pk: Mark("absent"), third.pk: Mark("justified", " Cita médica ")},
    )

    assert (header.present, header.absent, header.justified) == (1, 1, 1)
    assert dict(
        AttendanceRecord.objects.filter(day=header).values_list("enrollment_id", "presence")
    ) == {first.pk: "present", second.pk: "absent", third.pk: "justified"}
    assert AttendanceRecord.objects.get(enrollment=third).reason == "Cita médica"
    event = AuditEvent.objects.get(action="attendance.recorded")
    assert event.payload == {
        "section": section.pk,
        "date": "2026-03-02",
        "present": 1,
        "absent": 1,
        "justified": 1,
    }


@pytest.mark.parametrize("size", [10, 45])
def test_a_whole_section_is_one_operation_with_fixed_queries(
    section, teacher, size, django_assert_num_queries
):
    enrollments = enroll(section, size)
    # As the page does: the section is read with its closing, the grants once per request.
    section = section_get(teacher, section.pk)
    marks = {enrollments[0].pk: Mark("absent")}

    # Four, all included: who is enrolled, asked with whether it is a class day (1) · the
    # header, inserted unless it exists (1) · every row in one INSERT (1) · the audit event,
    # the first of the new header's chain (1). No savepoint of the service's own, no chain
    # lock or head read. Same for 10 and 45, on SQLite and PostgreSQL.
    with django_assert_num_queries(4):
        attendance_record(actor=teacher, section=section, day=CLASS_DAY, marks=marks)

    assert AttendanceRecord.objects.count() == size


@pytest.mark.parametrize("size", [10, 45])
def test_a_correction_is_one_update_and_audited_with_before_and_after(
    section, teacher, size, django_assert_num_queries
):
    enrollments = enroll(section, size)
    attendance_record(actor=teacher, section=section, day=CLASS_DAY, marks={})
    section = section_get(teacher, section.pk)
    marks = {enrollments[0].pk: Mark("justified", "Enfermedad"), enrollments[1].pk: Mark("absent")}

    # enrolled and class day (1) · header insert, finding it there (1) · header lock (1) ·
    # stored rows (1) · one bulk UPDATE (1) · header counts (1) · audit append to the header's
    # chain (SQLite: head, savepoint, insert, release). On PostgreSQL the append is the insert
    # alone here: both recordings share the test's transaction, so the chain's head written by
    # the first one is known and its lock still held (core.audit.services, "known head"); a
    # correction in a request of its own also takes the chain's lock and reads its head (9).
    with django_assert_num_queries(7 if connection.vendor == "postgresql" else 10):
        header = attendance_record(actor=teacher, section=section, day=CLASS_DAY, marks=marks)

    assert (header.present, header.absent, header.justified) == (size - 2, 1, 1)
    event = AuditEvent.objects.get(action="attendance.corrected")
    assert sorted(event.payload["changes"], key=lambda change: change["enrollment"]) == [
        {
            "enrollment": enrollments[0].pk,
            "before": {"status": "present", "reason": ""},
            "after": {"status": "justified", "reason": "Enfermedad"},
        },
        {
            "enrollment": enrollments[1].pk,
            "before": {"status": "present", "reason": ""},
            "after": {"status": "absent", "reason": ""},
        },
    ]


def test_an_unchanged_correction_writes_nothing(section, teacher):
    enroll(section, 2)
    attendance_record(actor=teacher, section=section, day=CLASS_DAY, marks={})
    before = _state()

    attendance_record(actor=teacher, section=section, day=CLASS_DAY, marks={})

    assert _state() == before


def test_a_future_day_is_refused(section, teacher):
    enroll(section, 2)
    before = _state()

    with pytest.raises(Conflict) as refused:
        attendance_record(
            actor=teacher,
            section=section,
            day=timezone.localdate() + timedelta(days=1),
            marks={},
        )

    assert refused.value.reason == "No se puede registrar asistencia de un día futuro."
    assert _state() == before


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 3, 7),  # a Saturday
        date(2026, 5, 1),  # Labour Day (public holiday from the holidays package)
        date(2026, 3, 31),  # Holy Week vacation (a school event)
        date(2026, 1, 15),  # before the class period
    ],
)
def test_a_day_without_classes_is_refused(section, teacher, day):
    enroll(section, 2)
    before = _state()

    with pytest.raises(Conflict) as refused:
        attendance_record(actor=teacher, section=section, day=day, marks={})

    assert refused.value.code == "not_class_day"
    assert "no es día de clases" in refused.value.reason
    assert _state() == before


def test_a_student_not_enrolled_that_day_is_refused(section, teacher):
    enroll(section, 1)
    (late,) = enroll(section, 1, on=date(2026, 3, 9))
    other_section = make_section(school=section.school, name="B")
    (elsewhere,) = enroll(other_section, 1)
    before = _state()

    with pytest.raises(ValidationError) as refused:
        attendance_record(
            actor=teacher,
            section=section,
            day=CLASS_DAY,
            marks={late.pk: Mark("absent"), elsewhere.pk: Mark("absent")},
        )

    assert refused.value.messages == [
        f"El estudiante {late.pk} no está matriculado en la sección el 02/03/2026.",
        f"El estudiante {elsewhere.pk} no está matriculado en la sección el 02/03/2026.",
    ]
    assert _state() == before


def test_a_withdrawn_student_is_not_on_later_sheets(section, teacher, director):
    staying, leaving = enroll(section, 2)
    motive = WithdrawalMotive.objects.filter(kind="dropout").first()
    enrollment_withdraw(actor=director, enrollment=leaving, motive=motive, on=date(2026, 2, 27))

    header = attendance_record(actor=teacher, section=section, day=CLASS_DAY, marks={})

    assert list(header.records.values_list("enrollment_id", flat=True)) == [staying.pk]


def test_a_justified_absence_needs_a_reason(section, teacher):
    (student,) = enroll(section, 1)
    before = _state()

    with pytest.raises(ValidationError):
        attendance_record(
            actor=teacher, section=section, day=CLASS_DAY, marks={student.pk: Mark("justified")}
        )

    assert _state() == before


def test_a_teacher_of_another_section_may_not_record(section):
    enroll(section, 2)
    other = create_user(role=Role.TEACHER, scope_kind="section", target=make_section(name="Z"))
    before = _state()

    with pytest.raises(PermissionDenied):
        attendance_record(actor=other, section=section, day=CLASS_DAY, marks={})

    assert _state() == before


def _own_calendar(section, *, start=date(2026, 3, 2), end=date(2026, 11, 13), closed=None):
    own = Calendar.objects.create(
        school_year_id=2026, school=section.school, start_date=start, end_date=end
    )
    if closed:
        CalendarEvent.objects.create(
            calendar=own, name="Jornada de salud", start_date=closed, end_date=closed
        )
    return own


@pytest.mark.parametrize("enrolled", [0, 3])
@pytest.mark.parametrize(
    "day",
    [
        CLASS_DAY,
        date(2026, 3, 3),  # closed by the school's own event
        date(2026, 2, 27),  # in the national calendar, before the school's own starts
        date(2026, 3, 7),  # a Saturday
        date(2026, 5, 1),  # a public holiday
        date(2026, 3, 31),  # Holy Week, a national event
    ],
)
def test_enrolled_and_class_day_in_one_query_agree_with_is_class_day(
    section, day, enrolled, django_assert_num_queries
):
    students = enroll(section, enrolled)
    _own_calendar(section, closed=date(2026, 3, 3))
    weekday_and_no_holiday = day.weekday() < 5 and day != date(2026, 5, 1)

    # One query; a second (the calendar alone) only when nobody is enrolled to carry it.
    with django_assert_num_queries(int(weekday_and_no_holiday) * (1 + (enrolled == 0))):
        found = enrollments_on_class_day(section, day)

    if is_class_day(section, day):
        assert found is not None
        assert sorted(found) == sorted(student.pk for student in students)
    else:
        assert found is None


def test_a_section_with_nobody_enrolled_records_an_empty_sheet(section, teacher):
    header = attendance_record(actor=teacher, section=section, day=CLASS_DAY, marks={})

    assert (header.present, header.absent, header.justified) == (0, 0, 0)
    assert AttendanceDay.objects.get().pk == header.pk
    assert AuditEvent.objects.get(action="attendance.recorded").seq == 1


def test_a_day_closed_by_the_schools_own_event_is_refused(section, teacher):
    enroll(section, 2)
    _own_calendar(section, closed=CLASS_DAY)
    before = _state()

    with pytest.raises(Conflict) as refused:
        attendance_record(actor=teacher, section=section, day=CLASS_DAY, marks={})

    assert refused.value.code == "not_class_day"
    assert _state() == before


def test_the_first_recording_starts_the_headers_chain_and_a_correction_continues_it(
    section, teacher
):
    first, _second = enroll(section, 2)
    header = attendance_record(actor=teacher, section=section, day=CLASS_DAY, marks={})
    attendance_record(
        actor=teacher, section=section, day=CLASS_DAY, marks={first.pk: Mark("absent")}
    )

    chain = AuditEvent.objects.filter(chain_key=f"academics.attendanceday:{header.pk}")
    assert list(chain.order_by("seq").values_list("seq", "action")) == [
        (1, "attendance.recorded"),
        (2, "attendance.corrected"),
    ]
    stored = AttendanceDay.objects.get()
    assert (stored.present, stored.absent, stored.taken_by_id) == (1, 1, teacher.pk)


def test_a_refusal_leaves_the_callers_transaction_usable(section, teacher):
    enroll(section, 1)

    with transaction.atomic():
        with pytest.raises(Conflict):
            attendance_record(actor=teacher, section=section, day=date(2026, 3, 7), marks={})
        # No savepoint was needed: nothing had been written when the refusal was raised.
        header = attendance_record(actor=teacher, section=section, day=CLASS_DAY, marks={})

    assert AttendanceDay.objects.get().pk == header.pk
