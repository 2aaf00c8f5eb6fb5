"""Reading the audit trail: who may read it, and the queries the pages, API and checks use."""

from collections.abc import Iterator
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from core.accounts.choices import Role
from core.accounts.scopes import has_role

from .models import AuditEvent

# Any active grant of these roles opens the whole trail: auditing is not scoped, because an
# auditor must be able to follow a chain wherever it leads.
AUDIT_READER_ROLES = frozenset({Role.AUDITOR, Role.ADMINISTRATOR})

# Rows fetched per round trip when streaming (verification, checkpoints, exports).
STREAM_CHUNK = 2000


def can_read_audit(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, AUDIT_READER_ROLES)


def audit_event_list(*, actor: Any) -> QuerySet[AuditEvent]:
    """Every event the actor may read (all of them for auditors and administrators), newest
    first."""
    if not can_read_audit(actor):
        return AuditEvent.objects.none()
    return AuditEvent.objects.order_by("-pk")


def audit_chain_events(*, actor: Any, chain_key: str) -> QuerySet[AuditEvent]:
    """One chain in order, for an actor who may read the trail."""
    return audit_event_list(actor=actor).filter(chain_key=chain_key).order_by("seq")


def chain_heads(chain_key: str | None = None) -> Iterator[tuple[str, int, str]]:
    """``(chain_key, seq, hash)`` of the last event of every chain, by chain key, streamed."""
    last_seq = (
        AuditEvent.objects.filter(chain_key=OuterRef("chain_key")).order_by("-seq").values("seq")
    )
    events = AuditEvent.objects.all()
    if chain_key is not None:
        events = events.filter(chain_key=chain_key)
    return (
        events.filter(seq=Subquery(last_seq[:1]))
        .order_by("chain_key")
        .values_list("chain_key", "seq", "hash")
        .iterator(chunk_size=STREAM_CHUNK)
    )
