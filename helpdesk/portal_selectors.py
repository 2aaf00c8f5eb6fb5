"""Reads of the citizen portal that the domain selectors do not cover: the public catalogue
(anyone may browse it; requesting needs login) and the attachment a person may download.
"""

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from .catalogue_cache import cached_service
from .models import Attachment, Queue, Service, ServiceField, SlaPriorityTarget, Ticket
from .selectors import ticket_entries_for, ticket_get_for


def _folded(text: str) -> str:
    """Lower case without accents: "Título" and "titulo" match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _catalogue_rows() -> QuerySet[Service]:
    return (
        Service.objects.filter(is_active=True, queue__is_active=True)
        .select_related("queue", "sla_policy")
        .prefetch_related("sla_policy__priority_targets")
    )


def _with_fields(services: QuerySet[Service]) -> QuerySet[Service]:
    return services.prefetch_related(
        Prefetch("fields", queryset=ServiceField.objects.order_by("order", "id"))
    )


def catalogue_list(*, search: str = "", with_fields: bool = False) -> list[Service]:
    """Active services of active queues, by area (queue name) then catalogue order.

    The catalogue is small (tens of rows), so the search runs in Python over the loaded rows:
    accent- and case-insensitive on every database. Queries: services, their policies' priority
    targets, and their form fields when ``with_fields`` (2 or 3).
    """
    services = _catalogue_rows().order_by("queue__name", "queue_id", "order", "name")
    if with_fields:
        services = _with_fields(services)
    services = list(services)
    words = _folded(search).split()
    if not words:
        return services
    return [
        service
        for service in services
        if all(
            word in _folded(f"{service.name} {service.description} {service.queue.name}")
            for word in words
        )
    ]


@dataclass
class CatalogueGroup:
    queue: Queue
    services: list[Service] = field(default_factory=list)


def catalogue_groups(services: list[Service]) -> list[CatalogueGroup]:
    """The services grouped by the area (queue) that handles them, in the given order."""
    groups: dict[int, CatalogueGroup] = {}
    for service in services:
        groups.setdefault(service.queue_id, CatalogueGroup(queue=service.queue)).services.append(
            service
        )
    return list(groups.values())


def catalogue_get(*, code: str) -> Service:
    """One active service with its form fields; 404 if it does not exist or is not offered."""
    service = _with_fields(_catalogue_rows()).filter(code=code).first()
    if service is None:
        raise Http404
    return service


def catalogue_get_to_request(*, code: str) -> Service:
    """One active service as opening a ticket needs it, from the cache when it is there
    (``helpdesk/catalogue_cache.py``: retired by any catalogue change), otherwise read by
    ``_catalogue_read_to_request``. 404 as ``catalogue_get``."""
    return cached_service(code, _catalogue_read_to_request)


def _catalogue_read_to_request(code: str) -> Service:
    """One active service as opening a ticket needs it: one query, two when it has form fields.

    Queue and SLA policy are joined; the policy's targets for the service's default priority
    are annotated (``default_first_response_target``, ``default_resolution_target``: the
    priority's override, else the policy's own; ``deadlines.sla_targets`` reads them), so the
    priority overrides are not read; the form fields are read only when there are any.
    404 as ``catalogue_get``.
    """
    override = SlaPriorityTarget.objects.filter(
        policy=OuterRef("sla_policy"), priority=OuterRef("default_priority")
    )
    service = (
        Service.objects.filter(code=code, is_active=True, queue__is_active=True)
        .select_related("queue", "sla_policy")
        .annotate(
            default_first_response_target=Coalesce(
                Subquery(override.values("first_response_target")[:1]),
                F("sla_policy__first_response_target"),
            ),
            default_resolution_target=Coalesce(
                Subquery(override.values("resolution_target")[:1]),
                F("sla_policy__resolution_target"),
            ),
            has_fields=Exists(ServiceField.objects.filter(service=OuterRef("pk"))),
        )
        .first()
    )
    if service is None:
        raise Http404
    if service.has_fields:
        prefetch_related_objects(
            [service], Prefetch("fields", queryset=ServiceField.objects.order_by("order", "id"))
        )
    else:
        # What ``prefetch_related`` would have stored for no fields.
        service._prefetched_objects_cache = {"fields": ServiceField.objects.none()}
    return service


def attachment_get_for(*, actor: Any, pk: int) -> Attachment:
    """The attachment ``pk`` if ``actor`` may read the message that carries it: the requester
    for public replies of their ticket, staff serving the ticket's queue for any message
    (``selectors.ticket_get_for`` and ``ticket_entries_for`` decide). 404 otherwise, also for
    internal-note attachments asked for by the requester.

    A merged ticket's messages show in the ticket it was merged into, so that one is tried too.
    """
    attachment = (
        Attachment.objects.select_related("entry__ticket__merged_into").filter(pk=pk).first()
    )
    if attachment is None:
        raise Http404
    ticket = attachment.entry.ticket
    candidates: list[Ticket] = [ticket]
    if ticket.merged_into_id is not None:
        candidates.append(ticket.merged_into)
    for candidate in candidates:
        try:
            visible = ticket_get_for(actor=actor, number=candidate.number)
            entries = ticket_entries_for(actor=actor, ticket=visible)
            if entries.filter(pk=attachment.entry_id).exists():
                return attachment
        except Http404:
            continue
    raise Http404
