"""Recording a section's attendance: one operation, refusals, audited corrections."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from core.accounts.choices import Role
from core.audit.models import AuditEvent
from core.exceptions import Conflict
from modules.academics.models import AttendanceDay, AttendanceRecord
from modules.academics.selectors import section_get
from modules.academics.services import Mark, attendance_record
from modules.students.models import WithdrawalMotive
from modules.students.services import enrollment_withdraw
from tests.factories import create_user

from .conftest import CLASS_DAY, enroll, make_section

pytestmark = pytest.mark.django_db

# On PostgreSQL an audit append also takes the chain's advisory lock (one more query) and,
# holding it, inserts without a savepoint (two fewer): one query fewer than elsewhere.
AUDIT_ON_POSTGRESQL = -int(connection.vendor == "postgresql")


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

    # Five for the data: class day (calendars with their suspending events, 1) · enrolled that
    # day (1) · header lock (1) · header INSERT (1) · every row in one INSERT (1). Then the
    # audit event: chain head, savepoint, insert, release (4); and the service's own savepoint
    # and release (2, only because the test runs inside a transaction). Same for 10 and 45.
    with django_assert_num_queries(11 + AUDIT_ON_POSTGRESQL):
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

    # class day (1) · enrolled (1) · header lock (1) · stored rows (1) · one bulk UPDATE (1) ·
    # header counts (1) · audit (4) · savepoint and release (2)
    with django_assert_num_queries(12 + AUDIT_ON_POSTGRESQL):
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
