"""A trigram index for the public directory's search on PostgreSQL; nothing elsewhere.

The directory matches ``UPPER(name) LIKE '%word%'`` (``name__icontains``) and
``UPPER(code) LIKE 'WORD%'``. Without an index both are a sequential scan of every school for
the count and again for the page (about 3 ms each at 6,000 schools). A GIN index with
``gin_trgm_ops`` on exactly those expressions serves both. ``pg_trgm`` is a trusted extension
(PostgreSQL 13+), so the database owner may install it; where it cannot be installed the
directory works as before, unindexed.

No model state changes, so ``makemigrations --check`` stays clean on every database.
"""

from django.db import DatabaseError, migrations, transaction

INDEX = (
    "CREATE INDEX IF NOT EXISTS school_directory_trgm_idx ON schools_school "
    "USING gin (UPPER(name::text) gin_trgm_ops, UPPER(code::text) gin_trgm_ops)"
)


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:  # not allowed here: the directory stays unindexed
            return
        cursor.execute(INDEX)


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS school_directory_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("schools", "0006_section_references")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
