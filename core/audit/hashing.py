"""Canonical serialisation and hashing of audit events (the chain's definition)."""

import hashlib
import hmac
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


def utc_iso(value: datetime) -> str:
    """A timestamp as fixed-width UTC text with microseconds (what the hash covers)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _normalise(name: str, value: Any) -> Any:
    if name == "occurred_at" and isinstance(value, datetime):
        return utc_iso(value)
    return value


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    """Sorted-key compact JSON of the hashed fields: stable across databases and Python runs."""
    data = {name: _normalise(name, fields[name]) for name in HASHED_FIELDS}
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def event_hash(fields: dict[str, Any]) -> str:
    """SHA-256 (hex) of an event's hashed fields; ``fields`` may hold extra keys (ignored)."""
    return hashlib.sha256(canonical_bytes(fields)).hexdigest()


# --- Checkpoints: a Merkle tree over chain heads, signed with HMAC-SHA256 -------------------------
# Leaves and inner nodes get different one-byte prefixes (as in RFC 6962) so that an inner node
# can never be passed off as a leaf. An odd node at the end of a level is carried up unchanged
# rather than paired with itself, so no two different leaf lists share a root.
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def head_leaf(chain_key: str, seq: int, digest: str) -> str:
    """The text of one Merkle leaf: ``chain_key:seq:hash``."""
    return f"{chain_key}:{seq}:{digest}"


def merkle_root(leaves: list[str]) -> str:
    """SHA-256 Merkle root of ``leaves`` (sorted first, so the order of the input is irrelevant)."""
    level = [hashlib.sha256(_LEAF_PREFIX + leaf.encode()).digest() for leaf in sorted(leaves)]
    if not level:
        return hashlib.sha256(b"").hexdigest()
    while len(level) > 1:
        paired = [
            hashlib.sha256(_NODE_PREFIX + level[i] + level[i + 1]).digest()
            for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0].hex()


def checkpoint_message(*, created_at: str, chain_count: int, event_count: int, root: str) -> bytes:
    """The bytes a checkpoint signature covers (the heads are covered through the root)."""
    summary = {
        "version": 1,
        "created_at": created_at,
        "chain_count": chain_count,
        "event_count": event_count,
        "merkle_root": root,
    }
    return json.dumps(summary, sort_keys=True, separators=(",", ":")).encode()


def sign(message: bytes, key: str) -> str:
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def signature_valid(message: bytes, signature: str, key: str) -> bool:
    return hmac.compare_digest(sign(message, key), signature)
