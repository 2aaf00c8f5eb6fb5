"""Fixtures of the budget process: the finance module's school, people and allocation, and
helpers to open a budget and find a process's open task."""

import pytest
from viewflow.workflow.models import Task

from tests.modules.finance.conftest import (  # noqa: F401 - fixtures shared with the module
    YEAR,
    add_lines,
    allocation,
    categories,
    director,
    far_reviewer,
    other_school,
    reviewer,
    school,
    treasurer,
)
from workflows.budget.services import budget_process_open


def open_task(process, node) -> Task:
    return Task.objects.get(process=process, flow_task=node, status__in=["NEW", "ASSIGNED"])


@pytest.fixture
def opened(treasurer, school, allocation, categories):  # noqa: F811 - the imported fixtures
    """A budget opened by the treasurer, its lines balanced."""
    process = budget_process_open(actor=treasurer, school=school, year=YEAR)
    add_lines(treasurer, process.budget, categories)
    return process
