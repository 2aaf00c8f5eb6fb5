"""Query counts of the process pages and of an officer's Bandeja, at two data sizes."""

import pytest

from core.workflow import task_action
from tests.workflowapp.flows import ApprovalFlow

from .conftest import open_task, start_approval, work

pytestmark = pytest.mark.django_db

SIZES = [1, 6]
# Signed-in pages: the session comes from the cache (no query for it).
TASK_PAGE = 12
PROCESS_PAGE = 10
# A departmental officer's Bandeja also asks the school finances' liquidations source (one query).
OFFICER_BANDEJA = 11


def busy_process(director, school, checker, officer, cycles: int):
    """A process whose approval was taken and released ``cycles`` times (more events)."""
    process = start_approval(director, school)
    work(checker, open_task(process, ApprovalFlow.check))
    task = open_task(process, ApprovalFlow.approve)
    for _ in range(cycles):
        task_action(actor=officer, task=task, action="assign")
        task_action(actor=officer, task=task, action="unassign")
    task_action(actor=officer, task=task, action="assign")
    return process, task


@pytest.mark.parametrize("size", SIZES, ids=["small", "large"])
def test_task_page_queries(
    client, director, school, checker, officer, django_assert_num_queries, size
):
    for _ in range(size):
        busy_process(director, school, checker, officer, cycles=size)
    _process, task = busy_process(director, school, checker, officer, cycles=size)
    client.force_login(officer)

    with django_assert_num_queries(TASK_PAGE):
        response = client.get(f"/procesos/tareas/{task.pk}/")

    assert response.status_code == 200
    assert response.context["form"] is not None


@pytest.mark.parametrize("size", SIZES, ids=["small", "large"])
def test_process_page_queries(
    client, director, school, checker, officer, make_user, django_assert_num_queries, size
):
    process, _task = busy_process(director, school, checker, officer, cycles=size)
    client.force_login(officer)

    with django_assert_num_queries(PROCESS_PAGE):
        response = client.get(f"/procesos/{process.pk}/")

    assert response.status_code == 200
    assert len(response.context["page"].events) == 4 + 2 * size


@pytest.mark.parametrize("size", SIZES, ids=["small", "large"])
def test_an_officers_bandeja_queries_with_process_tasks(
    client, director, school, checker, officer, django_assert_num_queries, size
):
    for _ in range(size):
        busy_process(director, school, checker, officer, cycles=1)  # taken by the officer
        process = start_approval(director, school)
        work(checker, open_task(process, ApprovalFlow.check))  # open for the officer
    client.force_login(officer)

    with django_assert_num_queries(OFFICER_BANDEJA):
        response = client.get("/bandeja/")

    bandeja = response.context["bandeja"]
    assert (bandeja.assigned.total, bandeja.available.total) == (size, size)
    assert all(item.due_at is not None for item in bandeja.available.items)
