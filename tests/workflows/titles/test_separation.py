"""Separation of duties and scope: the requester cannot verify or sign, the verifier cannot
sign, the director cannot countersign; a task outside the actor's scope is a 404 on its page
and in nobody else's Bandeja; every refusal leaves everything as it was."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from viewflow.workflow.models import Task

from core.accounts.choices import Role, ScopeKind
from core.accounts.services import role_grant
from core.audit.models import AuditEvent
from core.exceptions import Conflict
from core.work.bandeja import work_queue
from modules.documents.choices import RequestStatus
from modules.documents.models import TitleRequest
from tests.factories import DepartmentFactory, SchoolFactory
from workflows.titles.flows import TitleFlow

from .conftest import confirm_step, open_task, request_titles, verify

pytestmark = pytest.mark.django_db


def _snapshot(process):
    request = TitleRequest.objects.get(pk=process.title_request_id)
    tasks = list(Task.objects.filter(process_id=process.pk).values_list("pk", "status", "owner_id"))
    return (request.status, request.signed_by_id, request.countersigned_by_id, tasks,
            # (logins and refusals are audited on other chains: count this request's and tasks')
            AuditEvent.objects.filter(
                chain_key__in=[f"viewflow.process:{process.pk}",
                               f"documents.titlerequest:{process.title_request_id}"]
            ).count())  # fmt: skip


def test_requester_who_is_also_director_cannot_sign(
    registrar, officer, section, graduates, signatories, school
):
    # Given a registrar who is also a director of the school (and has their own signature)
    role_grant(user=registrar, role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=school)
    process = request_titles(registrar, section)
    verify(officer, process)
    task = open_task(process, TitleFlow.sign)
    before = _snapshot(process)
    # When they try to take or sign the task
    with pytest.raises(PermissionDenied) as caught:
        confirm_step(registrar, process, TitleFlow.sign)
    # Then refused with the reason, nothing changed, and the task is not in their Bandeja
    assert "solicitó estos títulos" in str(caught.value)
    assert _snapshot(process) == before
    assert task.flow_task.work_queue_q(registrar) is not None
    assert not Task.objects.filter(task.flow_task.work_queue_q(registrar), pk=task.pk).exists()


def test_director_cannot_countersign(registrar, officer, director, section, graduates, signatories):
    # Given a director who also holds the authenticating role
    role_grant(user=director, role=Role.TITLE_AUTHENTICATOR, scope_kind=ScopeKind.NATIONAL)
    process = request_titles(registrar, section)
    verify(officer, process)
    confirm_step(director, process, TitleFlow.sign)
    before = _snapshot(process)
    with pytest.raises(PermissionDenied) as caught:
        confirm_step(director, process, TitleFlow.countersign)
    assert "Firma del director" in str(caught.value)
    assert _snapshot(process) == before


def test_verifier_cannot_sign(registrar, officer, section, graduates, signatories, school):
    role_grant(user=officer, role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=school)
    process = request_titles(registrar, section)
    verify(officer, process)
    before = _snapshot(process)
    with pytest.raises(PermissionDenied):
        confirm_step(officer, process, TitleFlow.sign)
    assert _snapshot(process) == before


def test_director_without_own_signature_is_refused(
    registrar, officer, section, graduates, signatories, school, make_user
):
    # A second director of the school with no registered signature of their own
    other = make_user(role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=school)
    process = request_titles(registrar, section)
    verify(officer, process)
    before = _snapshot(process)
    with pytest.raises(Conflict) as caught:
        confirm_step(other, process, TitleFlow.sign)
    assert caught.value.code == "no_signatory"
    assert _snapshot(process) == before


def test_task_of_another_school_is_404_and_nothing_changes(
    client, registrar, officer, section, graduates, signatories, make_user
):
    process = request_titles(registrar, section)
    verify(officer, process)
    task = open_task(process, TitleFlow.sign)
    stranger = make_user(role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=SchoolFactory())
    far_officer = make_user(
        role=Role.DEPARTMENTAL_OFFICER, scope_kind=ScopeKind.DEPARTMENT, target=DepartmentFactory()
    )
    before = _snapshot(process)
    for user in (stranger, far_officer):
        client.force_login(user)
        assert client.get(reverse("process:task", args=[task.pk])).status_code == 404
        response = client.post(reverse("process:task_action", args=[task.pk]), {"accion": "assign"})
        assert response.status_code == 404
        # And the request's page is out of their scope too, and the task not in their Bandeja
        page = client.get(reverse("titles:request", args=[process.title_request_id]))
        assert page.status_code == 404
        queue = work_queue(actor=user)
        ids = {item.id for item in queue.assigned.items + queue.available.items}
        assert str(task.pk) not in ids
    assert _snapshot(process) == before


def test_tasks_reach_the_right_people(
    registrar, officer, director, authenticator, printer, section, graduates, signatories
):
    process = request_titles(registrar, section)
    verify_task = open_task(process, TitleFlow.verify)
    node = verify_task.flow_task
    assert Task.objects.filter(node.work_queue_q(officer), pk=verify_task.pk).exists()
    for user in (registrar, director, authenticator, printer):
        condition = node.work_queue_q(user)
        assert condition is None or not Task.objects.filter(condition, pk=verify_task.pk).exists()
    verify(officer, process)
    sign_task = open_task(process, TitleFlow.sign)
    assert Task.objects.filter(sign_task.flow_task.work_queue_q(director), pk=sign_task.pk).exists()
    request = TitleRequest.objects.get(pk=process.title_request_id)
    assert request.status == RequestStatus.CONFIRMED
