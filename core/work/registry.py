"""The registry of work-item sources and what the Bandeja asks of each.

Apps register their sources from ``AppConfig.ready()``; core never names them. A source answers
for one actor, in a fixed number of queries whatever the data size: the items assigned to them,
the items available to them, and how many of each per queue; it also claims and assigns its
items one by one for the bulk actions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .items import ActionResult, ItemRef, SourceResult, WorkFilters, not_supported

if TYPE_CHECKING:
    from core.accounts.models import User


class WorkItemSource:
    """Base class of a source of work items.

    Subclasses set ``key`` (stable, ASCII: it travels in URLs and API payloads) and ``label``
    (Spanish, what the kind is called), and implement ``collect``. ``claim`` and ``assign`` act
    on one item each, in their own transaction (through the owning services), and must answer
    ``not_found`` for anything outside the actor's reach. ``position`` orders the kinds (lower
    first); ``priorities`` are the (value, label) pairs its items may carry, offered as a filter.
    """

    key: str = ""
    label: Any = ""
    position: int = 100
    priorities: Sequence[tuple[str, Any]] = ()

    def collect(
        self, *, actor: User, filters: WorkFilters, limit: int, now: datetime
    ) -> SourceResult:
        raise NotImplementedError

    def claim(self, *, actor: User, ref: ItemRef, request: HttpRequest | None) -> ActionResult:
        return not_supported(ref, _("Este tipo de elemento no se toma desde la bandeja."))

    def assign(
        self, *, actor: User, ref: ItemRef, assignee: User, request: HttpRequest | None
    ) -> ActionResult:
        return not_supported(ref, _("Este tipo de elemento no se asigna desde la bandeja."))


_REGISTRY: dict[str, WorkItemSource] = {}


def register_source(source: WorkItemSource) -> WorkItemSource:
    """Add (or replace, by key) a source; call it from ``AppConfig.ready()``."""
    if not source.key or ":" in source.key:
        raise ValueError("a work-item source needs a key without ':'")
    _REGISTRY[source.key] = source
    return source


def unregister_source(key: str) -> None:
    _REGISTRY.pop(key, None)


def work_sources() -> list[WorkItemSource]:
    """The registered sources by ``position``, then in registration order."""
    return sorted(_REGISTRY.values(), key=lambda source: source.position)


def get_source(key: str) -> WorkItemSource | None:
    return _REGISTRY.get(key)


def work_kinds() -> list[tuple[str, str]]:
    return [(source.key, str(source.label)) for source in work_sources()]


def work_priorities() -> list[tuple[str, str]]:
    """The priorities the sources' items may carry, each once, in the sources' order."""
    seen: dict[str, str] = {}
    for source in work_sources():
        for value, label in source.priorities:
            seen.setdefault(value, str(label))
    return list(seen.items())


# Who a supervisor may assign items to: the app that owns assignment registers the answer (the
# help desk: technicians of the queues the supervisor covers). Without one, nobody.
_ASSIGNEES: list[Callable[..., QuerySet[Any]]] = []


def register_assignees(provider: Callable[..., QuerySet[Any]]) -> None:
    """Set ``provider(actor=...) -> QuerySet[User]``: who ``actor`` may assign work to."""
    _ASSIGNEES[:] = [provider]


def assignable_people(*, actor: User) -> QuerySet[Any]:
    from core.accounts.models import User

    if not _ASSIGNEES:
        return User.objects.none()
    return _ASSIGNEES[0](actor=actor)
