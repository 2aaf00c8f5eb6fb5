"""Fixtures for core.processes: the test ApprovalFlow (tests/workflowapp) and its people.

Two schools in two departments; a director of the first school starts processes; technicians
check them; departmental officers of each department approve them.
"""

import pytest
from viewflow.workflow.models import Task

from core.accounts.services import role_grant
from core.workflow import process_start, task_action
from tests.factories import SchoolFactory
from tests.workflowapp.flows import ApprovalFlow


@pytest.fixture
def school(db):
    return SchoolFactory()


@pytest.fixture
def other_school(db):
    return SchoolFactory()


@pytest.fixture
def director(make_user, school):
    return make_user(role="director", scope_kind="school", target=school)


@pytest.fixture
def checker(make_user):
    return make_user(role="technician")


@pytest.fixture
def officer(make_user, school):
    return make_user(
        role="departmental_officer", scope_kind="department", target=school.municipality.department
    )


@pytest.fixture
def far_officer(make_user, other_school):
    return make_user(
        role="departmental_officer",
        scope_kind="department",
        target=other_school.municipality.department,
    )


@pytest.fixture
def checker_officer(make_user, school):
    """A technician who is also an officer of the school's department."""
    user = make_user(role="technician")
    role_grant(
        user=user,
        role="departmental_officer",
        scope_kind="department",
        target=school.municipality.department,
    )
    return user


def start_approval(director, school, title: str = "Solicitud de prueba"):
    return process_start(actor=director, flow_class=ApprovalFlow, school=school, title=title)


def open_task(process, node) -> Task:
    return Task.objects.get(process_id=process.pk, flow_task=node, status__in=["NEW", "ASSIGNED"])


def work(actor, task, data=None, action_role=""):
    """Take ``task`` and execute it with ``data`` (a DecisionForm), through core.workflow."""
    node = task.flow_task
    task_action(actor=actor, task=task, action="assign")
    form = node.get_form(data or {"decision": "approve", "comment": ""})
    assert form.is_valid(), form.errors
    task_action(
        actor=actor,
        task=task,
        action="execute",
        fn=lambda activation: node.save_form(form, activation),
    )
    return task


@pytest.fixture
def process(director, school):
    return start_approval(director, school)


@pytest.fixture
def approval_task(process, checker):
    """The ``approve`` task, open, after ``checker`` checked the request."""
    work(checker, open_task(process, ApprovalFlow.check))
    return open_task(process, ApprovalFlow.approve)
