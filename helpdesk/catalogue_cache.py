"""The catalogue as the hot paths read it, kept in Django's cache (docs/helpdesk.md,
"Opening a ticket"): the services as opening a ticket reads them, a service's form fields as a
ticket page shows its answers, and the names of the queues and services a history mentions.

Opening a ticket reads its service with the queue, the SLA policy, the default priority's
targets and the form fields: one query (two with fields) whose building and compiling cost
more than the rest of the request's validation. The catalogue changes a few times a year, so
the service read is kept in the cache (Redis in production, shared by every process) under a
*generation*: saving or deleting a service, a form field, a queue, an SLA policy or a priority
target bumps the generation, which retires every entry at once. One cache round trip reads the
generation and the entry together.

Why a concurrent change can never be served stale:

- the generation is bumped when the change is saved and again when its transaction commits.
  An entry stored between the two (read from the database before the commit, so with the old
  values) carries the first bump's generation and is retired by the second;
- nothing read inside a transaction is stored: a transaction that changed the catalogue sees
  its own uncommitted rows, which must not reach other processes (and it may roll back);
- entries expire after ``ENTRY_SECONDS`` anyway, for changes made behind the ORM's back (raw
  SQL, ``QuerySet.update``), which the signals do not see.
"""

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from .models import Queue, Service, ServiceField, SlaPolicy, SlaPriorityTarget

GENERATION_KEY = "helpdesk:catalogue:generation"
ENTRY_SECONDS = 300
# A queue saved with only these fields did not change what opening a ticket reads (the
# round-robin pointer moves with every automatically assigned ticket).
_QUEUE_BOOKKEEPING = frozenset({"last_assigned"})


def _entry_key(code: str) -> str:
    return f"helpdesk:catalogue:to-request:{code}"


def _cached(key: str, read: Callable[[], Any]) -> Any:
    """The entry ``key`` from the cache if it belongs to the current generation, or ``read()``
    (stored for the next request when it was read outside any transaction). Exceptions of
    ``read`` (404) are never cached."""
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    entry = found.get(key)
    if generation is not None and entry is not None and entry[0] == generation:
        return entry[1]
    value = read()
    if not connection.in_atomic_block:
        if generation is None:
            # First use (or the cache lost it): start a generation; a concurrent start or bump
            # wins, and then this entry is simply not served.
            cache.add(GENERATION_KEY, 1, timeout=None)
            generation = cache.get(GENERATION_KEY)
        if generation is not None:
            cache.set(key, (generation, value), ENTRY_SECONDS)
    return value


def cached_service(code: str, read: Callable[[str], Any]) -> Any:
    """The service ``code`` as opening a ticket reads it: from the cache, or ``read(code)``."""
    return _cached(_entry_key(code), lambda: read(code))


def cached_service_fields(service_id: int, read: Callable[[int], Any]) -> Any:
    """The form fields of service ``service_id`` (what a ticket's answers are shown with):
    from the cache, or ``read(service_id)``."""
    return _cached(f"helpdesk:catalogue:fields:{service_id}", lambda: read(service_id))


def cached_names(read: Callable[[], Any]) -> Any:
    """The names of every queue and service by code (what the history shows for a stored
    code): from the cache, or ``read()``."""
    return _cached("helpdesk:catalogue:names", read)


def _bump() -> None:
    # No generation yet (or evicted): no entry can be served without one (ValueError).
    with suppress(ValueError):
        cache.incr(GENERATION_KEY)


def catalogue_changed(**_kwargs: Any) -> None:
    _bump()
    transaction.on_commit(_bump)


def _queue_changed(update_fields: frozenset[str] | None = None, **kwargs: Any) -> None:
    if update_fields is not None and update_fields <= _QUEUE_BOOKKEEPING:
        return
    catalogue_changed(**kwargs)


def connect() -> None:
    """Called from ``HelpdeskConfig.ready``."""
    for model in (Service, ServiceField, SlaPolicy, SlaPriorityTarget):
        label = model._meta.label_lower
        post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue:{label}:save")
        post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue:{label}:del")
    post_save.connect(_queue_changed, sender=Queue, dispatch_uid="catalogue:queue:save")
    post_delete.connect(catalogue_changed, sender=Queue, dispatch_uid="catalogue:queue:del")
