"""Canonical serialisation and hashing of audit events (the chain's definition)."""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64

# The fields covered by the hash, in order. Changing this list breaks every existing chain.
HASHED_FIELDS = (
    "chain_key",
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "role",
    "scope",
    "ip_address",
    "object_type",
    "object_id",
    "action",
    "from_state",
    "to_state",
    "payload",
    "prev_hash",
)


def _normalise(name: str, value: Any) -> Any:
    if name == "occurred_at" and isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    """Sorted-key compact JSON of the hashed fields: stable across databases and Python runs."""
    data = {name: _normalise(name, fields[name]) for name in HASHED_FIELDS}
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def event_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(fields)).hexdigest()
