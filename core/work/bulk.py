"""Bulk actions of the Bandeja: claim or assign several items, each on its own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .access import can_use_workqueue, is_supervisor
from .items import ActionResult, ItemRef
from .registry import get_source

if TYPE_CHECKING:
    from core.accounts.models import User


def _dedupe(refs: Iterable[ItemRef]) -> list[ItemRef]:
    seen: set[ItemRef] = set()
    unique = []
    for ref in refs:
        if ref not in seen:
            seen.add(ref)
            unique.append(ref)
    return unique


def _unknown_kind(ref: ItemRef) -> ActionResult:
    return ActionResult(ref.kind, ref.id, False, "unknown_kind", _("Tipo de elemento desconocido."))


def work_queue_claim(
    *, actor: User, items: Iterable[ItemRef], request: HttpRequest | None = None
) -> list[ActionResult]:
    """Claim each item for ``actor``, one by one (each in its own transaction through its
    service): one item taken by someone else does not stop the others."""
    if not can_use_workqueue(actor):
        raise PermissionDenied
    results = []
    for ref in _dedupe(items):
        source = get_source(ref.kind)
        if source is None:
            results.append(_unknown_kind(ref))
            continue
        results.append(source.claim(actor=actor, ref=ref, request=request))
    return results


def work_queue_assign(
    *,
    actor: User,
    items: Iterable[ItemRef],
    assignee: User,
    request: HttpRequest | None = None,
) -> list[ActionResult]:
    """A supervisor assigns each item to ``assignee``, one by one."""
    if not (can_use_workqueue(actor) and is_supervisor(actor)):
        raise PermissionDenied
    results = []
    for ref in _dedupe(items):
        source = get_source(ref.kind)
        if source is None:
            results.append(_unknown_kind(ref))
            continue
        results.append(source.assign(actor=actor, ref=ref, assignee=assignee, request=request))
    return results
