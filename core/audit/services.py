"""Writing to the audit chain. ``audit_record`` is the only way events are created."""

import json
from typing import Any

from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from .hashing import GENESIS_HASH, event_hash
from .models import AuditEvent

_APPEND_ATTEMPTS = 5


def chain_key_for(obj: models.Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def client_ip(request: HttpRequest | None) -> str | None:
    """The client address as axes resolves it (honours the configured proxy count)."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def _json_safe(payload: dict[str, Any] | None) -> dict[str, Any]:
    # Round-trip so the hash is computed over exactly what the database will return.
    return json.loads(json.dumps(payload or {}, default=str, sort_keys=True))


def audit_record(
    *,
    action: str,
    obj: models.Model | None = None,
    chain_key: str | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    actor: Any = None,
    role: str = "",
    scope: str = "",
    request: HttpRequest | None = None,
    from_state: str = "",
    to_state: str = "",
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain of ``obj`` (or of ``chain_key``) and return it.

    Runs inside the caller's transaction, so the event commits or rolls back with the change it
    describes. Concurrent appends to one chain are serialised by the unique (chain, seq) key:
    the loser retries on the new head.
    """
    if obj is not None:
        chain_key = chain_key or chain_key_for(obj)
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
    if not chain_key or not object_type:
        raise ValueError("audit_record needs obj, or chain_key and object_type")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    fields: dict[str, Any] = {
        "chain_key": chain_key,
        "occurred_at": timezone.now(),
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": str(actor.get_full_name()) if actor is not None else "",
        "role": role,
        "scope": scope,
        "ip_address": client_ip(request),
        "object_type": object_type,
        "object_id": "" if object_id is None else str(object_id),
        "action": action,
        "from_state": from_state or "",
        "to_state": to_state or "",
        "payload": _json_safe(payload),
    }
    for attempt in range(_APPEND_ATTEMPTS):
        head = (
            AuditEvent.objects.filter(chain_key=chain_key)
            .order_by("-seq")
            .values_list("seq", "hash")
            .first()
        )
        seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        fields.update(seq=seq, prev_hash=prev_hash)
        digest = event_hash(fields)
        try:
            with transaction.atomic():
                return AuditEvent.objects.create(hash=digest, **fields)
        except IntegrityError:
            if attempt == _APPEND_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
