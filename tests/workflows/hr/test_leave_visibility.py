"""Approved leave shows on the teacher's record and in the school's staff view for its days as
soon as the director approves it, labelled «aprobada, pendiente de registro», and as
«registrada» once the HR officer registers it (docs/domain.md §11)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from modules.teachers.models import Leave
from modules.teachers.selectors import school_staff, teacher_of, teacher_record

from .conftest import decide, register, request_leave

pytestmark = pytest.mark.django_db

PENDING = "aprobada, pendiente de registro"


def test_a_request_not_yet_decided_is_not_shown(teacher_user, school):
    request_leave(teacher_user, start=timezone.localdate())

    staff = school_staff(school=school)
    assert [row.away for row in staff.rows] == [False]
    assert staff.on_leave == 0
    assert teacher_record(teacher=teacher_of(teacher_user)).pending_leaves == []


def test_approved_leave_shows_as_pending_then_as_registered(
    client, teacher_user, director, hr_officer, school
):
    today = timezone.localdate()
    process = request_leave(teacher_user, start=today, days=2)
    teacher = teacher_of(teacher_user)

    # When the director approves it
    decide(director, process)

    # Then the staff view marks the teacher on leave today, pending registration
    staff = school_staff(school=school)
    (row,) = staff.rows
    assert (row.on_leave, row.leave_pending, row.pending_leave_name) == (False, True, "Enfermedad")
    assert staff.on_leave == 1
    # but not the day after it ends
    later = school_staff(school=school, day=today + timedelta(days=2))
    assert [r.away for r in later.rows] == [False]
    client.force_login(director)
    page = client.get(reverse("teachers:school", args=[school.pk])).content.decode()
    assert "Con licencia: Enfermedad" in page
    assert PENDING in page
    # and the teacher's own record lists it with the same label
    record = teacher_record(teacher=teacher)
    assert [(p.start_date, p.end_date) for p in record.pending_leaves] == [
        (today, today + timedelta(days=1))
    ]
    assert record.leaves == []
    client.force_login(teacher_user)
    mine = client.get(reverse("teachers:detail", args=[teacher.pk])).content.decode()
    assert PENDING in mine
    assert Leave.objects.count() == 0  # nothing is registered by showing it

    # When the HR officer registers it
    register(hr_officer, process)

    # Then it shows once, as registered
    (row,) = school_staff(school=school).rows
    assert (row.on_leave, row.leave_pending) == (True, False)
    record = teacher_record(teacher=teacher)
    assert record.pending_leaves == []
    assert len(record.leaves) == 1
    mine = client.get(reverse("teachers:detail", args=[teacher.pk])).content.decode()
    assert PENDING not in mine
    assert "registrada" in mine


def test_rejected_leave_is_never_shown(teacher_user, director, school):
    process = request_leave(teacher_user, start=timezone.localdate())

    decide(director, process, decision="reject", comment="Sin respaldo suficiente")

    assert [row.away for row in school_staff(school=school).rows] == [False]
    assert teacher_record(teacher=teacher_of(teacher_user)).pending_leaves == []
