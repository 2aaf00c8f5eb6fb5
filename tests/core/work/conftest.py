# ruff: noqa: F811 -- fixtures imported from tests/helpdesk/conftest.py are parameters below.
"""Fixtures of the work-queue tests: tickets through the help-desk services, tasks of the test
flow (tests/workflowapp: the help desk does not know it), and account-review cases opened by
the registration workflow."""

import pytest
from django.db import transaction
from viewflow.workflow.models import Task

from tests.factories import PersonFactory, make_dui
from tests.helpdesk.conftest import (  # noqa: F401 (the help desk's fixtures, shared here)
    _media_root,
    clock,
    department,
    open_ticket,
    queue,
    requester,
    service,
    sla_policy,
    supervisor,
    technician,
)
from tests.workflowapp.flows import ReviewFlow
from tests.workflows.registration.helpers import applicant_data, last_link, link_parts
from workflows.accounts_review.models import ReviewCase
from workflows.registration.services import registration_submit, registration_verify


def start_review(title: str = "Solicitud de prueba") -> Task:
    """Start the test flow through viewflow; return its human ``review`` task (state NEW)."""
    with transaction.atomic():
        process = ReviewFlow.start.run(title=title)
    return Task.objects.get(process=process, flow_task=ReviewFlow.review)


def open_identity_review(n: int = 1) -> ReviewCase:
    """A verified registration whose DUI belongs to a person with other names: one open case."""
    dui = make_dui(78_000_000 + n)
    PersonFactory(dui=dui, first_names="Beatriz", last_names="López Pérez")
    registration_submit(**applicant_data(dui=dui, email=f"persona{n}@example.sv"))
    public_id, token = link_parts(last_link("registration_verify"))
    registration_verify(public_id=public_id, token=token)
    return ReviewCase.objects.get(registration__dui=dui)


def open_tickets(requester, service, count: int, **kwargs) -> list:
    return [
        open_ticket(requester, service, description=f"Solicitud {n}", **kwargs)
        for n in range(count)
    ]


@pytest.fixture
def tech_client(client, technician):
    client.force_login(technician)
    return client
