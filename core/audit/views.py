"""Auditor pages: browse, filter and export the trail, follow one chain, verify one chain.

Open to any user with an active auditor or administrator grant. Everyone else gets a 403 (and
the denial is itself audited by ``DeniedAccessMiddleware``); anonymous users go to the login.
"""

import json
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exports import csv_response
from core.parsers import plain_int

from .display import describe_events, trail_summary
from .filters import AuditEventFilter
from .hashing import HASHED_FIELDS
from .models import AuditEvent
from .registry import labelled_actions
from .selectors import STREAM_CHUNK, audit_chain_events, audit_event_list, can_read_audit
from .services import audit_export_record
from .verify import latest_checkpoint_document, verify

PAGE_SIZE = 50

_COLUMN_LABELS: dict[str, Any] = {
    "id": _("id"),
    "chain_key": _("cadena"),
    "seq": _("secuencia"),
    "occurred_at": _("fecha y hora (UTC)"),
    "actor_id": _("id del actor"),
    "actor_label": _("actor"),
    "role": _("rol"),
    "scope": _("ámbito"),
    "ip_address": _("dirección IP"),
    "object_type": _("tipo de objeto"),
    "object_id": _("id del objeto"),
    "action": _("acción"),
    "from_state": _("estado anterior"),
    "to_state": _("estado nuevo"),
    "payload": _("datos"),
    "prev_hash": _("hash anterior"),
    "hash": _("hash"),
}
# The export carries what the hash covers (one list: core/audit/hashing.py), so an auditor can
# recompute every hash from the file; a field added there without a label fails at import.
EXPORT_COLUMNS: list[tuple[str, Any]] = [
    (name, _COLUMN_LABELS[name]) for name in ("id", *HASHED_FIELDS, "hash")
]


def auditor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_read_audit(request.user):
            raise PermissionDenied(_("Solo auditores y administradores pueden ver la auditoría."))
        return view(request, *args, **kwargs)

    return wrapped


def _cursor(request: HttpRequest, name: str) -> int | None:
    return plain_int(request.GET.get(name, ""))


def _keyset_page(
    queryset: QuerySet[AuditEvent], field: str, *, descending: bool, after: int | None
) -> tuple[list[AuditEvent], int | None]:
    """One page past ``after`` in ``field`` order, and the cursor of the next page (if any).

    Keyset paging: no COUNT(*) and no OFFSET, so a page costs the same on a million rows.
    """
    if after is not None:
        queryset = queryset.filter(**{f"{field}__{'lt' if descending else 'gt'}": after})
    rows = list(queryset.order_by(f"-{field}" if descending else field)[: PAGE_SIZE + 1])
    has_more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, (getattr(rows[-1], field) if has_more else None)


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _case_summaries(filterset: AuditEventFilter) -> list[dict[str, Any]]:
    """For a search by case number: each case found, its chains and whether they are intact."""
    cases: list[dict[str, Any]] = []
    if not filterset.case_matches:
        return cases
    # One read of the latest signed checkpoint for every chain of every case found.
    checkpoint = latest_checkpoint_document()
    for match in filterset.case_matches:
        results = {key: verify(chain_key=key, checkpoint=checkpoint) for key in match.chain_keys}
        found = {key: result for key, result in results.items() if result.events}
        problems = sum(len(result.problems) for result in found.values())
        cases.append(
            {
                "match": match,
                "chains": list(found),
                "summary": trail_summary(
                    chains=len(found),
                    events=sum(result.events for result in found.values()),
                    problems=problems,
                ),
                "ok": problems == 0,
            }
        )
    return cases


@auditor_required
def event_list(request: HttpRequest) -> HttpResponse:
    filterset = AuditEventFilter(request.GET, queryset=audit_event_list(actor=request.user))
    events: list[AuditEvent] = []
    next_cursor = None
    cases: list[dict[str, Any]] = []
    valid = filterset.is_valid()
    if valid:
        events, next_cursor = _keyset_page(
            filterset.qs, "pk", descending=True, after=_cursor(request, "antes")
        )
        cases = _case_summaries(filterset)
    return render(
        request,
        "audit/event_list.html",
        {
            "filter": filterset,
            "events": events,
            "rows": describe_events(events),
            "next_cursor": next_cursor,
            "is_first_page": _cursor(request, "antes") is None,
            "filter_query": _query_without(request, "antes"),
            "query_without_actor": _query_without(request, "antes", "actor"),
            "case_searched": bool(valid and filterset.form.cleaned_data["caso"]),
            "cases": cases,
            "known_actions": labelled_actions(),
        },
    )


def _export_rows(queryset: QuerySet[AuditEvent]) -> Iterator[list[Any]]:
    fields = [name for name, _label in EXPORT_COLUMNS]
    for values in queryset.values_list(*fields).iterator(chunk_size=STREAM_CHUNK):
        yield list(values)


@auditor_required
def event_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    # Not throttled yet: only auditors reach it and every export is itself audited. A rate
    # limit belongs here once the project has a shared throttle for exports (docs/security.md §6.5).
    filterset = AuditEventFilter(request.GET, queryset=audit_event_list(actor=request.user))
    if not filterset.is_valid():
        return render(
            request,
            "audit/event_list.html",
            {"filter": filterset, "events": [], "filter_query": ""},
            status=400,
        )
    audit_export_record(actor=request.user, request=request, filters=filterset.form.cleaned_data)
    filename = f"auditoria-{timezone.now():%Y%m%d-%H%M%S}.csv"
    return csv_response(
        filename,
        [label for _name, label in EXPORT_COLUMNS],
        _export_rows(filterset.qs.order_by("pk")),
    )


@auditor_required
def chain(request: HttpRequest, chain_key: str) -> HttpResponse:
    events, next_cursor = _keyset_page(
        audit_chain_events(actor=request.user, chain_key=chain_key),
        "seq",
        descending=False,
        after=_cursor(request, "desde"),
    )
    for event in events:
        event.payload_text = json.dumps(event.payload, indent=2, ensure_ascii=False, sort_keys=True)
    return render(
        request,
        "audit/chain.html",
        {
            "chain_key": chain_key,
            "events": events,
            "rows": describe_events(events),
            "next_cursor": next_cursor,
            "is_first_page": _cursor(request, "desde") is None,
        },
    )


class VerifyForm(forms.Form):
    cadena = forms.CharField(label=_("Cadena"), max_length=120)


@auditor_required
def chain_verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    result = None
    if form.is_valid():
        result = verify(chain_key=form.cleaned_data["cadena"])
    return render(
        request,
        "audit/verify.html",
        {"form": form, "result": result},
    )
