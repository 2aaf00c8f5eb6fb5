"""Appends to a chain this transaction already extended reuse the head it wrote (PostgreSQL):
no second advisory lock or head read, and never a head a rolled-back savepoint removed."""

import pytest
from django.db import connection, transaction

from core.audit.hashing import GENESIS_HASH, event_hash
from core.audit.models import AuditEvent
from core.audit.services import audit_record

pytestmark = pytest.mark.django_db

KEY = "test:known-head"


def _record(n: int) -> AuditEvent:
    return audit_record(action=f"test.step{n}", chain_key=KEY, object_type="test")


def _record_then_fail(*steps: int) -> None:
    with transaction.atomic():
        for n in steps:
            _record(n)
        raise RuntimeError


def _assert_linked() -> None:
    rows = list(AuditEvent.objects.filter(chain_key=KEY).order_by("seq").values())
    assert [row["seq"] for row in rows] == list(range(1, len(rows) + 1))
    assert [row["prev_hash"] for row in rows] == [GENESIS_HASH] + [r["hash"] for r in rows[:-1]]
    assert [event_hash(row) for row in rows] == [row["hash"] for row in rows]


def test_a_second_append_in_the_same_transaction_is_one_insert(django_assert_num_queries):
    # PostgreSQL: the first append of a transaction locks the chain and reads its head (one
    # round trip) and inserts; the next ones know the head and only insert. (SQLite reads the
    # head and inserts in a savepoint each time: one writer at a time, a loser of the unique key
    # retries.)
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        with django_assert_num_queries(2 if postgres else 4):
            _record(1)
        with django_assert_num_queries(1 if postgres else 4):
            _record(2)
    _assert_linked()


def test_a_rolled_back_savepoint_forgets_the_head_it_wrote():
    with transaction.atomic():
        _record(1)
        with pytest.raises(RuntimeError):
            _record_then_fail(2)
        # Event 2 is gone with its savepoint: the next append reads the head again.
        event = _record(3)
        assert event.seq == 2
    _assert_linked()


def test_an_inner_block_that_commits_keeps_the_head():
    with transaction.atomic():
        _record(1)
        with transaction.atomic():
            _record(2)
        assert _record(3).seq == 3
    _assert_linked()


def test_a_new_transaction_reads_the_head_again():
    # pytest-django wraps the test in a transaction; this test's own blocks are savepoints.
    # A rolled-back block in between must not leave a head behind.
    with pytest.raises(RuntimeError):
        _record_then_fail(1, 2)
    assert _record(3).seq == 1
    _assert_linked()
