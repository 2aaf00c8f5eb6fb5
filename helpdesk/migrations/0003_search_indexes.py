"""Full-text search on PostgreSQL (helpdesk/search.py); nothing on other databases.

Creates the text search configuration ``siges_spanish`` (Spanish stemming and stop words, plus
accent folding with the ``unaccent`` extension when it can be installed) and two GIN expression
indexes whose expressions are exactly the ones ``helpdesk.search`` queries with:

- tickets: the subject (weight A) and the string values of the form data (weight B);
- conversation: the body of public replies only (a partial index: notes are never searched).

No model state changes, so ``makemigrations --check`` stays clean on every database.
"""

from django.db import DatabaseError, migrations, transaction

CONFIG = "siges_spanish"

TICKET_INDEX = (
    "CREATE INDEX ticket_search_idx ON helpdesk_ticket USING gin (("
    "setweight(to_tsvector('siges_spanish'::regconfig, COALESCE(subject, '')), 'A') || "
    "setweight(jsonb_to_tsvector('siges_spanish'::regconfig, form_data, "
    "'[\"string\"]'::jsonb), 'B')))"
)
ENTRY_INDEX = (
    "CREATE INDEX ticketentry_search_idx ON helpdesk_ticketentry USING gin ("
    "to_tsvector('siges_spanish'::regconfig, COALESCE(body, ''))) WHERE kind = 'reply'"
)


def _install_unaccent(cursor) -> bool:
    """Install ``unaccent`` if this role may (it is a trusted extension since PostgreSQL 13);
    a refusal only means searches will not fold accents (see the README fragment)."""
    try:
        with transaction.atomic():
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    except DatabaseError:  # not allowed: search works, without accent folding
        return False
    return True


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [CONFIG])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.spanish)")
            if _install_unaccent(cursor):
                cursor.execute(
                    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
                    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem"
                )
        cursor.execute(TICKET_INDEX)
        cursor.execute(ENTRY_INDEX)


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS ticketentry_search_idx")
        cursor.execute("DROP INDEX IF EXISTS ticket_search_idx")
        cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0002_shipped_catalogue")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
