"""core.workflow.process_start and the role/scope nodes of core.processes.nodes."""

import pytest
from django.core.exceptions import PermissionDenied
from viewflow.workflow.models import Process, Task

from core.audit.models import AuditEvent
from core.workflow import process_chain_key, process_start, task_action
from tests.workflowapp.flows import ApprovalFlow

from .conftest import open_task, start_approval, work

pytestmark = pytest.mark.django_db


def chain(process) -> list[tuple[str, str]]:
    events = AuditEvent.objects.filter(chain_key=process_chain_key(process.pk)).order_by("seq")
    return [(e.action, e.payload.get("node", "")) for e in events]


def test_a_director_starts_a_process_for_their_school(director, school):
    # When the school's director starts an approval
    process = start_approval(director, school, title="Permiso de salida")

    # Then the process exists with its first task, and its chain opens with the start
    assert isinstance(process, Process)
    assert process.data == {
        "title": "Permiso de salida",
        "school_id": school.pk,
        "department_id": school.municipality.department_id,
        "requester_id": None,
    }
    tasks = {(t.flow_task.name, t.status) for t in Task.objects.filter(process=process)}
    assert tasks == {("start", "DONE"), ("check", "NEW")}
    event = AuditEvent.objects.get(chain_key=process_chain_key(process.pk))
    assert (event.action, event.actor_id, event.role, event.to_state) == (
        "process.start",
        director.pk,
        "director",
        "NEW",
    )
    assert event.payload == {
        "flow": "workflowapp/flows.ApprovalFlow",
        "node": "start",
        "seed": None,
    }


def test_a_director_of_another_school_may_not_start_and_nothing_is_written(
    make_user, school, other_school
):
    # Given a director of another school
    stranger = make_user(role="director", scope_kind="school", target=other_school)
    before = (Process.objects.count(), Task.objects.count(), AuditEvent.objects.count())

    # When they try to start a process for this school: 403, nothing written
    with pytest.raises(PermissionDenied):
        start_approval(stranger, school)
    assert (Process.objects.count(), Task.objects.count(), AuditEvent.objects.count()) == before


def test_a_failing_hook_rolls_the_start_back(director, school):
    def boom(process):
        raise RuntimeError("outbox down")

    before = (Process.objects.count(), Task.objects.count(), AuditEvent.objects.count())
    with pytest.raises(RuntimeError):
        process_start(actor=director, flow_class=ApprovalFlow, school=school, in_transaction=[boom])
    assert (Process.objects.count(), Task.objects.count(), AuditEvent.objects.count()) == before


def test_a_seed_is_locked_linked_and_named_in_the_start_event(director, school):
    process = process_start(actor=director, flow_class=ApprovalFlow, school=school, seed=school)

    assert (process.seed_content_type.model, process.seed_object_id) == ("school", school.pk)
    event = AuditEvent.objects.get(chain_key=process_chain_key(process.pk))
    assert event.payload["seed"] == {"type": "schools.school", "id": school.pk}


def test_the_work_queue_query_follows_role_and_scope(process, checker, officer, far_officer):
    # Given the check done, the approval task is open for officers of the school's department
    work(checker, open_task(process, ApprovalFlow.check))
    task = open_task(process, ApprovalFlow.approve)
    node = ApprovalFlow.approve

    def visible(user):
        condition = node.work_queue_q(user)
        return condition is not None and Task.objects.filter(condition, pk=task.pk).exists()

    # Then the officer of that department sees and may take it; the far officer may not
    assert (visible(officer), node.can_assign(officer, task)) == (True, True)
    assert (visible(far_officer), node.can_assign(far_officer, task)) == (False, False)
    # and a technician (not an officer) has no such tasks at all
    assert node.work_queue_q(checker) is None


def test_a_far_officer_cannot_take_the_task_and_nothing_changes(approval_task, far_officer):
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        task_action(actor=far_officer, task=approval_task, action="assign")
    row = Task.objects.filter(pk=approval_task.pk).values("status", "owner")[0]
    assert row == {"status": "NEW", "owner": None}
    assert AuditEvent.objects.count() == before


def test_whoever_checked_cannot_approve(process, checker_officer):
    # Given a technician who is also an officer of the department checked the request
    work(checker_officer, open_task(process, ApprovalFlow.check))
    task = open_task(process, ApprovalFlow.approve)
    before = AuditEvent.objects.count()

    # Then the approval is not in their queue, and taking it is refused with the reason
    condition = ApprovalFlow.approve.work_queue_q(checker_officer)
    assert not Task.objects.filter(condition, pk=task.pk).exists()
    with pytest.raises(PermissionDenied) as refused:
        task_action(actor=checker_officer, task=task, action="assign")
    assert str(refused.value) == (
        "Usted realizó el paso «Revisar la solicitud» de este trámite: "
        "otra persona debe realizar «Aprobar la solicitud»."
    )
    assert Task.objects.filter(pk=task.pk).values_list("status", "owner")[0] == ("NEW", None)
    assert AuditEvent.objects.count() == before


def test_the_whole_process_has_one_history(process, checker, officer):
    # When the check and the approval are worked
    work(checker, open_task(process, ApprovalFlow.check))
    work(
        officer, open_task(process, ApprovalFlow.approve), {"decision": "approve", "comment": "Ok"}
    )

    # Then every event is on the process's chain, with the node in the payload
    assert chain(process) == [
        ("process.start", "start"),
        ("task.assign", "check"),
        ("task.execute", "check"),
        ("task.assign", "approve"),
        ("task.execute", "approve"),
    ]
    process.refresh_from_db()
    assert process.status == "DONE"
    assert process.data["approve"] == {"decision": "approve", "comment": "Ok"}
    assert process.data["check"] == {"decision": "approve", "comment": ""}


def test_hooks_run_with_the_process_in_and_after_the_transaction(
    director, school, django_capture_on_commit_callbacks
):
    seen = []

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        process = process_start(
            actor=director,
            flow_class=ApprovalFlow,
            school=school,
            in_transaction=[lambda p: seen.append(("in", p.pk))],
            on_commit=[lambda p: seen.append(("after", p.pk))],
        )

    assert len(callbacks) == 1
    assert seen == [("in", process.pk), ("after", process.pk)]


def test_a_flow_with_several_starts_must_name_one(director, school):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        process_start(actor=director, flow_class=ApprovalFlow, start="check", school=school)
    assert Process.objects.count() == 0


def test_reassigning_to_someone_outside_the_scope_is_refused_by_the_node(
    approval_task, officer, far_officer
):
    node = ApprovalFlow.approve

    assert node.can_work(officer, approval_task) is True
    assert node.can_work(far_officer, approval_task) is False
