"""Signed checkpoints: a Merkle root over every chain head, written idempotently, exported and
compared later by audit_verify --checkpoint."""

import hashlib
import hmac
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.audit import tasks
from core.audit.checkpoints import checkpoint_document
from core.audit.hashing import checkpoint_message, event_hash, merkle_root
from core.audit.models import AuditCheckpoint, AuditEvent
from core.audit.services import audit_checkpoint_write, audit_record
from core.audit.verify import verify

from .conftest import CHAIN, build_chain, raw, raw_delete, raw_set_payload

pytestmark = pytest.mark.django_db


def checkpoint_when() -> str:
    """When the latest checkpoint was written, as the coverage line shows it (local time)."""
    latest = AuditCheckpoint.objects.latest("created_at")
    return timezone.localtime(latest.created_at).strftime("%d/%m/%Y %H:%M")


def all_covered() -> str:
    """The coverage line for a trail the latest checkpoint covers entirely."""
    return (
        "Todos los eventos están cubiertos por el punto de control firmado del "
        f"{checkpoint_when()}."
    )


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def test_merkle_root_of_three_leaves_pairs_then_carries_the_odd_one_up():
    leaf_a, leaf_b, leaf_c = (sha(b"\x00" + text) for text in (b"a:1:x", b"b:2:y", b"c:3:z"))
    expected = sha(b"\x01" + sha(b"\x01" + leaf_a + leaf_b) + leaf_c).hex()

    assert merkle_root(["c:3:z", "a:1:x", "b:2:y"]) == expected
    assert merkle_root(["a:1:x", "b:2:y", "c:3:z"]) == expected


def test_merkle_root_edge_cases():
    assert merkle_root([]) == hashlib.sha256(b"").hexdigest()
    assert merkle_root(["a:1:x"]) == sha(b"\x00a:1:x").hex()
    # A leaf list and its last leaf duplicated do not share a root
    assert merkle_root(["a:1:x", "b:2:y", "c:3:z"]) != merkle_root(
        ["a:1:x", "b:2:y", "c:3:z", "c:3:z"]
    )


def test_checkpoint_signs_every_chain_head():
    # Given two chains of 5 and 2 events
    first = build_chain(CHAIN, 5)
    second = build_chain("test.thing:2", 2)

    # When a checkpoint is written
    checkpoint, created = audit_checkpoint_write()

    # Then it holds both heads, their Merkle root, and a valid HMAC-SHA256 signature
    assert created is True
    assert checkpoint.heads == {CHAIN: [5, first[-1].hash], "test.thing:2": [2, second[-1].hash]}
    assert (checkpoint.chain_count, checkpoint.event_count) == (2, 7)
    assert checkpoint.merkle_root == merkle_root(
        [f"{CHAIN}:5:{first[-1].hash}", f"test.thing:2:2:{second[-1].hash}"]
    )
    document = checkpoint_document(checkpoint)
    message = checkpoint_message(
        created_at=document["created_at"], chain_count=2, event_count=7, root=checkpoint.merkle_root
    )
    expected = hmac.new(b"test-audit-signing-key", message, hashlib.sha256).hexdigest()
    assert checkpoint.signature == expected


def test_task_does_not_write_a_duplicate_when_nothing_was_appended():
    # Given a checkpoint of the current trail
    build_chain(CHAIN, 3)
    first_id = tasks.audit_checkpoint_write.apply().get()

    # When the task runs again with no new events
    second_id = tasks.audit_checkpoint_write.apply().get()

    # Then it returns the same checkpoint and writes nothing
    assert second_id == first_id
    assert AuditCheckpoint.objects.count() == 1

    # And after one more event a new checkpoint is written
    build_chain("test.thing:2", 1)
    third_id = tasks.audit_checkpoint_write.apply().get()
    assert third_id != first_id
    assert AuditCheckpoint.objects.count() == 2


def test_checkpoint_rows_are_append_only():
    build_chain(CHAIN, 1)
    checkpoint, _created = audit_checkpoint_write()
    checkpoint.merkle_root = "0" * 64
    with pytest.raises(Exception, match="append-only"):
        checkpoint.save()
    with pytest.raises(Exception, match="append-only"):
        AuditCheckpoint.objects.all().delete()
    assert AuditCheckpoint.objects.get().merkle_root != "0" * 64


def export(tmp_path) -> str:
    path = tmp_path / "checkpoint.json"
    call_command("audit_checkpoint", "--export", str(path), stdout=StringIO())
    return str(path)


def run_verify(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, no_color=True)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def test_checkpoint_command_exports_the_signed_document(tmp_path):
    # Given a trail
    build_chain(CHAIN, 2)

    # When exported to a file, and again to stdout
    path = export(tmp_path)
    out = StringIO()
    call_command("audit_checkpoint", "--export", "-", stdout=out)

    # Then both are the same JSON document of the one checkpoint written
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    assert json.loads(out.getvalue()) == document
    assert AuditCheckpoint.objects.count() == 1
    assert document["format"] == "siges-audit-checkpoint"
    assert document["heads"] == {CHAIN: [2, AuditEvent.objects.get(seq=2).hash]}


def test_appending_after_a_checkpoint_is_fine(tmp_path):
    # Given a checkpoint, then more events on the same chain and a new chain
    build_chain(CHAIN, 3)
    path = export(tmp_path)
    build_chain(CHAIN + "0", 1)
    audit_record(action="thing.more", chain_key=CHAIN, object_type="test.thing")

    # Then the trail still verifies against the old checkpoint
    assert run_verify("--checkpoint", path) == (
        0,
        "2 cadenas, 5 eventos, íntegro\n"
        f"2 eventos (en 2 cadenas) son posteriores al punto de control firmado del "
        f"{checkpoint_when()} y todavía no están cubiertos por su firma: se comprobó su "
        "encadenamiento, no su firma.\n",
    )


def test_deleted_last_event_is_caught_by_the_checkpoint(tmp_path):
    # Given a checkpoint of a 5-event chain whose last event is then deleted
    events = build_chain(CHAIN, 5)
    path = export(tmp_path)
    raw_delete(events[4].pk)

    # When verified against the checkpoint
    code, output = run_verify("--checkpoint", path)

    # Then the missing tail is reported for that chain and head
    assert code == 1
    assert output == (
        "[tail_missing] test.thing:1 #5: el punto de control registra 5 eventos; "
        "la cadena termina en 4\n"
        "1 cadenas, 4 eventos, 1 problemas\n"
        f"{all_covered()}\n"
    )


def test_deleted_chain_is_caught_by_the_checkpoint(tmp_path):
    # Given a checkpoint, then a whole one-event chain deleted
    build_chain(CHAIN, 2)
    (lonely,) = build_chain("test.thing:9", 1)
    path = export(tmp_path)
    raw_delete(lonely.pk)

    code, output = run_verify("--checkpoint", path)

    assert code == 1
    assert output == (
        "[tail_missing] test.thing:9 #1: la cadena ya no existe; el punto de control registra "
        "1 eventos\n"
        "1 cadenas, 2 eventos, 1 problemas\n"
        f"{all_covered()}\n"
    )


def test_edited_head_is_caught_by_the_checkpoint(tmp_path):
    # Given a checkpoint; then the head is edited in place
    events = build_chain(CHAIN, 2)
    path = export(tmp_path)
    raw_set_payload(events[1].pk, {"n": 2, "note": "cambiado"})

    code, output = run_verify("--checkpoint", path)

    # Then the edit is found by the hash (the stored hash still equals the checkpoint's head)
    assert code == 1
    assert output == (
        "[edited] test.thing:1 #2: el contenido no coincide con su hash\n"
        "1 cadenas, 2 eventos, 1 problemas\n"
        f"{all_covered()}\n"
    )


def test_replaced_head_is_caught_by_the_checkpoint(tmp_path):
    # Given a checkpoint; then the head is replaced by a self-consistent forgery (hash
    # recomputed), which the chain alone cannot tell from the original
    events = build_chain(CHAIN, 2)
    path = export(tmp_path)
    forged = {**AuditEvent.objects.filter(pk=events[1].pk).values().get(), "action": "x.forged"}
    raw(
        f"UPDATE {AuditEvent._meta.db_table} SET action = %s, hash = %s WHERE id = %s",  # noqa: S608
        ["x.forged", event_hash(forged), events[1].pk],
    )
    assert verify(checkpoint=None).ok  # the hashes alone cannot tell
    assert not verify().ok  # the latest stored checkpoint, used by default, can

    # When verified against the exported checkpoint
    code, output = run_verify("--checkpoint", path)

    # Then the head no longer matches
    assert code == 1
    assert output == (
        "[edited] test.thing:1 #2: el evento no es el que registró el punto de control\n"
        "1 cadenas, 2 eventos, 1 problemas\n"
        f"{all_covered()}\n"
    )


def test_tampered_checkpoint_signature_is_detected(tmp_path):
    # Given an exported checkpoint whose heads were edited to hide a deletion, root included
    events = build_chain(CHAIN, 3)
    path = export(tmp_path)
    raw_delete(events[2].pk)
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    document["heads"][CHAIN] = [2, events[1].hash]
    document["merkle_root"] = merkle_root([f"{CHAIN}:2:{events[1].hash}"])
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle)

    # When verified against it
    code, output = run_verify("--checkpoint", path)

    # Then the forged checkpoint is refused because its signature no longer matches
    assert code == 1
    assert output == (
        "[checkpoint] la firma del punto de control no es válida\n"
        "1 cadenas, 2 eventos, 1 problemas\n"
        "El punto de control no es válido (vea los problemas): ninguna firma cubre estos "
        "eventos.\n"
    )


def test_checkpoint_whose_heads_do_not_match_its_root_is_detected(tmp_path):
    # Given a checkpoint whose heads were edited but not its (signed) root
    events = build_chain(CHAIN, 3)
    path = export(tmp_path)
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    document["heads"][CHAIN] = [2, events[1].hash]
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle)

    code, output = run_verify("--checkpoint", path)

    assert code == 1
    assert output.splitlines()[0] == (
        "[checkpoint] las cabezas del punto de control no corresponden a su raíz de Merkle"
    )


def test_unreadable_checkpoint_file_is_a_command_error(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="No se pudo leer el punto de control"):
        call_command("audit_verify", "--checkpoint", str(path), stdout=StringIO())
