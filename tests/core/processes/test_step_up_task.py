"""``RoleTask(..., step_up=True)``: the task page asks for a fresh re-authentication before it
shows the step's form or accepts it (docs/security.md §1.8)."""

import pytest
from django.db import transaction
from viewflow.workflow.models import Task

from core.accounts.stepup import step_up_url
from core.workflow import task_action
from tests.core.accounts.helpers import mark_client_reauthenticated
from tests.factories import DEFAULT_PASSWORD
from tests.workflowapp.flows import SignFlow

from .test_task_page import owner_and_status, snapshot, task_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def technician(make_user):
    return make_user(role="technician")


@pytest.fixture
def sign_task(db) -> Task:
    with transaction.atomic():
        process = SignFlow.start.run(title="Firma")
    return Task.objects.get(process=process, flow_task=SignFlow.sign)


def test_taking_the_task_needs_no_step_up(client, technician, sign_task):
    client.force_login(technician)

    page = client.get(task_url(sign_task))
    assert page.status_code == 200
    client.post(f"{task_url(sign_task)}accion/", {"accion": "assign"})

    assert owner_and_status(sign_task) == (technician.pk, "ASSIGNED")


def test_the_form_is_shown_only_after_a_step_up(client, technician, sign_task):
    task_action(actor=technician, task=sign_task, action="assign")
    client.force_login(technician)

    response = client.get(task_url(sign_task))

    assert response.status_code == 302
    assert response["Location"] == step_up_url(task_url(sign_task))
    back = client.post(
        response["Location"], {"password": DEFAULT_PASSWORD, "next": task_url(sign_task)}
    )
    assert back["Location"] == task_url(sign_task)
    page = client.get(task_url(sign_task))
    assert page.status_code == 200
    assert 'value="execute"' in page.content.decode()


def test_a_post_without_a_step_up_changes_nothing(client, technician, sign_task):
    task_action(actor=technician, task=sign_task, action="assign")
    client.force_login(technician)
    before = snapshot(sign_task.process)

    response = client.post(f"{task_url(sign_task)}accion/", {"accion": "execute"})

    assert response.status_code == 302
    assert response["Location"] == step_up_url(task_url(sign_task))
    assert snapshot(sign_task.process) == before
    assert owner_and_status(sign_task) == (technician.pk, "ASSIGNED")


def test_an_expired_step_up_changes_nothing(client, technician, sign_task):
    task_action(actor=technician, task=sign_task, action="assign")
    client.force_login(technician)
    mark_client_reauthenticated(client, technician, seconds_ago=301)
    before = snapshot(sign_task.process)

    response = client.post(f"{task_url(sign_task)}accion/", {"accion": "execute"})

    assert response["Location"] == step_up_url(task_url(sign_task))
    assert snapshot(sign_task.process) == before


def test_with_a_fresh_step_up_the_step_is_done(client, technician, sign_task):
    task_action(actor=technician, task=sign_task, action="assign")
    client.force_login(technician)
    mark_client_reauthenticated(client, technician)

    response = client.post(f"{task_url(sign_task)}accion/", {"accion": "execute"})

    assert response["Location"] == "/bandeja/"
    assert owner_and_status(sign_task) == (technician.pk, "DONE")


def test_people_outside_the_task_still_get_404_not_a_step_up(client, make_user, sign_task):
    client.force_login(make_user(role="citizen"))
    before = snapshot(sign_task.process)

    assert client.get(task_url(sign_task)).status_code == 404
    assert client.post(f"{task_url(sign_task)}accion/", {"accion": "execute"}).status_code == 404
    assert snapshot(sign_task.process) == before
