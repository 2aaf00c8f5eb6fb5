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
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
)
from django.db import OperationalError, connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
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
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import IsNull
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


# A word or phrase the statistics say is in more stored documents (tickets or public messages)
# than this is "frequent": collecting all its matches costs more than walking the newest tickets.
FREQUENT_MATCHES = 20_000
# A search of frequent words only ranks the most recent matches, this many at most, among
# the RECENT_SCAN newest tickets in scope (so a word frequent elsewhere but absent from the
# actor's queues costs a bounded walk, not a read of every ticket in scope).
RECENT_WINDOW = 500
RECENT_SCAN = 10_000
# Which matches a search ranks: all of them, the newest RECENT_WINDOW (found through the
# indexes), or the newest RECENT_WINDOW among the RECENT_SCAN newest tickets in scope.
RANK_ALL, RANK_NEWEST, RANK_WALK = "all", "newest", "walk"

# For each term (in order): how many lexemes it has (0: only stop words) and the largest number
# of documents of either table that the planner's statistics say contain its rarest lexeme (a
# lexeme missing from the most common elements counts as rare: 0).
_TERM_ESTIMATES_SQL = """
WITH common AS (
    SELECT e.lexeme, max(e.freq * c.reltuples * (1 - s.null_frac)) AS documents
    FROM pg_stats s
    JOIN pg_class c ON c.relname = s.tablename AND c.relnamespace = to_regnamespace(s.schemaname)
    CROSS JOIN LATERAL unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs)
        AS e(lexeme, freq)
    WHERE s.schemaname = current_schema() AND s.attname = 'search_document'
      AND s.tablename IN (%s, %s)
    GROUP BY e.lexeme
), words AS (
    SELECT t.ord, l.lexeme
    FROM unnest(%s::text[]) WITH ORDINALITY AS t(text, ord)
    LEFT JOIN LATERAL unnest(tsvector_to_array(to_tsvector(%s::regconfig, t.text))) AS l(lexeme)
        ON true
)
SELECT words.ord, count(words.lexeme), coalesce(min(coalesce(common.documents, 0)), 0)
FROM words LEFT JOIN common ON common.lexeme = words.lexeme
GROUP BY words.ord ORDER BY words.ord
"""


def _term_estimates(texts: list[str]) -> list[tuple[int, float]]:
    """``(lexemes, estimated documents)`` per term, from ``pg_stats`` (one query)."""
    if not texts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            _TERM_ESTIMATES_SQL,
            [Ticket._meta.db_table, TicketEntry._meta.db_table, texts, SEARCH_CONFIG],
        )
        return [(int(lexemes), float(documents)) for _ord, lexemes, documents in cursor.fetchall()]


def _postgres_search(q: str, queue_ids: list[int]) -> tuple[Q, dict[str, Any], str] | None:
    """The match condition, the rank annotation, and which matches to rank (``RANK_ALL``,
    ``RANK_NEWEST`` or ``RANK_WALK``). Every word (or phrase) must appear in the ticket's
    subject or form answers or in one of its public messages, not necessarily the same one.
    Internal notes have no document (``helpdesk.search_documents``).

    How each word is matched depends on how common it is (``_term_estimates``):

    - a rare word is looked up in both stored documents' GIN indexes within the queues in scope
      (a UNION of two index scans the planner starts from: ``document @@ q OR EXISTS (…)``
      could only be answered by reading every ticket in scope);
    - a frequent word, or an excluded one, is checked on each candidate ticket (its document,
      then its public messages through the ticket's index): collecting a word found in most
      tickets would read most of both indexes;
    - a stop word ("de", "la") has no lexeme and matches every ticket.

    With at least one rare word the rare words drive: every match is ranked (``RANK_ALL``)
    unless the statistics expect more than ``RECENT_WINDOW`` documents for the rarest of them;
    then the ``RECENT_WINDOW`` newest matches are (``RANK_NEWEST``: ranking costs a read of
    each match's messages). With frequent words only (``RANK_WALK``) the caller ranks the
    ``RECENT_WINDOW`` newest matches found by walking the ``RECENT_SCAN`` newest tickets in
    scope: for a frequent word the first ones match almost at once.
    """
    in_scope = Ticket.objects.filter(queue_id__in=queue_ids)
    public = TicketEntry.objects.filter(kind=EntryKind.REPLY, ticket__queue_id__in=queue_ids)
    terms = _terms(q)
    estimates = _term_estimates([text for text, _phrase, _excluded in terms])
    condition = Q()
    wanted: list[SearchQuery] = []
    driver_documents: float | None = None
    for (text, phrase, excluded), (lexemes, documents) in zip(terms, estimates, strict=True):
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="phrase" if phrase else "plain")
        if lexemes == 0:
            # Only stop words: matches every ticket (and excludes none), ranks nothing.
            continue
        if excluded or documents > FREQUENT_MATCHES:
            # "Has a matching public message" as a scalar subquery with LIMIT 1, not EXISTS:
            # PostgreSQL may turn an EXISTS into a hash of every matching message (tens of
            # thousands for a frequent word) built before the walk; this stays a probe of the
            # ticket's own messages, made only for the tickets walked.
            first_match = TicketEntry.objects.filter(
                ticket=OuterRef("pk"), kind=EntryKind.REPLY, search_document=query
            ).values("pk")[:1]
            found = Q(search_document=query) | Q(IsNull(Subquery(first_match), False))
            condition &= ~found if excluded else found
        else:
            ids = (
                in_scope.filter(search_document=query)
                .order_by()
                .values("pk")
                .union(public.filter(search_document=query).order_by().values("ticket_id"))
            )
            condition &= Q(pk__in=ids)
            driver_documents = min(documents, driver_documents or documents)
        if not excluded:
            wanted.append(query)
    if not wanted and not any(lexemes == 0 for lexemes, _documents in estimates):
        return None
    if not wanted:
        # Stop words only: every ticket in scope, the newest first (no rank to compute).
        return condition, {"search_rank": Value(0.0)}, RANK_WALK
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
    if driver_documents is None:
        return condition, {"search_rank": rank}, RANK_WALK
    if driver_documents > RECENT_WINDOW:
        return condition, {"search_rank": rank}, RANK_NEWEST
    return condition, {"search_rank": rank}, RANK_ALL


# --- Fallback (SQLite) --------------------------------------------------------------------------


def _fallback_search(q: str) -> tuple[Q, dict[str, Any], str] | None:
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
    return condition, {"search_rank": rank}, RANK_ALL


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


@dataclass(frozen=True)
class SearchResults:
    """What ``ticket_search_results`` found: the tickets, and how they were chosen.

    ``recent_window`` is ``RECENT_WINDOW`` when only the most recent matches were ranked (a
    search of common words): ``tickets`` holds at most that many of the newest matches; when
    it is full there are more matches than it shows (the count is capped, not exact).
    ``recent_scan`` is set when only the ``recent_scan`` newest tickets in scope were looked
    at (frequent words only). ``None``: every match is there and ranked, and its count is
    exact.
    """

    tickets: QuerySet[Ticket]
    recent_window: int | None = None
    recent_scan: int | None = None


def ticket_search(
    *,
    actor: Any,
    q: str,
    queue: Queue | None = None,
    statuses: tuple[str, ...] | None = None,
) -> QuerySet[Ticket]:
    """Tickets ``actor`` may work (the staff list's scope: queues they serve or supervise) that
    match ``q``, best first; every status unless ``statuses`` is given. See
    ``ticket_search_results`` (this is its ``tickets``)."""
    return ticket_search_results(actor=actor, q=q, queue=queue, statuses=statuses).tickets


def ticket_search_results(
    *,
    actor: Any,
    q: str,
    queue: Queue | None = None,
    statuses: tuple[str, ...] | None = None,
) -> SearchResults:
    """Tickets ``actor`` may work (the staff list's scope: queues they serve or supervise) that
    match ``q``, best first; every status unless ``statuses`` is given.

    One query when evaluated, whatever the path: an exact ticket number wins through an
    ``EXISTS`` inside the same statement. An empty query finds nothing. On PostgreSQL one more
    query, when called, reads the planner's statistics of the words (how common each is).
    Call it and evaluate the tickets inside ``search_time_limit()``.

    A search whose words are all frequent ranks only the ``RECENT_WINDOW`` most recent matches
    (``SearchResults.recent_window``): ranking every ticket of a word found in most of a million
    tickets takes seconds, and the newest matches are what people look for.
    """
    q = normalize_query(q)
    queue_ids = served_queue_ids(actor)
    # The staff list's scope, with what a result shows joined: one ranked statement.
    scoped = ticket_list_for_staff(
        actor=actor, queue=queue, statuses=statuses, queue_ids=queue_ids
    ).select_related("service", "queue", "assignee__person", "requester__person")
    if not q:
        return SearchResults(scoped.none())
    if _uses_full_text():
        search = _postgres_search(q, queue_ids)
    else:
        scoped = scoped.annotate(search_form_text=Cast("form_data", TextField()))
        search = _fallback_search(q)
    if search is None:  # nothing to look for (only exclusions, or only quotes)
        return SearchResults(scoped.none())
    text_match, annotations, ranked = search
    number = ticket_number_in(q)
    if ranked == RANK_NEWEST and number is None:
        newest = scoped.filter(text_match).order_by("-id").values("pk")[:RECENT_WINDOW]
        tickets = (
            scoped.filter(pk__in=newest)
            .annotate(**annotations)
            .order_by(F("search_rank").desc(), "-created_at", "-id")
        )
        return SearchResults(tickets, recent_window=RECENT_WINDOW)
    if ranked == RANK_WALK and number is None:
        # The newest RECENT_SCAN tickets in scope, newest first, each with whether it matches;
        # the outer query keeps the matches and stops at RECENT_WINDOW: PostgreSQL walks the
        # primary key backwards and stops at whichever bound comes first.
        walk = (
            scoped.annotate(hit=ExpressionWrapper(text_match, output_field=BooleanField()))
            .order_by("-id")
            .values_list("id", "hit")[:RECENT_SCAN]
        )
        walk_sql, walk_params = walk.query.sql_with_params()
        # The inner SQL is compiled by Django (values as parameters); the limit is a constant.
        newest = RawSQL(  # noqa: S611
            f"SELECT recent.id FROM ({walk_sql}) AS recent (id, hit) "  # noqa: S608
            f"WHERE recent.hit LIMIT {RECENT_WINDOW:d}",
            walk_params,
        )
        tickets = (
            scoped.filter(pk__in=newest)
            .annotate(**annotations)
            .order_by(F("search_rank").desc(), "-created_at", "-id")
        )
        return SearchResults(tickets, recent_window=RECENT_WINDOW, recent_scan=RECENT_SCAN)
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
    return SearchResults(
        scoped.filter(condition)
        .annotate(**annotations)
        .order_by(F("search_rank").desc(), "-created_at", "-id")
    )


__all__ = [
    "MAX_QUERY_CHARS",
    "RECENT_SCAN",
    "RECENT_WINDOW",
    "SEARCH_CONFIG",
    "SearchResults",
    "SearchTooBroadError",
    "normalize_query",
    "search_time_limit",
    "ticket_number_in",
    "ticket_search",
    "ticket_search_results",
]
