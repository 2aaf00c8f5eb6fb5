"""By default the trail is verified against the latest signed checkpoint kept in the database:
an edit with every later hash recomputed, or a deleted tail, no longer passes; a checkpoint
re-signed without the key is refused; and the result says plainly what no signature covers."""

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.audit.hashing import GENESIS_HASH, checkpoint_message, event_hash, merkle_root, sign
from core.audit.models import AuditCheckpoint, AuditEvent
from core.audit.services import audit_checkpoint_write, audit_record
from core.audit.verify import verify

from .conftest import CHAIN, build_chain, raw, raw_delete

pytestmark = pytest.mark.django_db

VERIFY = reverse("audit:verify")


def rewrite_from(chain_key: str, seq: int, **changes) -> None:
    """What a database superuser can do: change an event, then recompute its hash and every
    later hash and link of the chain, so the chain is consistent again."""
    rows = list(AuditEvent.objects.filter(chain_key=chain_key).order_by("seq").values())
    prev = GENESIS_HASH
    for row in rows:
        if row["seq"] == seq:
            row.update(changes)
        row["prev_hash"] = prev
        row["hash"] = event_hash(row)
        raw(
            f"UPDATE {AuditEvent._meta.db_table} SET action = %s, payload = %s, "  # noqa: S608
            "prev_hash = %s, hash = %s WHERE id = %s",
            [row["action"], json.dumps(row["payload"]), row["prev_hash"], row["hash"], row["id"]],
        )
        prev = row["hash"]


def run_verify(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, no_color=True)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def test_an_edit_with_recomputed_hashes_is_caught_by_the_stored_checkpoint():
    # Given a checkpointed chain whose second event is then edited and every hash recomputed
    build_chain(CHAIN, 4)
    audit_checkpoint_write()
    rewrite_from(CHAIN, 2, payload={"n": 2, "note": "falsificado"})
    assert verify(checkpoint=None).ok  # the hashes alone are consistent again

    # When audit_verify runs with no arguments
    code, output = run_verify()

    # Then the head no longer matches the signed checkpoint, and the command fails
    assert code == 1
    assert output.splitlines()[:2] == [
        "[edited] test.thing:1 #4: el evento no es el que registró el punto de control",
        "1 cadenas, 4 eventos, 1 problemas",
    ]


def test_a_deleted_tail_is_caught_by_the_stored_checkpoint():
    events = build_chain(CHAIN, 5)
    audit_checkpoint_write()
    raw_delete(events[4].pk)
    raw_delete(events[3].pk)

    code, output = run_verify()

    assert code == 1
    assert output.splitlines()[0] == (
        "[tail_missing] test.thing:1 #5: el punto de control registra 5 eventos; "
        "la cadena termina en 3"
    )


def test_a_checkpoint_re_signed_without_the_key_is_refused():
    # Given a tail deleted, and the stored checkpoint rewritten to match, signed with a guess
    events = build_chain(CHAIN, 3)
    checkpoint, _created = audit_checkpoint_write()
    raw_delete(events[2].pk)
    heads = {CHAIN: [2, events[1].hash]}
    root = merkle_root([f"{CHAIN}:2:{events[1].hash}"])
    message = checkpoint_message(
        created_at=checkpoint.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        chain_count=1,
        event_count=2,
        root=root,
    )
    raw(
        f"UPDATE {AuditCheckpoint._meta.db_table} SET heads = %s, merkle_root = %s, "  # noqa: S608
        "event_count = 2, signature = %s WHERE id = %s",
        [json.dumps(heads), root, sign(message, "not-the-key-" * 4), checkpoint.pk],
    )

    # When verified by default
    result = verify()

    # Then the signature fails and nothing is reported as covered
    assert [(p.kind, p.detail) for p in result.problems] == [
        ("checkpoint", "la firma del punto de control no es válida")
    ]
    assert result.fully_signed is False
    assert result.coverage.startswith("El punto de control no es válido")
    assert settings.SIGES_AUDIT_SIGNING_KEY != "not-the-key-" * 4


def test_without_any_checkpoint_the_command_says_so_plainly():
    build_chain(CHAIN, 2)

    code, output = run_verify()

    assert code == 0
    assert output.splitlines()[1].startswith("Ningún punto de control firmado cubre estos eventos")


def test_events_after_the_last_checkpoint_are_counted_as_not_yet_signed():
    build_chain(CHAIN, 2)
    audit_checkpoint_write()
    audit_record(action="thing.more", chain_key=CHAIN, object_type="test.thing")
    build_chain("test.thing:2", 3)

    result = verify()

    assert result.ok
    assert (result.checkpoint_source, result.unsigned_events, result.unsigned_chains) == (
        "stored",
        4,
        2,
    )
    assert result.fully_signed is False
    assert result.coverage.startswith("4 eventos (en 2 cadenas) son posteriores al punto")


def test_the_latest_of_several_checkpoints_is_used():
    build_chain(CHAIN, 2)
    audit_checkpoint_write()
    audit_record(action="thing.more", chain_key=CHAIN, object_type="test.thing")
    audit_checkpoint_write()

    result = verify()

    assert AuditCheckpoint.objects.count() == 2
    assert (result.unsigned_events, result.fully_signed) == (0, True)


# --- The auditor's verification page -------------------------------------------------------------


@pytest.fixture
def auditor_client(client, make_user):
    client.force_login(make_user(role="auditor"))
    return client


def test_the_page_catches_an_edit_with_recomputed_hashes(auditor_client):
    build_chain(CHAIN, 3)
    audit_checkpoint_write()
    rewrite_from(CHAIN, 1, action="thing.forged")

    response = auditor_client.get(VERIFY, {"cadena": CHAIN})

    assert response.status_code == 200
    assert "La cadena fue alterada." in response.text
    assert "el evento no es el que registró el punto de control" in response.text


def test_the_page_says_plainly_when_no_checkpoint_covers_the_chain(auditor_client):
    build_chain(CHAIN, 3)

    response = auditor_client.get(VERIFY, {"cadena": CHAIN})

    assert "Cadena íntegra." in response.text
    assert "No todo está cubierto por una firma." in response.text
    assert "Ningún punto de control firmado cubre estos eventos" in response.text


def test_the_page_says_when_the_chain_is_fully_signed(auditor_client):
    build_chain(CHAIN, 3)
    audit_checkpoint_write()

    response = auditor_client.get(VERIFY, {"cadena": CHAIN})

    assert "Cubierta por una firma." in response.text
    assert "Todos los eventos están cubiertos por el punto de control firmado del" in response.text


def test_checkpoints_are_written_on_a_schedule():
    from core.periodic import beat_schedule

    entry = beat_schedule()["audit-checkpoint"]

    assert entry["task"] == "core.audit.tasks.audit_checkpoint_write"
    assert entry["schedule"] == settings.SIGES_AUDIT_CHECKPOINT_SECONDS
