"""The officer's Bandeja lists correction tasks in a fixed number of queries at any size: the
task titles come from the process row itself (``process_summary_template``)."""

import pytest
from django.utils import timezone

from core.accounts.scopes import forget_grants
from core.work.bandeja import work_queue

from .conftest import check, correction_of, request_correction


def _forward_one(make_user, service, technician) -> None:
    citizen = make_user(first_names="Ana", last_names="Pérez")
    process = correction_of(request_correction(citizen, service, valor_actual="Ana"))
    check(technician, process)


@pytest.mark.parametrize("corrections", [1, 6])
def test_the_officers_bandeja_costs_five_queries_at_any_size(
    make_user, service, technician, ministry_officer, django_assert_num_queries, corrections
):
    for _ in range(corrections):
        _forward_one(make_user, service, technician)
    forget_grants(ministry_officer)

    # 1 the officer's grants; tickets: none (an officer serves no queue, no query); tasks:
    # 2 the open (node, permission) pairs, 3 counts per flow, 4 assigned and 5 available
    # tasks with their process rows (titles come from those rows: no query per task).
    with django_assert_num_queries(5):
        bandeja = work_queue(actor=ministry_officer, now=timezone.now())

    assert len(bandeja.available.items) == corrections
