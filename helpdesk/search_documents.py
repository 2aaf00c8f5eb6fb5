"""The stored search documents of tickets and public replies (``helpdesk.search``).

Each is a generated column (``GeneratedField``, kept by the database on every write) holding the
``tsvector`` the full-text search matches and ranks with, GIN-indexed on PostgreSQL (migration
``0005_stored_search_documents``). Storing them, instead of indexing an expression, matters at
national scale: rechecking a match or ranking it reads the stored vector instead of parsing the
text again, which took a search for a frequent word from about 35 s to about 1.5 s on 1 M
tickets and 3 M messages (docs/performance.md).

- Ticket: the subject (weight A) and the string values of the form answers (weight B).
- Entry: the body of a public reply; ``NULL`` for internal notes and events, so a note can never
  match, whatever the query.

Other databases (SQLite, the embedded mode) store ``NULL`` and search with substrings.
"""

from typing import Any

from django.contrib.postgres.search import SearchVectorField
from django.db.models import Func

SEARCH_CONFIG = "siges_spanish"


class _StoredDocument(Func):
    """An expression for a ``GeneratedField``: its PostgreSQL SQL over the row's own columns
    (unqualified, as a generated column requires), ``NULL`` elsewhere."""

    output_field = SearchVectorField()
    postgresql_sql = ""

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        return "NULL", []

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        return self.postgresql_sql, []


class TicketDocument(_StoredDocument):
    postgresql_sql = (
        f"setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, COALESCE(subject, '')), 'A') || "
        f"setweight(jsonb_to_tsvector('{SEARCH_CONFIG}'::regconfig, form_data, "
        "'[\"string\"]'::jsonb), 'B')"
    )


class ReplyDocument(_StoredDocument):
    postgresql_sql = (
        f"CASE WHEN kind = 'reply' THEN to_tsvector('{SEARCH_CONFIG}'::regconfig, "
        "COALESCE(body, '')) END"
    )
