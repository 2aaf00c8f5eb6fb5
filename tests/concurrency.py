"""Race helper for PostgreSQL concurrency tests: run each worker in its own thread (its own
database connection), released together by a barrier, and report how each ended."""

import threading
from collections.abc import Callable

from django.db import connection

from core.exceptions import Conflict


def race(workers: list[Callable[[], object]]) -> list[object]:
    """``"ok"``, a ``Conflict``'s code, or the exception raised, per worker, in order."""
    barrier = threading.Barrier(len(workers))
    outcomes: list[object] = [None] * len(workers)

    def run(index: int, work: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            work()
            outcomes[index] = "ok"
        except Conflict as exc:
            outcomes[index] = exc.code
        except Exception as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes
