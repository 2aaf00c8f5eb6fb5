"""audit_verify finds every kind of tampering on a real chain, and passes a clean trail.

Each tampering goes through raw SQL (the model refuses to update or delete): that is the only
attacker left once the application cannot, and the one the hash chain is there to catch.
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.audit.hashing import event_hash
from core.audit.models import AuditEvent
from core.audit.verify import verify

from .conftest import (
    CHAIN,
    build_chain,
    kinds,
    raw,
    raw_delete,
    raw_set_payload,
    raw_set_seq,
    shift_seqs,
)

pytestmark = pytest.mark.django_db

NO_CHECKPOINT = (
    "Ningún punto de control firmado cubre estos eventos: solo se comprobó que sus hashes "
    "encadenan. Quien pueda escribir en la base de datos podría modificar un evento y recalcular "
    "los hashes siguientes, o borrar el final de una cadena, sin que esta verificación lo detecte."
)


def run_verify(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, no_color=True)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def test_clean_trail_passes_with_a_summary():
    # Given two untouched chains
    build_chain(CHAIN, 5)
    build_chain("test.thing:2", 3)

    # When the whole trail is verified
    code, output = run_verify()

    # Then it exits 0 with the Spanish summary
    assert code == 0
    assert output == f"2 cadenas, 8 eventos, íntegro\n{NO_CHECKPOINT}\n"


def test_empty_trail_passes():
    assert run_verify() == (0, "0 cadenas, 0 eventos, íntegro\n")


def test_edited_payload_is_reported_as_edited(chain):
    # Given the payload of event 3 rewritten in the database
    raw_set_payload(chain[2].pk, {"n": 3, "note": "paso 3", "amount": "9999"})

    # When verified
    result = verify()

    # Then exactly event 3 is reported as edited
    assert kinds(result) == [("edited", CHAIN, 3)]
    assert result.problems[0].detail == "el contenido no coincide con su hash"


def test_edited_event_with_a_recomputed_hash_is_reported_as_edited(chain):
    # Given event 3 rewritten and its hash recomputed so that it is self-consistent
    forged = {**AuditEvent.objects.filter(pk=chain[2].pk).values().get(), "action": "x.forged"}
    raw(
        f"UPDATE {AuditEvent._meta.db_table} SET action = %s, hash = %s WHERE id = %s",  # noqa: S608
        ["x.forged", event_hash(forged), chain[2].pk],
    )

    # Then the broken link from event 4 exposes it
    result = verify()
    assert kinds(result) == [("edited", CHAIN, 3)]
    assert result.problems[0].detail == (
        "su hash fue reemplazado: el evento siguiente no enlaza con él"
    )


def test_deleted_middle_event_is_reported_as_deleted(chain):
    # Given event 3 deleted
    raw_delete(chain[2].pk)

    result = verify()

    assert kinds(result) == [("deleted", CHAIN, 3)]
    assert result.problems[0].detail == "falta el evento 3"


def test_deleted_first_events_are_reported_as_deleted(chain):
    # Given events 1 and 2 deleted (the chain no longer starts at 1)
    raw_delete(chain[0].pk)
    raw_delete(chain[1].pk)

    result = verify()

    assert kinds(result) == [("deleted", CHAIN, 1)]
    assert result.problems[0].detail == "faltan los eventos 1 a 2"


def test_deleted_event_hidden_by_renumbering_is_reported_as_deleted(chain):
    # Given event 3 deleted and events 4 and 5 renumbered to close the gap
    raw_delete(chain[2].pk)
    shift_seqs(CHAIN, 4, -1)

    result = verify()

    assert kinds(result) == [("deleted", CHAIN, 3)]
    assert result.problems[0].detail == "falta el evento 3; los siguientes fueron renumerados"


def test_inserted_event_is_reported_as_inserted(chain):
    # Given events 3..5 moved up one and a forged event 3 squeezed in, linked to event 2 and
    # with a hash that is valid for its own content
    shift_seqs(CHAIN, 3, +1)
    fields = {
        **AuditEvent.objects.filter(pk=chain[2].pk).values().get(),
        "seq": 3,
        "action": "thing.forged",
        "payload": {"n": 3, "note": "falso"},
        "prev_hash": chain[1].hash,
    }
    fields.pop("id")
    fields["hash"] = event_hash(fields)
    AuditEvent.objects.create(**fields)  # INSERT is what the application role may do

    # When verified
    result = verify()

    # Then the forged event 3 is reported as inserted, nothing else
    assert kinds(result) == [("inserted", CHAIN, 3)]
    assert AuditEvent.objects.filter(chain_key=CHAIN).count() == 6


def test_swapped_events_are_reported_as_reordered(chain):
    # Given events 2 and 3 swapped
    raw_set_seq(chain[1].pk, 1000)
    raw_set_seq(chain[2].pk, 2)
    raw_set_seq(chain[1].pk, 3)

    result = verify()

    assert kinds(result) == [("reordered", CHAIN, 2)]
    assert result.problems[0].detail == "aparece antes del evento 3, que debería precederlo"


def test_events_swapped_far_apart_are_reported_as_reordered(chain):
    # Given events 2 and 4 swapped (event 3 stays in place)
    raw_set_seq(chain[1].pk, 1000)
    raw_set_seq(chain[3].pk, 2)
    raw_set_seq(chain[1].pk, 4)

    result = verify()

    assert kinds(result) == [("reordered", CHAIN, 2), ("reordered", CHAIN, 4)]


def test_changed_sequence_number_is_reported_as_edited(chain):
    # Given the last event renumbered from 5 to 7
    raw_set_seq(chain[4].pk, 7)

    result = verify()

    assert kinds(result) == [("edited", CHAIN, 7)]
    assert result.problems[0].detail == "número de secuencia alterado (era 5)"


def test_deleting_the_last_event_goes_unnoticed_without_a_checkpoint(chain):
    # A chain cut at its end is still a valid chain: only a checkpoint can tell
    raw_delete(chain[4].pk)
    assert verify().ok


def test_command_reports_each_problem_and_exits_non_zero(chain):
    # Given one edited event in one chain and a clean second chain
    build_chain("test.thing:2", 2)
    raw_set_payload(chain[0].pk, {"n": 1, "note": "otro"})

    # When the command runs
    code, output = run_verify()

    # Then it names the chain, the event and the kind, and fails
    assert code == 1
    assert output == (
        "[edited] test.thing:1 #1: el contenido no coincide con su hash\n"
        "2 cadenas, 7 eventos, 1 problemas\n"
        f"{NO_CHECKPOINT}\n"
    )


def test_command_can_verify_one_chain(chain):
    # Given a broken chain and a clean one
    build_chain("test.thing:2", 2)
    raw_delete(chain[1].pk)

    # Then only the chain asked for is verified
    assert run_verify("--chain", "test.thing:2") == (
        0,
        f"1 cadenas, 2 eventos, íntegro\n{NO_CHECKPOINT}\n",
    )
    code, output = run_verify("--chain", CHAIN)
    assert code == 1
    assert (
        output
        == "[deleted] test.thing:1 #2: falta el evento 2\n1 cadenas, 4 eventos, 1 problemas\n"
        f"{NO_CHECKPOINT}\n"
    )


def test_tampering_is_found_among_many_chains_with_one_pass(django_assert_num_queries):
    # Given 40 chains; one event of one chain in the middle is edited
    for n in range(40):
        build_chain(f"test.thing:{n:02d}", 3)
    raw_set_payload(AuditEvent.objects.get(chain_key="test.thing:17", seq=2).pk, {})

    # When verified: the latest stored checkpoint is read (one query), then rows are streamed in
    # one query whatever the number of chains
    with django_assert_num_queries(2):
        result = verify()

    # Then the one problem is found
    assert (result.chains, result.events) == (40, 120)
    assert kinds(result) == [("edited", "test.thing:17", 2)]
