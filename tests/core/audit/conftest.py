"""Helpers for the audit tests: a real chain written through ``audit_record``, and the raw SQL an
attacker with database access would use to tamper with it."""

import json

import pytest
from django.db import connection

from core.audit.models import AuditEvent
from core.audit.services import audit_record

CHAIN = "test.thing:1"
TABLE = AuditEvent._meta.db_table


def build_chain(chain_key: str = CHAIN, length: int = 5) -> list[AuditEvent]:
    return [
        audit_record(
            action=f"thing.step{n}",
            chain_key=chain_key,
            object_type="test.thing",
            object_id=chain_key.rsplit(":", 1)[-1],
            from_state=f"s{n - 1}",
            to_state=f"s{n}",
            payload={"n": n, "note": f"paso {n}"},
        )
        for n in range(1, length + 1)
    ]


def raw(sql: str, params: list | tuple = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def raw_set_payload(event_id: int, payload: dict) -> None:
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    raw(f"UPDATE {TABLE} SET payload = {cast} WHERE id = %s", [json.dumps(payload), event_id])  # noqa: S608


def raw_set_seq(event_id: int, seq: int) -> None:
    raw(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [seq, event_id])  # noqa: S608


def raw_delete(event_id: int) -> None:
    AuditEvent.objects.filter(pk=event_id)._raw_delete(connection.alias)


def shift_seqs(chain_key: str, from_seq: int, by: int) -> None:
    """Renumber events ``from_seq``… of a chain by ``by`` (in two steps: the unique key is
    checked row by row)."""
    raw(
        f"UPDATE {TABLE} SET seq = seq + 1000000 WHERE chain_key = %s AND seq >= %s",  # noqa: S608
        [chain_key, from_seq],
    )
    raw(
        f"UPDATE {TABLE} SET seq = seq - 1000000 + %s WHERE chain_key = %s AND seq >= %s",  # noqa: S608
        [by, chain_key, 1000000 + from_seq],
    )


def kinds(result) -> list[tuple[str, str, int | None]]:
    return [(str(p.kind), p.chain_key, p.seq) for p in result.problems]


@pytest.fixture
def chain(db) -> list[AuditEvent]:
    return build_chain()
