"""Concurrent NIE allocation on PostgreSQL with real threads: every number distinct.

SQLite serialises writers, and its counter row is covered by test_nie.py; the sequence itself
exists only on PostgreSQL.
"""

import threading

import pytest
from django.db import connection

from modules.students.models import NIE_START
from modules.students.services import nie_allocate

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_threads_allocating_at_once_get_twenty_distinct_numbers():
    # Given twenty threads released together, each allocating five NIEs
    barrier = threading.Barrier(20)
    results: list[list[int]] = [[] for _ in range(20)]
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = [nie_allocate() for _ in range(5)]
        except BaseException as exc:  # any failure is reported by the assertions
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then no thread failed and the hundred numbers are all different, from the sequence
    numbers = [n for chunk in results for n in chunk]
    assert errors == []
    assert len(numbers) == 100
    assert len(set(numbers)) == 100
    assert min(numbers) >= NIE_START
