"""Two teachers record the same section's first sheet of a day at once (PostgreSQL, real
threads): one writes it; the other either gets a 409 asking to reload (both found no sheet) or,
if it came second, corrects the saved sheet. Never an error page, never two sheets.

SQLite serialises writers, so the race cannot happen there.
"""

import threading

import pytest
from django.db import connection

from core.accounts.choices import Role
from core.audit.models import AuditEvent
from core.exceptions import Conflict
from modules.academics.models import AttendanceDay, AttendanceRecord
from modules.academics.services import Mark, attendance_record
from tests.factories import create_user
from tests.national_data import ensure_national_data

from .conftest import CLASS_DAY, enroll, make_section

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


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
        except Conflict as conflict:
            outcomes.append(conflict.code)
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
    assert sorted(outcomes) in (["attendance_concurrent", "saved"], ["saved", "saved"])
    assert AttendanceDay.objects.count() == 1
    assert AttendanceRecord.objects.count() == 5
    assert AuditEvent.objects.filter(action="attendance.recorded").count() == 1
