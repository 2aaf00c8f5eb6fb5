"""Writing to the audit trail. ``audit_record`` is the only way events are created.

Also here: recording denied access (``audit_denied``), recording an export of the trail, and
writing signed checkpoints (``audit_checkpoint_write``).
"""

import ipaddress
import json
import logging
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from core.precompiled import PrecompiledInsert, precompiled

from .hashing import (
    GENESIS_HASH,
    checkpoint_message,
    event_hash,
    head_leaf,
    merkle_root,
    sign,
    utc_iso,
)
from .models import AuditCheckpoint, AuditEvent
from .selectors import chain_heads

logger = logging.getLogger(__name__)

_APPEND_ATTEMPTS = 5
# First key of the two-key PostgreSQL advisory locks taken by this module. The two-key lock
# space is separate from the one-key space, and this constant keeps it apart from other apps.
_ADVISORY_LOCK_CLASS = 0x5A0D17


def chain_key_for(obj: models.Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def access_chain_key(user: Any) -> str:
    """The chain that collects one actor's denied access attempts."""
    if user is not None and getattr(user, "is_authenticated", False):
        return f"access:user:{user.pk}"
    return "access:anonymous"


def _normalise_ip(value: str | None) -> str | None:
    # Hash exactly the text the database will give back: PostgreSQL's inet type prints
    # addresses in canonical form, so canonicalise before hashing.
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


class DetachedRequest(HttpRequest):
    """Stands in for a web request in the background task it started: it carries only the
    client address, already resolved, so the task's audit events keep the requester's IP.

    Pass ``DetachedRequest.client_ip_of(request)`` (a string, JSON-safe) to the task, and
    ``DetachedRequest(ip)`` wherever the task's services take ``request``."""

    def __init__(self, client_ip: str | None) -> None:
        super().__init__()
        self.client_ip = client_ip

    @staticmethod
    def client_ip_of(request: HttpRequest | None) -> str | None:
        return client_ip(request)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client address as axes resolves it (honours the configured proxy count)."""
    if request is None:
        return None
    if isinstance(request, DetachedRequest):
        return _normalise_ip(request.client_ip)
    from axes.helpers import get_client_ip_address

    return _normalise_ip(get_client_ip_address(request))


def _json_safe(payload: dict[str, Any] | None) -> dict[str, Any]:
    # Round-trip so the hash is computed over exactly what the database will return.
    return json.loads(json.dumps(payload or {}, default=str, sort_keys=True))


def _advisory_lock(name: str) -> bool:
    """Serialise writers of ``name`` until the current transaction ends (PostgreSQL only);
    ``True`` when the lock was taken.

    Other databases serialise writers on their own (SQLite has one writer at a time).
    """
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL, [_ADVISORY_LOCK_CLASS, name])
    return True


_LOCK_SQL = "SELECT pg_advisory_xact_lock(%s, hashtext(%s))"


# The head each chain reached in the current transaction, by this process: (seq, hash) by chain
# key. Kept on the connection with the identity of its list of on-commit callbacks, which Django
# replaces on commit, on rollback, on close and on every savepoint rollback: a cached head is
# used only while that list is the same object (same transaction, no savepoint rolled back since,
# which could have removed the cached row and released the chain's lock) and no commit happened
# in between. Appends to one chain within one transaction (a transition and its follow-ups) then
# skip the lock and the head read: the lock is still held, so nobody else can have appended.
_HEADS_ATTR = "_siges_audit_heads"


def _known_head(chain_key: str) -> tuple[int, str] | None:
    cached = getattr(connection, _HEADS_ATTR, None)
    if (
        cached is None
        or cached[0] is not connection.run_on_commit
        or connection.run_commit_hooks_on_set_autocommit_on  # a commit() inside the block
        or not connection.in_atomic_block
    ):
        return None
    return cached[1].get(chain_key)


def _remember_head(chain_key: str, seq: int, digest: str) -> None:
    cached = getattr(connection, _HEADS_ATTR, None)
    if cached is None or cached[0] is not connection.run_on_commit:
        cached = (connection.run_on_commit, {})
        setattr(connection, _HEADS_ATTR, cached)
    cached[1][chain_key] = (seq, digest)


# Every change writes an event: its INSERT and the read of its chain's head are compiled once
# (core.precompiled), not on every append.
_insert_event = PrecompiledInsert(AuditEvent, deferrable=True)
_chain_head = precompiled(
    "audit.chain_head",
    lambda chain_key: (
        AuditEvent.objects.filter(chain_key=chain_key)
        .order_by("-seq")
        .values_list("seq", "hash")[:1]
    ),
    chain_key=str,
)


def _head(chain_key: str) -> tuple[int, str]:
    """The seq and hash the chain's next event follows (the genesis hash for a new chain)."""
    return _next(_chain_head.first(chain_key=chain_key))


def _next(head: tuple[int, str] | None) -> tuple[int, str]:
    return (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)


def _lock_and_head(chain_key: str, lock_name: str) -> tuple[int, str] | None:
    """PostgreSQL: take the chain's lock (``_advisory_lock``) and read its head (``_head``) in
    one round trip, or ``None`` where the two cannot be sent together.

    Both statements go in one simple query, which client-side binding (Django's default for
    psycopg 3) allows; PostgreSQL gives each statement of it its own snapshot at READ COMMITTED,
    so the read, which starts once the lock is granted, sees the head its previous holder
    committed (``tests/core/audit/test_concurrency.py`` races ten appends to check it). With
    server-side binding (``OPTIONS["server_side_binding"]``) it is two round trips.
    """
    if connection.vendor != "postgresql" or connection.settings_dict["OPTIONS"].get(
        "server_side_binding"
    ):
        return None
    sql, params = _chain_head.sql(chain_key=chain_key)
    with connection.cursor() as cursor:
        cursor.execute(f"{_LOCK_SQL}; {sql}", [_ADVISORY_LOCK_CLASS, lock_name, *params])
        cursor.nextset()
        return _next(cursor.fetchone())


def _append(fields: dict[str, Any], seq: int, prev_hash: str) -> AuditEvent:
    fields.update(seq=seq, prev_hash=prev_hash)
    event = _insert_event.insert(AuditEvent(hash=event_hash(fields), **fields))
    _remember_head(fields["chain_key"], seq, event.hash)
    return event


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
    new_chain: bool = False,
) -> AuditEvent:
    """Append one event to the chain of ``obj`` (or of ``chain_key``) and return it.

    Runs inside the caller's transaction, so the event commits or rolls back with the change it
    describes. Appends to one chain are serialised: on PostgreSQL by a transaction-scoped
    advisory lock on the chain (held until the caller commits, so the next writer reads the new
    head, and the insert needs no savepoint), elsewhere by the unique (chain, seq) key, on which
    a loser retries.

    ``new_chain=True`` is for the first event of an object the caller's transaction has just
    inserted: no other transaction can see the object, so its chain is empty and cannot grow
    before the commit. The event is then written as the chain's first (seq 1 after the genesis
    hash) in one INSERT: no lock, no read of the head, no savepoint. Should the chain exist after
    all, the unique (chain, seq) key refuses the row and the caller's transaction fails.
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
    if new_chain:
        with transaction.atomic(savepoint=False):
            return _append(fields, 1, GENESIS_HASH)
    # No savepoint of its own inside the caller's transaction (only the insert gets one, for
    # the retry); outside any transaction this opens one, so the chain lock means something.
    with transaction.atomic(savepoint=False):
        known = _known_head(chain_key) if connection.vendor == "postgresql" else None
        if known is not None:
            # This transaction appended the chain's head itself, holding the chain's lock (or
            # on a chain it created): the head cannot have moved.
            return _append(fields, known[0] + 1, known[1])
        # PostgreSQL: the chain's lock is held until the caller's transaction ends and every
        # writer takes it, so (at READ COMMITTED, Django's level) the head read next is the
        # chain's latest and the insert cannot lose a race: no savepoint, no retry.
        lock_name = f"chain:{chain_key}"
        head = _lock_and_head(chain_key, lock_name)
        if head is not None:
            return _append(fields, *head)
        if _advisory_lock(lock_name):
            return _append(fields, *_head(chain_key))
        for attempt in range(_APPEND_ATTEMPTS):
            seq, prev_hash = _head(chain_key)
            fields.update(seq=seq, prev_hash=prev_hash)
            digest = event_hash(fields)
            try:
                with transaction.atomic():
                    return AuditEvent.objects.create(hash=digest, **fields)
            except IntegrityError:
                if attempt == _APPEND_ATTEMPTS - 1:
                    raise
    raise AssertionError("unreachable")  # pragma: no cover


def audit_denied(request: HttpRequest, reason: str = "") -> AuditEvent | None:
    """Record that ``request`` was refused (HTTP 403) in the actor's access chain.

    Only the path is kept, never the query string (it may carry tokens). Called on an error
    path, so a failure to write is logged rather than turning the 403 into a 500.
    """
    user = getattr(request, "user", None)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    try:
        return audit_record(
            action="access.denied",
            chain_key=access_chain_key(user),
            object_type="access",
            object_id=user.pk if authenticated else "",
            actor=user if authenticated else None,
            request=request,
            payload={"path": request.path, "method": request.method, "reason": str(reason)},
        )
    except DatabaseError:
        logger.exception("could not record a denied access to %s", request.path)
        return None


def audit_export_record(
    *, actor: Any, request: HttpRequest | None, filters: dict[str, Any]
) -> AuditEvent:
    """Record that ``actor`` exported (part of) the audit trail, with the filters used."""
    return audit_record(
        action="audit.exported",
        chain_key=f"audit:exports:user:{actor.pk}",
        object_type="audit.auditevent",
        actor=actor,
        request=request,
        payload={"filters": {key: str(value) for key, value in filters.items() if value}},
    )


@transaction.atomic
def audit_checkpoint_write() -> tuple[AuditCheckpoint, bool]:
    """Sign the current head of every chain; return ``(checkpoint, created)``.

    Idempotent: when no event was appended since the last checkpoint (same heads, hence the
    same Merkle root) the last checkpoint is returned and nothing is written.
    """
    _advisory_lock("checkpoint")
    heads: dict[str, list[int | str]] = {}
    leaves: list[str] = []
    event_count = 0
    for chain_key, seq, digest in chain_heads():
        heads[chain_key] = [seq, digest]
        leaves.append(head_leaf(chain_key, seq, digest))
        # Chains are gapless, so the head's number is the chain's length.
        event_count += seq
    root = merkle_root(leaves)
    last = AuditCheckpoint.objects.order_by("-created_at", "-pk").first()
    if last is not None and last.merkle_root == root:
        return last, False
    created_at = timezone.now()
    signature = sign(
        checkpoint_message(
            created_at=utc_iso(created_at),
            chain_count=len(heads),
            event_count=event_count,
            root=root,
        ),
        settings.SIGES_AUDIT_SIGNING_KEY,
    )
    checkpoint = AuditCheckpoint.objects.create(
        created_at=created_at,
        chain_count=len(heads),
        event_count=event_count,
        merkle_root=root,
        heads=heads,
        signature=signature,
    )
    return checkpoint, True
