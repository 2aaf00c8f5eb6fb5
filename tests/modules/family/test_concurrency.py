"""The director and the homeroom teacher decide the same permission at the same moment
(PostgreSQL, real threads): one decision wins, the other is told it is no longer possible (409);
the family is told once. SQLite has no row locks, so this runs on PostgreSQL only."""

import threading
from datetime import date

import pytest
from django.db import connection

from core.accounts.choices import Role
from core.audit.models import AuditEvent
from core.exceptions import Conflict
from modules.family import services
from modules.family.models import PermissionRequest
from notifications.models import OutboxMessage
from tests.factories import create_user
from tests.modules.academics.conftest import enroll, make_section
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
