"""Two teachers record the same section's first sheet of a day at once (PostgreSQL, real
threads): the header's insert of the second waits for the first transaction, then finds the
saved sheet and records its own as a correction of it. Both succeed, one sheet, one
"recorded" event, and the stored counts agree with the stored rows.

SQLite serialises writers, so the race cannot happen there.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from core.accounts.choices import Role
from core.audit.models import AuditEvent
from modules.academics.models import AttendanceDay, AttendanceRecord
from modules.academics.services import Mark, attendance_record
from tests.factories import create_user
from tests.national_data import ensure_national_data

from .conftest import CLASS_DAY, enroll, make_section

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ABSENT = Mark("absent")


def test_two_first_recordings_at_once_write_one_sheet():
    ensure_national_data()
    section = make_section()
    students = enroll(section, 5)
    teachers = [
        create_user(role=Role.TEACHER, scope_kind="section", target=section) for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def work(teacher, absent) -> None:
        try:
            barrier.wait(timeout=30)
            attendance_record(
                actor=teacher, section=section, day=CLASS_DAY, marks={absent.pk: Mark("absent")}
            )
            outcomes.append("saved")
        except BaseException as exc:  # any other failure is reported by the assertions
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=work, args=(teacher, student))
        for teacher, student in zip(teachers, students, strict=False)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert outcomes == ["saved", "saved"]
    header = AttendanceDay.objects.get()
    rows = list(AttendanceRecord.objects.values_list("presence", flat=True))
    assert len(rows) == 5
    # The second sheet wins whole: one absent (its own mark), the first's absent present again.
    assert (header.present, header.absent, header.justified) == (4, 1, 0)
    assert sorted(rows) == ["absent", *["present"] * 4]
    events = AuditEvent.objects.filter(chain_key=f"academics.attendanceday:{header.pk}")
    assert list(events.order_by("seq").values_list("seq", "action")) == [
        (1, "attendance.recorded"),
        (2, "attendance.corrected"),
    ]


def test_a_recording_waits_for_the_uncommitted_first_sheet_then_corrects_it():
    """Forced order: the first sheet is written but not committed when the second recording
    starts; the second's header insert waits for the commit, then corrects the sheet."""
    ensure_national_data()
    section = make_section()
    first, second, *_rest = enroll(section, 4)
    teachers = [
        create_user(role=Role.TEACHER, scope_kind="section", target=section) for _ in range(2)
    ]
    written = threading.Event()
    moments: dict[str, float] = {}
    errors: list[BaseException] = []

    def first_teacher() -> None:
        try:
            with transaction.atomic():
                attendance_record(
                    actor=teachers[0], section=section, day=CLASS_DAY, marks={first.pk: ABSENT}
                )
                written.set()
                time.sleep(1)
                moments["committed"] = time.monotonic()
        except BaseException as exc:
            errors.append(exc)
        finally:
            written.set()
            connection.close()

    def second_teacher() -> None:
        try:
            written.wait(timeout=30)
            attendance_record(
                actor=teachers[1], section=section, day=CLASS_DAY, marks={second.pk: ABSENT}
            )
            moments["second"] = time.monotonic()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_teacher), threading.Thread(target=second_teacher)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert moments["second"] > moments["committed"]  # it waited for the first commit
    header = AttendanceDay.objects.get()
    assert (header.present, header.absent, header.taken_by_id) == (3, 1, teachers[0].pk)
    assert dict(AttendanceRecord.objects.values_list("enrollment_id", "presence")) == {
        **{enrollment.pk: "present" for enrollment in (first, *_rest)},
        second.pk: "absent",
    }
    corrected = AuditEvent.objects.get(action="attendance.corrected")
    assert corrected.seq == 2
    assert corrected.actor_id == teachers[1].pk
    assert len(corrected.payload["changes"]) == 2
