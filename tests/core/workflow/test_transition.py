"""core.workflow.transition: the one path for django-fsm transitions, all or nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.test import RequestFactory

import core.workflow
from core.audit.models import AuditEvent
from core.exceptions import Conflict
from core.workflow import available_transitions, transition
from tests.workflowapp.models import OutboxRow, Permit, PermitStatus
from tests.workflowapp.services import outbox_write, permit_create

pytestmark = pytest.mark.django_db


def permit_events(permit: Permit) -> list[tuple[str, str, str]]:
    events = AuditEvent.objects.filter(chain_key=f"workflowapp.permit:{permit.pk}")
    return list(events.order_by("seq").values_list("action", "from_state", "to_state"))


def db_row(permit: Permit) -> dict:
    return Permit.objects.filter(pk=permit.pk).values("status", "reviewed_by", "note", "data")[0]


# --- The allowed path -------------------------------------------------------------------------


def test_allowed_transition_changes_state_and_writes_one_audit_event(
    director, submitted_permit, django_capture_on_commit_callbacks
):
    # Given a submitted permit and a director, with an outbox hook and an after-commit hook
    request = RequestFactory().post("/", REMOTE_ADDR="10.1.2.3")
    after_commit = []
    updated_before = Permit.objects.get(pk=submitted_permit.pk).updated_at

    # When the director approves it
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = transition(
            actor=director,
            obj=submitted_permit,
            name="approve",
            request=request,
            role="director",
            scope="school 7",
            payload={"motivo": "completo"},
            note="Todo en orden",
            in_transaction=[outbox_write],
            on_commit=[after_commit.append],
        )
        # Then nothing after-commit has run while the transaction is still open
        assert after_commit == []

    # Then the row is approved, with what the transition body set
    assert db_row(submitted_permit) == {
        "status": PermitStatus.APPROVED,
        "reviewed_by": director.pk,
        "note": "Todo en orden",
        "data": {},
    }
    # and the auto_now stamp moved too (update_fields lists it)
    assert Permit.objects.get(pk=submitted_permit.pk).updated_at > updated_before
    # and the caller's instance is the one returned, updated to the committed values
    assert result is submitted_permit
    assert submitted_permit.status == PermitStatus.APPROVED
    assert submitted_permit.reviewed_by == director
    # and the chain holds the submit, then exactly one approve event with its details
    assert permit_events(submitted_permit) == [
        ("permit.submit", "draft", "submitted"),
        ("permit.approve", "submitted", "approved"),
    ]
    event = AuditEvent.objects.get(action="permit.approve")
    assert event.actor_id == director.pk
    assert event.role == "director"
    assert event.scope == "school 7"
    assert event.ip_address == "10.1.2.3"
    assert event.object_id == str(submitted_permit.pk)
    assert event.payload == {
        "changed_fields": ["note", "reviewed_by"],
        "motivo": "completo",
    }
    # and the outbox row was written in the same transaction
    assert list(OutboxRow.objects.values_list("topic", "object_id")) == [
        ("permit.approved", submitted_permit.pk)
    ]
    # and the after-commit hook ran once, after commit, with the changed permit
    assert len(callbacks) == 1
    assert after_commit == [submitted_permit]


def test_a_json_field_edited_in_place_by_the_transition_is_saved(director, submitted_permit):
    # When the reject transition appends to its JSON field in place
    transition(actor=director, obj=submitted_permit, name="reject", reasons=["falta firma"])

    # Then the change reached the database (update_fields noticed it)
    assert db_row(submitted_permit)["data"] == {"reasons": ["falta firma"]}
    assert AuditEvent.objects.get(action="permit.reject").payload == {
        "changed_fields": ["data", "reviewed_by"]
    }


def test_the_transition_reads_the_locked_row_not_the_callers_stale_copy(
    requester, director, submitted_permit
):
    # Given a stale copy loaded while the permit was submitted, then the requester withdraws it
    stale = Permit.objects.get(pk=submitted_permit.pk)
    transition(actor=requester, obj=submitted_permit, name="withdraw")

    # When the director approves through the stale copy
    with pytest.raises(Conflict) as caught:
        transition(actor=director, obj=stale, name="approve")

    # Then the decision is taken on the row as it is now (draft), and nothing changed
    assert caught.value.reason == "La acción «Aprobar» no es posible en el estado «Borrador»."
    assert db_row(submitted_permit)["status"] == PermitStatus.DRAFT
    assert stale.status == PermitStatus.SUBMITTED  # a refused attempt leaves the caller's copy
    assert [e[0] for e in permit_events(submitted_permit)] == ["permit.submit", "permit.withdraw"]


# --- Refusals ---------------------------------------------------------------------------------


def test_actor_without_permission_gets_403_and_nothing_changes(requester, submitted_permit):
    # Given the requester (not a director) and a submitted permit
    before = db_row(submitted_permit)
    events_before = AuditEvent.objects.count()

    # When the requester tries to approve their own request
    with pytest.raises(PermissionDenied):
        transition(
            actor=requester, obj=submitted_permit, name="approve", in_transaction=[outbox_write]
        )

    # Then the permit, the audit trail and the outbox are untouched
    assert db_row(submitted_permit) == before
    assert AuditEvent.objects.count() == events_before
    assert OutboxRow.objects.count() == 0


def test_actor_who_could_never_fire_it_gets_403_even_in_the_wrong_state(requester, draft_permit):
    # A citizen asking to approve a draft learns nothing about its state: 403, not 409.
    with pytest.raises(PermissionDenied):
        transition(actor=requester, obj=draft_permit, name="approve")
    assert db_row(draft_permit)["status"] == PermitStatus.DRAFT


def test_system_actor_none_cannot_fire_a_permission_guarded_transition(submitted_permit):
    with pytest.raises(PermissionDenied):
        transition(actor=None, obj=submitted_permit, name="approve")
    assert db_row(submitted_permit)["status"] == PermitStatus.SUBMITTED


def test_illegal_transition_is_a_conflict_with_the_reason_and_changes_nothing(
    director, draft_permit
):
    # Given a draft permit (approve needs it submitted)
    events_before = AuditEvent.objects.count()

    # When a director tries to approve it
    with pytest.raises(Conflict) as caught:
        transition(actor=director, obj=draft_permit, name="approve", in_transaction=[outbox_write])

    # Then the answer says why, in Spanish, and nothing changed
    assert caught.value.reason == "La acción «Aprobar» no es posible en el estado «Borrador»."
    assert caught.value.code == "transition_not_allowed"
    assert caught.value.status_code == 409
    assert db_row(draft_permit)["status"] == PermitStatus.DRAFT
    assert AuditEvent.objects.count() == events_before
    assert OutboxRow.objects.count() == 0


def test_a_failed_condition_returns_its_own_message(requester, make_user):
    # Given a draft with no attachments
    permit = permit_create(requester=requester, attachments=0)
    events_before = AuditEvent.objects.count()

    # When the requester submits it
    with pytest.raises(Conflict) as caught:
        transition(actor=requester, obj=permit, name="submit")

    # Then the condition's message is the reason, and nothing changed
    assert caught.value.reason == "La solicitud no tiene documentos adjuntos."
    assert caught.value.code == "condition_failed"
    assert db_row(permit)["status"] == PermitStatus.DRAFT
    assert AuditEvent.objects.count() == events_before


def test_a_condition_without_message_fails_with_a_generic_sentence(requester):
    permit = permit_create(requester=requester)
    Permit.objects.filter(pk=permit.pk).update(objection=True)

    with pytest.raises(Conflict) as caught:
        transition(actor=requester, obj=permit, name="submit")

    assert caught.value.reason == "No se cumplen las condiciones para la acción «Enviar»."
    assert db_row(permit)["status"] == PermitStatus.DRAFT


def test_failed_condition_for_an_actor_without_permission_is_still_403(director, requester):
    # The director may not submit someone else's draft, whatever its attachments say.
    permit = permit_create(requester=requester, attachments=0)
    with pytest.raises(PermissionDenied):
        transition(actor=director, obj=permit, name="submit")


@pytest.mark.parametrize("name", ["delete", "save", "_do_update", "no_such_action", "title"])
def test_a_name_that_is_not_a_transition_is_refused_without_calling_anything(
    director, submitted_permit, name
):
    with pytest.raises(Conflict) as caught:
        transition(actor=director, obj=submitted_permit, name=name)

    assert caught.value.code == "unknown_action"
    assert caught.value.reason == f"La acción «{name}» no existe."
    assert Permit.objects.filter(pk=submitted_permit.pk).exists()
    assert db_row(submitted_permit)["status"] == PermitStatus.SUBMITTED


# --- All or nothing: a failure at each step leaves no trace ------------------------------------


def assert_nothing_left_behind(permit: Permit, events_before: int, after_commit: list) -> None:
    assert db_row(permit) == {
        "status": PermitStatus.SUBMITTED,
        "reviewed_by": None,
        "note": "",
        "data": {},
    }
    assert AuditEvent.objects.count() == events_before
    assert OutboxRow.objects.count() == 0
    assert after_commit == []
    # and the caller's instance was not moved to a state the database never got
    assert permit.status == PermitStatus.SUBMITTED
    assert permit.reviewed_by_id is None


def test_failure_in_the_transition_body_rolls_everything_back(
    director, submitted_permit, django_capture_on_commit_callbacks
):
    events_before = AuditEvent.objects.count()
    after_commit = []

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        transition(
            actor=director,
            obj=submitted_permit,
            name="approve_then_fail",
            in_transaction=[outbox_write],
            on_commit=[after_commit.append],
        )

    assert_nothing_left_behind(submitted_permit, events_before, after_commit)


def test_failure_in_the_audit_write_rolls_everything_back(
    director, submitted_permit, monkeypatch, django_capture_on_commit_callbacks
):
    # Given an audit write that stores its event and then fails (e.g. the disk fills up)
    real_audit_record = core.workflow.audit_record

    def audit_then_fail(**kwargs):
        real_audit_record(**kwargs)
        raise DatabaseError("disk full")

    monkeypatch.setattr(core.workflow, "audit_record", audit_then_fail)
    events_before = AuditEvent.objects.count()
    after_commit = []

    # When the director approves
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DatabaseError):
        transition(
            actor=director,
            obj=submitted_permit,
            name="approve",
            note="x",
            in_transaction=[outbox_write],
            on_commit=[after_commit.append],
        )

    # Then the state change and the half-written event are both gone
    assert_nothing_left_behind(submitted_permit, events_before, after_commit)


def test_failure_in_an_in_transaction_side_effect_rolls_everything_back(
    director, submitted_permit, django_capture_on_commit_callbacks
):
    # Given a first hook that writes an outbox row and a second one that fails
    def fail(permit):
        raise RuntimeError("outbox full")

    events_before = AuditEvent.objects.count()
    after_commit = []

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        transition(
            actor=director,
            obj=submitted_permit,
            name="approve",
            in_transaction=[outbox_write, fail],
            on_commit=[after_commit.append],
        )

    # Then the outbox row the first hook wrote is gone with the rest
    assert_nothing_left_behind(submitted_permit, events_before, after_commit)


def test_failure_later_in_the_callers_transaction_rolls_the_transition_back(
    director, submitted_permit, django_capture_on_commit_callbacks
):
    # A service that fires a transition and then fails takes the transition down with it.
    events_before = AuditEvent.objects.count()
    after_commit = []

    with (  # noqa: PT012 - the failure must happen inside the caller's transaction
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        transition(
            actor=director,
            obj=Permit.objects.get(pk=submitted_permit.pk),
            name="approve",
            in_transaction=[outbox_write],
            on_commit=[after_commit.append],
        )
        raise RuntimeError("the rest of the service failed")

    assert_nothing_left_behind(submitted_permit, events_before, after_commit)


def test_a_failing_after_commit_hook_is_logged_and_does_not_undo_the_change(
    director, submitted_permit, django_capture_on_commit_callbacks, caplog
):
    # Given an after-commit hook that fails (the broker is down), then one that works
    def broken(permit):
        raise ConnectionError("broker down")

    ran = []

    # When the director approves
    with django_capture_on_commit_callbacks(execute=True):
        transition(
            actor=director, obj=submitted_permit, name="approve", on_commit=[broken, ran.append]
        )

    # Then the approval stands, the failure is logged, and the next hook still ran
    assert db_row(submitted_permit)["status"] == PermitStatus.APPROVED
    assert ran == [submitted_permit]
    assert "broken" in caplog.text


# --- Buttons ----------------------------------------------------------------------------------


def test_available_transitions_lists_what_the_actor_may_do_now_in_declaration_order(
    requester, director, submitted_permit
):
    assert available_transitions(actor=director, obj=submitted_permit) == [
        core.workflow.AvailableAction(name="approve", label="Aprobar", target="approved"),
        core.workflow.AvailableAction(name="reject", label="Rechazar", target="rejected"),
        core.workflow.AvailableAction(
            name="approve_then_fail", label="Aprobar (falla)", target="approved"
        ),
    ]
    assert available_transitions(actor=requester, obj=submitted_permit) == [
        core.workflow.AvailableAction(name="withdraw", label="Retirar", target="draft"),
    ]


def test_available_transitions_hides_a_transition_whose_condition_fails(requester):
    permit = permit_create(requester=requester, attachments=0)
    assert available_transitions(actor=requester, obj=permit) == []
