"""transition(locked_by_caller=True): a service that locked the row itself saves the second lock
and read; the result, the audit event and the all-or-nothing rule are the same."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.audit.models import AuditEvent
from core.workflow import transition
from tests.workflowapp.models import Permit, PermitStatus

pytestmark = pytest.mark.django_db


def _locked(permit: Permit) -> Permit:
    return Permit.objects.select_for_update().get(pk=permit.pk)


def _approve(actor, permit: Permit, *, locked_by_caller: bool) -> Permit:
    with transaction.atomic():
        row = _locked(permit)
        return transition(
            actor=actor, obj=row, name="approve", note="Bien", locked_by_caller=locked_by_caller
        )


def _permit_reads(captured: CaptureQueriesContext) -> int:
    return sum(
        q["sql"].startswith('SELECT "workflowapp_permit"') for q in captured.captured_queries
    )


def test_the_transition_on_a_locked_row_reads_it_once_less(director, submitted_permit):
    # The same approval with and without the caller's lock: the row is read (locked) once, and
    # the transition opens no savepoint of its own.
    other = Permit.objects.get(pk=submitted_permit.pk)
    other.pk = None
    other.save()
    with CaptureQueriesContext(connection) as twice:
        _approve(director, submitted_permit, locked_by_caller=False)
    with CaptureQueriesContext(connection) as once:
        result = _approve(director, other, locked_by_caller=True)
    assert (_permit_reads(twice), _permit_reads(once)) == (2, 1)
    assert len(once.captured_queries) < len(twice.captured_queries)
    assert result.status == PermitStatus.APPROVED
    stored = Permit.objects.get(pk=other.pk)
    assert (stored.status, stored.reviewed_by_id, stored.note) == (
        PermitStatus.APPROVED,
        director.pk,
        "Bien",
    )
    events = AuditEvent.objects.filter(chain_key=f"workflowapp.permit:{other.pk}")
    assert list(events.values_list("action", flat=True)) == ["permit.approve"]


def test_a_refusal_leaves_the_callers_row_and_the_database_untouched(requester, submitted_permit):
    with transaction.atomic():
        row = _locked(submitted_permit)
        with pytest.raises(PermissionDenied):
            transition(actor=requester, obj=row, name="approve", locked_by_caller=True)
        assert row.status == PermitStatus.SUBMITTED
        # No savepoint of its own: the caller's transaction is the unit that rolls back.
        assert transaction.get_rollback()
    assert Permit.objects.get(pk=submitted_permit.pk).status == PermitStatus.SUBMITTED


def test_a_failing_body_leaves_the_callers_row_untouched(director, submitted_permit):
    with transaction.atomic():
        row = _locked(submitted_permit)
        with pytest.raises(RuntimeError):
            transition(actor=director, obj=row, name="approve_then_fail", locked_by_caller=True)
        assert (row.status, row.reviewed_by_id) == (PermitStatus.SUBMITTED, None)
        assert transaction.get_rollback()
    assert not AuditEvent.objects.filter(action="permit.approve_then_fail").exists()
    assert Permit.objects.get(pk=submitted_permit.pk).status == PermitStatus.SUBMITTED


def test_without_the_callers_transaction_it_is_refused(director, submitted_permit):
    # Outside a transaction of the caller's there is no lock to rely on.
    with pytest.raises(ValueError, match="locked_by_caller"):
        transition(actor=director, obj=submitted_permit, name="approve", locked_by_caller=True)
    assert Permit.objects.get(pk=submitted_permit.pk).status == PermitStatus.SUBMITTED
