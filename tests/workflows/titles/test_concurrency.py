"""One director signing the same request from two tabs at once, on PostgreSQL (real threads
behind a barrier; SQLite has no row locks): one signature wins, the other tab gets a 409, and
there is one signing event."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from viewflow.workflow.models import Task

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.exceptions import Conflict
from modules.documents.models import TitleRequest
from workflows.titles.flows import TitleFlow
from workflows.titles.services import titles_step

from .conftest import open_task, request_titles, verify

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(workers: list[Callable[[], object]]) -> list[object]:
    barrier = threading.Barrier(len(workers))
    outcomes: list[object] = [None] * len(workers)

    def run(index: int, work: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            work()
            outcomes[index] = "ok"
        except Conflict:
            outcomes[index] = "conflict"
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


def test_two_tabs_of_one_director_signing_at_once(
    registrar, officer, director, section, graduates, signatories
):
    process = request_titles(registrar, section)
    verify(officer, process)
    task = open_task(process, TitleFlow.sign)
    tabs = [(User.objects.get(pk=director.pk), Task.objects.get(pk=task.pk)) for _ in range(2)]

    def sign(actor: User, copy: Task) -> Callable[[], object]:
        return lambda: titles_step(actor=actor, task=copy, data={"confirm": "on"})

    outcomes = race([sign(actor, copy) for actor, copy in tabs])

    assert sorted(map(str, outcomes)) == ["conflict", "ok"]
    request = TitleRequest.objects.get(pk=process.title_request_id)
    assert request.signed_by_id == director.pk
    assert AuditEvent.objects.filter(action="title_request.signed").count() == 1
    assert AuditEvent.objects.filter(action="task.execute", payload__node="sign").count() == 1
