"""Ticket search for staff: the tickets of the queues they serve whose number, subject, form
answers or public conversation match what they typed.

- A ticket number (``MA-2026-000123``, any letter case) that names a ticket in scope returns that
  ticket alone.
- Every word, or "quoted phrase", must appear in the subject, the form answers or a public
  message (not necessarily the same one); ``-word`` excludes tickets that have it.
- On PostgreSQL: full-text search with the ``siges_spanish`` configuration (Spanish stemming and
  stop words, accents folded when the ``unaccent`` extension is installed; see migration
  ``0003_search_indexes``), ranked subject > form answers > conversation. It matches the stored,
  GIN-indexed documents of ``helpdesk.search_documents``, within the queues in scope.
- Elsewhere (SQLite, the embedded mode): case-insensitive substring matches; no stemming, and
  letter case and accents are only folded for ASCII letters (SQLite's ``LIKE``); tickets whose
  subject has the first word come first.

Internal notes are never searched (only public replies), so a search never reveals a note
through a match.
"""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
)
from django.db import OperationalError, connection, transaction
from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy

from .choices import EntryKind
from .conf import helpdesk_settings
from .models import Queue, Ticket, TicketEntry
from .search_documents import SEARCH_CONFIG
from .selectors import served_queue_ids, ticket_list_for_staff

# Longer input is cut: nobody types more, and it bounds the work of one query.
MAX_QUERY_CHARS = 200
MAX_TERMS = 8


def normalize_query(q: str | None) -> str:
    return " ".join((q or "").split())[:MAX_QUERY_CHARS]


def ticket_number_in(q: str) -> str | None:
    """The canonical ticket number if ``q`` is one (``ma-2026-000123`` → ``MA-2026-000123``)."""
    prefix = re.escape(helpdesk_settings.TICKET_PREFIX)
    match = re.fullmatch(rf"{prefix}-(\d{{4}})-(\d{{1,12}})", q.strip(), flags=re.IGNORECASE)
    if match is None:
        return None
    year, counter = match.groups()
    digits = helpdesk_settings.TICKET_NUMBER_DIGITS
    return f"{helpdesk_settings.TICKET_PREFIX}-{year}-{int(counter):0{digits}d}"


# --- PostgreSQL --------------------------------------------------------------------------------


def _terms(q: str) -> list[tuple[str, bool, bool]]:
    """(text, is a phrase, is excluded) for each word or "quoted phrase" of ``q``; a leading
    ``-`` excludes it. At most ``MAX_TERMS``."""
    terms = []
    for negated_phrase, phrase, negated_word, word in _TOKEN.findall(q):
        text = " ".join((phrase or word).split())
        if text and text != "-":
            terms.append((text, bool(phrase), bool(negated_phrase or negated_word)))
    return terms[:MAX_TERMS]


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


def _postgres_search(q: str, queue_ids: list[int]) -> tuple[Q, dict[str, Any]] | None:
    """The match condition and the rank annotation. Every word (or phrase) must appear in the
    ticket's subject or form answers or in one of its public messages, not necessarily the same
    one; each is looked up in both stored documents' GIN indexes, within the queues in scope (a
    UNION of two index scans: ``document @@ q OR EXISTS (…)`` could only be answered by reading
    every ticket in scope). Internal notes have no document (``helpdesk.search_documents``)."""
    in_scope = Ticket.objects.filter(queue_id__in=queue_ids)
    public = TicketEntry.objects.filter(kind=EntryKind.REPLY, ticket__queue_id__in=queue_ids)
    condition = Q()
    wanted: list[SearchQuery] = []
    for text, phrase, excluded in _terms(q):
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="phrase" if phrase else "plain")
        ids = (
            in_scope.filter(search_document=query)
            .order_by()
            .values("pk")
            .union(public.filter(search_document=query).order_by().values("ticket_id"))
        )
        if excluded:
            condition &= ~Q(pk__in=ids)
            continue
        # A stop word ("de", "la") has no lexeme and would match nothing: it matches every
        # ticket in scope instead (a third arm the planner evaluates once, as a constant),
        # so the condition stays a plain semi-join the planner can drive from.
        no_lexeme = Exact(Func(query, function="numnode", output_field=IntegerField()), 0)
        ignored = in_scope.filter(no_lexeme).order_by().values("pk")
        condition &= Q(pk__in=ids.union(ignored))
        wanted.append(query)
    if not wanted:
        return None
    any_word = wanted[0]
    for query in wanted[1:]:
        any_word = any_word | query
    best_entry = (
        TicketEntry.objects.filter(ticket=OuterRef("pk"), search_document=any_word)
        .values("ticket")
        .annotate(best=Max(SearchRank(F("search_document"), any_word)))
        .values("best")
    )
    rank = SearchRank(F("search_document"), any_word) + Coalesce(Subquery(best_entry), Value(0.0))
    return condition, {"search_rank": rank}


# --- Fallback (SQLite) --------------------------------------------------------------------------


def _fallback_search(q: str) -> tuple[Q, dict[str, Any]] | None:
    """Every word or phrase must appear (case-insensitively) in the subject, the form answers
    or a public message; ``-word`` excludes."""
    condition = Q()
    first = ""
    for text, _phrase, excluded in _terms(q):
        # JSON is stored with non-ASCII characters escaped (\u00e9): look for that form too.
        escaped = json.dumps(text)[1:-1]
        in_entries = TicketEntry.objects.filter(kind=EntryKind.REPLY, body__icontains=text)
        found = (
            Q(subject__icontains=text)
            | Q(search_form_text__icontains=text)
            | Q(search_form_text__icontains=escaped)
            | Q(pk__in=in_entries.values("ticket_id"))
        )
        if excluded:
            condition &= ~found
        else:
            condition &= found
            first = first or text
    if not first:
        return None
    rank = Case(
        When(subject__icontains=first, then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return condition, {"search_rank": rank}


# --- Entry point ------------------------------------------------------------------------------


QUERY_CANCELED = "57014"  # SQLSTATE of a statement stopped by statement_timeout


class SearchTooBroadError(Exception):
    """The search ran past ``HELPDESK_SEARCH_TIMEOUT_MS``: the person should narrow it."""

    message = gettext_lazy(
        "La búsqueda abarca demasiados casos y no terminó a tiempo. Agregue más palabras, "
        "escriba el número del caso o filtre por cola o estado."
    )


@contextmanager
def search_time_limit() -> Iterator[None]:
    """Run a search's queries (evaluate them inside the block) under PostgreSQL's
    ``statement_timeout`` of ``HELPDESK_SEARCH_TIMEOUT_MS``, in a transaction of their own, and
    turn a cancelled statement into ``SearchTooBroadError``. Elsewhere it only runs the block."""
    timeout = int(helpdesk_settings.SEARCH_TIMEOUT_MS)
    if not _uses_full_text() or timeout <= 0:
        yield
        return
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(timeout)])
            yield
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != QUERY_CANCELED:
            raise
        raise SearchTooBroadError(str(SearchTooBroadError.message)) from exc


def _uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def ticket_search(
    *,
    actor: Any,
    q: str,
    queue: Queue | None = None,
    statuses: tuple[str, ...] | None = None,
) -> QuerySet[Ticket]:
    """Tickets ``actor`` may work (the staff list's scope: queues they serve or supervise) that
    match ``q``, best first; every status unless ``statuses`` is given.

    One query when evaluated, whatever the path: an exact ticket number wins through an
    ``EXISTS`` inside the same statement. An empty query finds nothing. Evaluate it inside
    ``search_time_limit()``.
    """
    q = normalize_query(q)
    queue_ids = served_queue_ids(actor)
    # The staff list's scope, with what a result shows joined: one ranked statement.
    scoped = ticket_list_for_staff(
        actor=actor, queue=queue, statuses=statuses, queue_ids=queue_ids
    ).select_related("service", "queue", "assignee__person", "requester__person")
    if not q:
        return scoped.none()
    if _uses_full_text():
        search = _postgres_search(q, queue_ids)
    else:
        scoped = scoped.annotate(search_form_text=Cast("form_data", TextField()))
        search = _fallback_search(q)
    if search is None:  # nothing to look for (only exclusions, or only quotes)
        return scoped.none()
    text_match, annotations = search
    number = ticket_number_in(q)
    if number is not None:
        # The exact number short-circuits; if it names no ticket in scope, the text search
        # still finds tickets that mention it (a requester quoting an older case). One id set
        # (the text arm runs only when the number found nothing), so PostgreSQL can start from
        # it instead of testing every ticket in scope.
        exact = scoped.filter(number=number).order_by().values("pk")
        mentioned = scoped.filter(text_match, ~Exists(exact)).order_by().values("pk")
        condition = Q(pk__in=exact.union(mentioned))
    else:
        condition = text_match
    return (
        scoped.filter(condition)
        .annotate(**annotations)
        .order_by(F("search_rank").desc(), "-created_at", "-id")
    )


__all__ = [
    "MAX_QUERY_CHARS",
    "SEARCH_CONFIG",
    "SearchTooBroadError",
    "normalize_query",
    "search_time_limit",
    "ticket_number_in",
    "ticket_search",
]
