"""Tables that grow by the day, partitioned by school year on PostgreSQL (docs/architecture.md §12).

An app registers such a table from ``AppConfig.ready()`` with ``register_partitioned_table`` and
converts it in a migration with ``partition_by_year_operation``. The Django model stays a plain
model; on PostgreSQL its table becomes a declaratively partitioned parent (``PARTITION BY RANGE``
on a date column, one partition per year: the Salvadoran school year lies within one calendar
year, docs/domain.md) and SQLite keeps one ordinary table. What that costs the model:

- the primary key is ``(id, <date column>)``: PostgreSQL requires the partition key in every
  unique constraint, so each unique constraint or unique index gains the date column too (where
  the date follows from the other columns, as for a section-day, the meaning is unchanged);
- no foreign key may point *at* a partitioned table (the conversion refuses one);
- a partition must exist before a row of its year arrives: the periodic task ``partitions_ensure``
  (``core/tasks.py``) creates the current year and the next ones ahead, idempotently; a row of a
  year without a partition is refused by the database rather than silently misplaced.

A past year is detached (``manage.py partitions detach --year``): it leaves the live table (and
every query plan) but keeps its rows; ``archive`` writes it to a compressed CSV file and drops it.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connections, migrations, transaction
from django.utils import timezone

from core.audit.services import audit_record

# How many school years after the current one have their partitions ready.
DEFAULT_YEARS_AHEAD = 1


class PartitionError(Exception):
    """A partitioning operation cannot be done as asked (the message says why, in Spanish)."""


@dataclass(frozen=True)
class PartitionedTable:
    table: str
    column: str  # a DATE column: partition Y holds [Y-01-01, Y+1-01-01)


_TABLES: dict[str, PartitionedTable] = {}


def register_partitioned_table(table: str, *, column: str) -> None:
    """Declare that ``table`` is partitioned by the year of its date ``column`` on PostgreSQL."""
    _TABLES[table] = PartitionedTable(table, column)


def partitioned_tables() -> list[PartitionedTable]:
    return sorted(_TABLES.values(), key=lambda t: t.table)


def partition_name(table: str, year: int) -> str:
    return f"{table}_y{year}"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _is_postgres(using: str) -> bool:
    return connections[using].vendor == "postgresql"


# --- Introspection -------------------------------------------------------------------------------


def is_partitioned(cursor: Any, table: str) -> bool:
    cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
    row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def attached_years(cursor: Any, table: str) -> list[int]:
    """Years of the partitions attached to ``table`` (named ``<table>_y<year>``)."""
    cursor.execute(
        """
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = to_regclass(%s)
        """,
        [table],
    )
    pattern = re.compile(re.escape(table) + r"_y(\d{4})$")
    years = [int(m.group(1)) for (name,) in cursor.fetchall() if (m := pattern.match(name))]
    return sorted(years)


def _table_exists(cursor: Any, name: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    return cursor.fetchone()[0]


# --- Creating partitions ahead -------------------------------------------------------------------


def _create_partition(cursor: Any, table: str, year: int) -> bool:
    """Create the partition of ``year`` unless it exists (attached or detached); True if created."""
    name = partition_name(table, year)
    if _table_exists(cursor, name):
        return False
    cursor.execute(
        f"CREATE TABLE {_quote(name)} PARTITION OF {_quote(table)} "
        f"FOR VALUES FROM ('{date(year, 1, 1).isoformat()}') "
        f"TO ('{date(year + 1, 1, 1).isoformat()}')"
    )
    return True


def partitions_ensure(
    *, years_ahead: int = DEFAULT_YEARS_AHEAD, today: date | None = None, using: str = "default"
) -> list[str]:
    """Create the partitions of the current school year and of ``years_ahead`` years after it,
    for every registered table; returns the partitions created (none when all exist, and always
    none off PostgreSQL). Safe to run twice, and concurrently (a transaction-scoped advisory lock
    per table serialises the runs)."""
    if not _is_postgres(using):
        return []
    current = (today or timezone.localdate()).year
    created: list[str] = []
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        for entry in partitioned_tables():
            if not is_partitioned(cursor, entry.table):
                continue  # its migration has not run yet
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [entry.table])
            for year in range(current, current + years_ahead + 1):
                if _create_partition(cursor, entry.table, year):
                    created.append(partition_name(entry.table, year))
                    audit_record(
                        action="partition.created",
                        chain_key=f"partition:{entry.table}",
                        object_type="partition",
                        object_id=partition_name(entry.table, year),
                        payload={"table": entry.table, "year": year},
                    )
    return created


# --- Detaching and archiving a past year ---------------------------------------------------------


def _check_past_year(table: str, year: int, today: date | None) -> None:
    if table not in _TABLES:
        raise PartitionError(f"La tabla {table} no está particionada por año escolar.")
    if year >= (today or timezone.localdate()).year:
        raise PartitionError(
            f"Solo se puede desprender un año escolar ya terminado; {year} no lo está."
        )


def partition_detach(
    *, table: str, year: int, actor: Any = None, today: date | None = None, using: str = "default"
) -> str:
    """Detach the partition of a past ``year`` from ``table``: its rows leave the live table
    (queries, plans, vacuum) but stay in the standalone table ``<table>_y<year>``.

    Rows first, then their headers: a year still referenced by the live rows of a linked table
    (``PartitionedLink``) is refused. The detached table's own foreign keys into partitioned
    tables are dropped, so an archived year never pins a live one."""
    _check_past_year(table, year, today)
    if not _is_postgres(using):
        raise PartitionError("El particionado solo existe en PostgreSQL.")
    name = partition_name(table, year)
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        if year not in attached_years(cursor, table):
            raise PartitionError(f"El año {year} no está adjunto a {table}.")
        # Pending deferred checks (rows written earlier in the caller's transaction) would
        # block the ALTER TABLE: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        try:
            with transaction.atomic(using=using):
                cursor.execute(f"ALTER TABLE {_quote(table)} DETACH PARTITION {_quote(name)}")
        except IntegrityError as exc:
            raise PartitionError(
                f"Filas de otra tabla aún usan el año {year} de {table}: desprenda antes ese "
                "año de la tabla que la referencia."
            ) from exc
        cursor.execute(
            """
            SELECT c.conname FROM pg_constraint c JOIN pg_class p ON p.oid = c.confrelid
            WHERE c.conrelid = %s::regclass AND c.contype = 'f' AND p.relkind = 'p'
            """,
            [name],
        )
        for (constraint,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {_quote(name)} DROP CONSTRAINT {_quote(constraint)}")
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(name)}")  # noqa: S608 - our own name
        rows = cursor.fetchone()[0]
        audit_record(
            action="partition.detached",
            chain_key=f"partition:{table}",
            object_type="partition",
            object_id=name,
            actor=actor,
            payload={"table": table, "year": year, "rows": rows},
        )
    return name


def partition_archive(
    *,
    table: str,
    year: int,
    directory: Path,
    actor: Any = None,
    today: date | None = None,
    using: str = "default",
) -> Path:
    """Write a detached year to ``<directory>/<table>_y<year>.csv.gz`` (with a header line) and
    drop it. Detaches it first if it is still attached. The file is complete before the table
    is dropped, in the same transaction: a failed write drops nothing."""
    _check_past_year(table, year, today)
    if not _is_postgres(using):
        raise PartitionError("El particionado solo existe en PostgreSQL.")
    name = partition_name(table, year)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.csv.gz"
    if path.exists():
        raise PartitionError(f"El archivo {path} ya existe; no se sobrescribe.")
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        if year in attached_years(cursor, table):
            partition_detach(table=table, year=year, actor=actor, today=today, using=using)
        elif not _table_exists(cursor, name):
            raise PartitionError(f"No existe la partición {name}.")
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(name)}")  # noqa: S608 - our own name
        rows = cursor.fetchone()[0]
        raw = getattr(cursor, "cursor", cursor)
        partial = path.with_suffix(".partial")
        with (
            gzip.open(partial, "wb") as out,
            raw.copy(f"COPY {_quote(name)} TO STDOUT WITH (FORMAT csv, HEADER true)") as copy,
        ):
            for block in copy:
                out.write(block)
        partial.rename(path)
        cursor.execute(f"DROP TABLE {_quote(name)}")
        audit_record(
            action="partition.archived",
            chain_key=f"partition:{table}",
            object_type="partition",
            object_id=name,
            actor=actor,
            payload={"table": table, "year": year, "rows": rows, "file": path.name},
        )
    return path


# --- Converting a table (the migration) ----------------------------------------------------------

_INDEX_COLUMNS = re.compile(r"^(CREATE UNIQUE INDEX \S+ ON \S+ USING \w+ \()([^()]*)(\).*)$")
_UNIQUE_COLUMNS = re.compile(r"^UNIQUE (\([^()]*\))(.*)$")


def _with_key(columns: str, column: str) -> str:
    names = [c.strip() for c in columns.split(",")]
    if column in names or _quote(column) in names:
        return columns
    return f"{columns}, {column}"


def convert_to_partitioned(cursor: Any, table: str, column: str, years: Iterable[int]) -> None:
    """Turn the ordinary ``table`` into a parent partitioned by the year of ``column``, keeping
    its columns, identity sequence, rows, constraints and indexes under their names (Django's
    later migrations find them). Unique constraints gain ``column`` (see the module doc)."""
    cursor.execute(
        """
        SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = %s::regclass ORDER BY contype, conname
        """,
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = %s::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid
                          AND c.conrelid = x.indrelid)
        ORDER BY i.relname
        """,
        [table],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conrelid::regclass::text FROM pg_constraint "
        "WHERE contype = 'f' AND confrelid = %s::regclass",
        [table],
    )
    if referencing := [r[0] for r in cursor.fetchall()]:
        raise PartitionError(f"{table}: la referencian {referencing}; no puede particionarse.")
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    old_sequence = cursor.fetchone()[0]

    # Rows written earlier in this transaction may have deferred foreign-key checks pending, and
    # a table with pending trigger events cannot be dropped: run them now, defer again at the end.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    old = f"{table}__unpartitioned"
    cursor.execute(f"ALTER TABLE {_quote(table)} RENAME TO {_quote(old)}")
    cursor.execute(
        f"CREATE TABLE {_quote(table)} (LIKE {_quote(old)} INCLUDING DEFAULTS "
        f"INCLUDING IDENTITY INCLUDING GENERATED) PARTITION BY RANGE ({_quote(column)})"
    )
    cursor.execute(
        f"SELECT DISTINCT EXTRACT(YEAR FROM {_quote(column)})::int FROM {_quote(old)}"  # noqa: S608
    )
    wanted = set(years) | {row[0] for row in cursor.fetchall()}
    for year in sorted(wanted):
        _create_partition(cursor, table, year)
    copy_rows = f"INSERT INTO {_quote(table)} OVERRIDING SYSTEM VALUE SELECT * FROM {_quote(old)}"  # noqa: S608 - our own table names
    cursor.execute(copy_rows)
    cursor.execute(f"DROP TABLE {_quote(old)}")

    for name, kind, definition in constraints:
        if kind == "p":
            definition = f"PRIMARY KEY ({_with_key(definition[13:-1], column)})"
        elif kind == "u" and (match := _UNIQUE_COLUMNS.match(definition)):
            definition = f"UNIQUE ({_with_key(match.group(1)[1:-1], column)}){match.group(2)}"
        elif kind == "u":
            raise PartitionError(f"{table}.{name}: restricción única no reconocida.")
        cursor.execute(f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(name)} {definition}")
    for name, definition in indexes:
        if definition.startswith("CREATE UNIQUE INDEX"):
            match = _INDEX_COLUMNS.match(definition)
            if not match:
                raise PartitionError(f"{table}.{name}: índice único no reconocido.")
            definition = match.group(1) + _with_key(match.group(2), column) + match.group(3)
        cursor.execute(definition)

    # The new identity sequence continues after the copied ids, under the old one's name.
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    if sequence:
        cursor.execute(
            f"SELECT setval(%s, COALESCE((SELECT MAX(id) FROM {_quote(table)}), 0) + 1, false)",  # noqa: S608
            [sequence],
        )
        if old_sequence and old_sequence != sequence:
            cursor.execute(
                f"ALTER SEQUENCE {sequence} RENAME TO {_quote(old_sequence.split('.')[-1])}"
            )
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@dataclass(frozen=True)
class PartitionedLink:
    """A foreign key between two tables partitioned by the same date: ``child.fk_column`` →
    ``parent.id`` becomes ``(fk_column, child_column)`` → ``(id, parent_column)``, under the
    constraint's old name (a partitioned parent's unique keys all include its date)."""

    child: str
    fk_column: str
    child_column: str
    parent: str
    parent_column: str


def _foreign_key_name(cursor: Any, link: PartitionedLink) -> str | None:
    cursor.execute(
        """
        SELECT c.conname FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
        WHERE c.contype = 'f' AND c.conrelid = %s::regclass AND c.confrelid = %s::regclass
          AND a.attname = %s AND c.conparentid = 0
        """,
        [link.child, link.parent, link.fk_column],
    )
    row = cursor.fetchone()
    return row[0] if row else None


def partition_by_year(
    cursor: Any,
    tables: Iterable[tuple[str, str]],
    links: Iterable[PartitionedLink] = (),
    *,
    years: Iterable[int],
) -> None:
    """Partition each ``(table, date column)`` not partitioned yet, re-creating ``links``
    between them as composite foreign keys."""
    years = list(years)
    kept: list[tuple[PartitionedLink, str]] = []
    for link in links:
        name = _foreign_key_name(cursor, link)
        if name is not None and not is_partitioned(cursor, link.parent):
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {_quote(link.child)} DROP CONSTRAINT {_quote(name)}")
            kept.append((link, name))
    for table, column in tables:
        if not is_partitioned(cursor, table):
            convert_to_partitioned(cursor, table, column, years)
    for link, name in kept:
        cursor.execute(
            f"ALTER TABLE {_quote(link.child)} ADD CONSTRAINT {_quote(name)} FOREIGN KEY "
            f"({_quote(link.fk_column)}, {_quote(link.child_column)}) REFERENCES "
            f"{_quote(link.parent)} (id, {_quote(link.parent_column)}) "
            "DEFERRABLE INITIALLY DEFERRED"
        )


def partition_by_year_operation(
    *tables: tuple[str, str],
    links: Iterable[PartitionedLink] = (),
    years_ahead: int = DEFAULT_YEARS_AHEAD,
) -> migrations.RunPython:
    """A migration operation partitioning each ``(table, date column)`` by year on PostgreSQL
    (other databases: nothing), with the partitions of the current year and ``years_ahead``
    more (and of every year already present in the rows)."""
    links = tuple(links)

    def forward(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        current = timezone.localdate().year
        with schema_editor.connection.cursor() as cursor:
            partition_by_year(
                cursor, tables, links, years=range(current, current + years_ahead + 1)
            )

    def backward(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        unpartition(apps, schema_editor, [table for table, _column in tables], links)

    return migrations.RunPython(forward, backward, elidable=False)


def unpartition(
    apps: Any, schema_editor: Any, tables: list[str], links: Iterable[PartitionedLink] = ()
) -> None:
    """Going back: each partitioned table becomes the ordinary table its model describes, with
    every row kept (attached partitions only: detached years stay where they are)."""
    models = {m._meta.db_table: m for m in apps.get_models()}
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for link in links:
            if is_partitioned(cursor, link.parent) and (name := _foreign_key_name(cursor, link)):
                cursor.execute(f"ALTER TABLE {_quote(link.child)} DROP CONSTRAINT {_quote(name)}")
        for table in tables:
            if not is_partitioned(cursor, table):
                continue
            old = f"{table}__partitioned"
            cursor.execute(f"ALTER TABLE {_quote(table)} RENAME TO {_quote(old)}")
            # Index names are global: free them for the table the model creates.
            cursor.execute(
                "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass",
                [old],
            )
            for (index,) in cursor.fetchall():
                cursor.execute(f"ALTER INDEX {_quote(index)} RENAME TO {_quote(index + '__p')}")
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [old])
            old_sequence = cursor.fetchone()[0]
            if old_sequence:
                cursor.execute(f"ALTER TABLE {_quote(old)} ALTER COLUMN id DROP IDENTITY")
            model = models[table]
            schema_editor.create_model(model)
            columns = ", ".join(_quote(f.column) for f in model._meta.concrete_fields)
            copy_rows = f"INSERT INTO {_quote(table)} ({columns}) OVERRIDING SYSTEM VALUE SELECT {columns} FROM {_quote(old)}"  # noqa: S608, E501 - our own names
            cursor.execute(copy_rows)
            cursor.execute(f"DROP TABLE {_quote(old)} CASCADE")
            next_id = f"COALESCE((SELECT MAX(id) FROM {_quote(table)}), 0) + 1"  # noqa: S608
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), {next_id}, false)", [table]
            )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
