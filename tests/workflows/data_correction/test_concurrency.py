"""Two officers approving the same correction at once, on PostgreSQL (real threads released by
a barrier). SQLite has no row locks, so this runs on PostgreSQL only."""

from collections.abc import Callable

import pytest
from viewflow.workflow.models import Task

from core.accounts.choices import Role
from core.accounts.models import User
from core.audit.models import AuditEvent
from notifications.models import OutboxMessage
from tests.concurrency import race
from workflows.data_correction.flows import DataCorrectionFlow
from workflows.data_correction.services import correction_step

from .conftest import check, correction_of, open_task, request_correction

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_officers_approving_at_once_one_wins_one_audit_event(
    requester, service, technician, make_user
):
    # Given a forwarded correction and two ministry officers with its task on their screens
    process = correction_of(request_correction(requester, service))
    check(technician, process)
    task = open_task(process, DataCorrectionFlow.approve)
    officers = [make_user(role=Role.MINISTRY_OFFICER) for _ in range(2)]
    copies = [(User.objects.get(pk=o.pk), Task.objects.get(pk=task.pk)) for o in officers]

    def approve(actor: User, copy: Task) -> Callable[[], object]:
        data = {"decision": "approve", "comment": ""}
        return lambda: correction_step(actor=actor, task=copy, data=data)

    # When both approve at the same moment
    outcomes = race([approve(actor, copy) for actor, copy in copies])

    # Then one won and the other was told the task is no longer available
    assert sorted(map(str, outcomes)) == ["ok", "transition_not_allowed"]
    winner = officers[outcomes.index("ok")]
    process.refresh_from_db()
    assert process.decided_by_id == winner.pk
    # And the record was corrected once, audited once, and the citizen told once
    assert AuditEvent.objects.filter(action="person.corrected").count() == 1
    assert AuditEvent.objects.filter(action="task.execute", payload__node="approve").count() == 1
    requester.person.refresh_from_db()
    assert requester.person.first_names == "Carmen Helena"
    assert (
        OutboxMessage.objects.filter(template="data_correction_outcome", channel="email").count()
        == 1
    )
