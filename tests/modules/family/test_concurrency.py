"""The director and the homeroom teacher decide the same permission at the same moment
(PostgreSQL, real threads): one decision wins, the other is told it is no longer possible (409);
the family is told once. An approval and a correction of a day it covers: the correction is
kept. SQLite has no row locks, so this runs on PostgreSQL only."""

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from core.accounts.choices import Role
from core.audit.models import AuditEvent
from core.exceptions import Conflict
from modules.academics.choices import AttendanceStatus
from modules.academics.models import AttendanceRecord
from modules.academics.services import Mark, attendance_record
from modules.family import services
from modules.family.models import PermissionRequest
from notifications.models import OutboxMessage
from tests.factories import create_user
from tests.modules.academics.conftest import CLASS_DAY, enroll, make_section
from tests.national_data import ensure_national_data

from .conftest import guardian_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_decisions_at_once_one_wins():
    ensure_national_data()
    section = make_section()
    (child,) = enroll(section, 1)
    teacher = create_user(role=Role.TEACHER, scope_kind="section", target=section)
    section.homeroom_teacher = teacher.person
    section.save(update_fields=["homeroom_teacher"])
    director = create_user(role=Role.DIRECTOR, scope_kind="school", target=section.school)
    guardian = guardian_of(child)
    permission = services.permission_request(
        actor=guardian,
        student_id=child.student_id,
        date_from=date(2026, 3, 9),
        date_to=date(2026, 3, 9),
        reason="Cita médica",
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def work(actor, approve) -> None:
        try:
            copy = PermissionRequest.objects.select_related("section", "student__person").get(
                pk=permission.pk
            )
            barrier.wait(timeout=30)
            services.permission_decide(
                actor=actor, permission=copy, approve=approve, comment="Decidido."
            )
            outcomes.append("ok")
        except Conflict as conflict:
            outcomes.append(conflict.code)
        except BaseException as exc:  # any other failure is reported by the assertions
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=work, args=(teacher, True)),
        threading.Thread(target=work, args=(director, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(outcomes) == ["ok", "transition_not_allowed"]
    decided = PermissionRequest.objects.get(pk=permission.pk)
    assert decided.status in ("approved", "rejected")
    assert AuditEvent.objects.filter(action__startswith="permissionrequest.").count() == 1
    assert OutboxMessage.objects.filter(recipient=guardian.person).count() == 2


def test_an_approval_waits_for_a_correction_of_the_same_day_and_keeps_it():
    """The teacher corrects a day's sheet (a classmate absent) while the director approves a
    permission covering that day. The approval rewrites the sheet with the child justified: it
    must read the sheet after the correction commits, or the classmate is back to present."""
    ensure_national_data()
    section = make_section()
    child, classmate = enroll(section, 2)
    teacher = create_user(role=Role.TEACHER, scope_kind="section", target=section)
    director = create_user(role=Role.DIRECTOR, scope_kind="school", target=section.school)
    attendance_record(actor=teacher, section=section, day=CLASS_DAY, marks={})
    permission = services.permission_request(
        actor=guardian_of(child),
        student_id=child.student_id,
        date_from=CLASS_DAY,
        date_to=CLASS_DAY,
        reason="Cita médica",
    )
    correcting, commit = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def correct() -> None:
        # Holds the sheet's lock, as a correction does, until told to commit.
        try:
            with transaction.atomic():
                attendance_record(
                    actor=teacher,
                    section=section,
                    day=CLASS_DAY,
                    marks={classmate.pk: Mark(AttendanceStatus.ABSENT)},
                )
                correcting.set()
                commit.wait(timeout=30)
        except BaseException as exc:
            errors.append(exc)
        finally:
            correcting.set()
            connection.close()

    def approve() -> None:
        try:
            copy = PermissionRequest.objects.select_related(
                "section", "school", "student__person"
            ).get(pk=permission.pk)
            services.permission_decide(actor=director, permission=copy, approve=True)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    teacher_thread = threading.Thread(target=correct)
    teacher_thread.start()
    assert correcting.wait(timeout=30)
    director_thread = threading.Thread(target=approve)
    director_thread.start()
    # The approval has had time to read the sheet (and to block on its lock).
    director_thread.join(timeout=1.5)
    commit.set()
    for thread in (teacher_thread, director_thread):
        thread.join(timeout=60)

    assert errors == []
    presence = dict(
        AttendanceRecord.objects.filter(date=CLASS_DAY).values_list("enrollment_id", "presence")
    )
    assert presence == {child.pk: "justified", classmate.pk: "absent"}
    assert PermissionRequest.objects.get(pk=permission.pk).status == "approved"
