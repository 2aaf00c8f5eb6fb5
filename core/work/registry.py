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

from core.accounts.choices import WORK_ROLES
from core.accounts.scopes import has_role

from .access import acting_role
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

    ``roles``: who can have its items at all (someone holding none of them is not asked, at no
    query); the first of them the actor holds is the role its actions are audited under
    (``acting_role``), unless the source says otherwise per item. ``wider_search``: a URL name
    and a Spanish label (with ``%(q)s``) of a page searching more of its kind than the open work
    (closed items too), offered next to the Bandeja's search box.
    """

    key: str = ""
    label: Any = ""
    position: int = 100
    priorities: Sequence[tuple[str, Any]] = ()
    roles: Sequence[str] = WORK_ROLES
    wider_search: tuple[str, Any] | None = None

    def serves(self, actor: User) -> bool:
        """Whether ``actor`` holds a role that can have this source's items."""
        return has_role(actor, self.roles)

    def acting_role(self, actor: User, item: Any = None) -> str:
        """The role under which ``actor`` acts on ``item`` of this source, for the audit."""
        return acting_role(actor, self.roles)

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


def _sources_of(actor: User | None) -> list[WorkItemSource]:
    sources = work_sources()
    return sources if actor is None else [source for source in sources if source.serves(actor)]


def work_kinds(*, actor: User | None = None) -> list[tuple[str, str]]:
    """The kinds of work (of the sources ``actor`` has, when given)."""
    return [(source.key, str(source.label)) for source in _sources_of(actor)]


def wider_searches(*, actor: User) -> list[tuple[str, Any]]:
    """(URL name, label) of the wider searches of the sources ``actor`` has."""
    return [source.wider_search for source in _sources_of(actor) if source.wider_search]


def work_priorities(*, actor: User | None = None) -> list[tuple[str, str]]:
    """The priorities the sources' items may carry (of those ``actor`` has, when given), each
    once, in the sources' order."""
    seen: dict[str, str] = {}
    for source in _sources_of(actor):
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
