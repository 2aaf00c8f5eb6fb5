"""Stored search documents: the full-text search reads generated ``tsvector`` columns instead of
expression indexes (``helpdesk/search_documents.py``).

On PostgreSQL the two columns are generated and stored, GIN-indexed, and the expression indexes
of ``0003_search_indexes`` are dropped. Adding a stored generated column rewrites the table: at
1 M tickets and 3 M messages this took about 6 minutes with writes blocked, so run it in a quiet
window. On other databases the columns hold ``NULL`` and nothing is indexed.
"""

import django.contrib.postgres.search
from django.db import migrations, models

import helpdesk.search_documents

INDEXES = [
    ("ticket_document_idx", "helpdesk_ticket"),
    ("ticketentry_document_idx", "helpdesk_ticketentry"),
]
OLD_INDEXES = {
    "ticket_search_idx": (
        "CREATE INDEX ticket_search_idx ON helpdesk_ticket USING gin (("
        "setweight(to_tsvector('siges_spanish'::regconfig, COALESCE(subject, '')), 'A') || "
        "setweight(jsonb_to_tsvector('siges_spanish'::regconfig, form_data, "
        "'[\"string\"]'::jsonb), 'B')))"
    ),
    "ticketentry_search_idx": (
        "CREATE INDEX ticketentry_search_idx ON helpdesk_ticketentry USING gin ("
        "to_tsvector('siges_spanish'::regconfig, COALESCE(body, ''))) WHERE kind = 'reply'"
    ),
}


def create_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, table in INDEXES:
            cursor.execute(f"CREATE INDEX {name} ON {table} USING gin (search_document)")
        for name in OLD_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


def drop_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, _table in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        for sql in OLD_INDEXES.values():
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0004_active_ticket_indexes")]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="search_document",
            field=models.GeneratedField(
                db_persist=True,
                expression=helpdesk.search_documents.TicketDocument(),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddField(
            model_name="ticketentry",
            name="search_document",
            field=models.GeneratedField(
                db_persist=True,
                expression=helpdesk.search_documents.ReplyDocument(),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
