"""Fixtures for core.workflow: people with the roles the test permit and test flow expect."""

import pytest
from django.db import transaction
from viewflow.workflow.models import Task

from tests.workflowapp.flows import ReviewFlow
from tests.workflowapp.services import permit_create


@pytest.fixture
def requester(make_user):
    return make_user(role="citizen")


@pytest.fixture
def director(make_user):
    return make_user(role="director")


@pytest.fixture
def technician(make_user):
    return make_user(role="technician")


@pytest.fixture
def draft_permit(requester):
    return permit_create(requester=requester)


@pytest.fixture
def submitted_permit(requester, draft_permit):
    from core.workflow import transition

    return transition(actor=requester, obj=draft_permit, name="submit")


def start_review(title: str = "Solicitud de prueba") -> Task:
    """Start the test flow through viewflow and return its human ``review`` task."""
    with transaction.atomic():
        process = ReviewFlow.start.run(title=title)
    return Task.objects.get(process=process, flow_task=ReviewFlow.review)


@pytest.fixture
def review_task(db) -> Task:
    return start_review()
