"""PostgreSQL: concurrent appends to one chain are serialised, so numbering stays gapless."""

import threading

import pytest
from django.db import connection, transaction

from core.audit.models import AuditEvent
from core.audit.services import audit_record
from core.audit.verify import verify

THREADS = 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_appends_to_one_chain_give_seq_1_to_10():
    barrier = threading.Barrier(THREADS, timeout=30)
    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            # Each thread in its own transaction, all released at once by the barrier; the
            # transaction stays open a little after the insert, as a real service's would.
            with transaction.atomic():
                barrier.wait()
                audit_record(
                    action="thing.touched",
                    chain_key="test.thing:race",
                    object_type="test.thing",
                    payload={"thread": n},
                )
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_sleep(0.01)")
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    events = list(AuditEvent.objects.filter(chain_key="test.thing:race").order_by("seq"))
    assert [event.seq for event in events] == list(range(1, THREADS + 1))
    assert sorted(event.payload["thread"] for event in events) == list(range(THREADS))
    result = verify()
    assert result.ok, result.problems
    assert (result.chains, result.events) == (1, THREADS)
