"""Two people put the same teacher in two sections at the same hour at once (PostgreSQL, real
threads behind a barrier): one save wins, the other gets a 409 with a Spanish reason; never two
periods, never an error page. SQLite serialises writers, so the race cannot happen there."""

import threading

import pytest
from django.db import connection

from core.audit.models import AuditEvent
from core.exceptions import Conflict
from modules.teachers.models import TimetableSlot
from modules.teachers.services import timetable_slot_add
from tests.factories import SchoolFactory
from tests.national_data import ensure_national_data

from .conftest import assign, make_section, make_teacher

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_racing_saves_of_one_teacher_at_one_hour_keep_one():
    ensure_national_data()
    school = SchoolFactory()
    teacher = make_teacher(school)
    sections = [make_section(school=school, name=name) for name in ("A", "B", "C", "D")]
    assignments = [assign(section, teacher) for section in sections]
    barrier = threading.Barrier(len(assignments))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def work(assignment) -> None:
        try:
            barrier.wait(timeout=30)
            timetable_slot_add(assignment=assignment, weekday=1, period=1)
            outcomes.append("saved")
        except Conflict as conflict:
            outcomes.append(conflict.code)
        except BaseException as exc:  # reported by the assertions
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(a,)) for a in assignments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(outcomes) == ["saved"] + ["timetable_clash"] * (len(assignments) - 1)
    assert TimetableSlot.objects.filter(teacher=teacher).count() == 1
    assert AuditEvent.objects.filter(action="timetable.slot_added").count() == 1
