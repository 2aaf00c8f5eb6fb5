"""Hot reads whose SQL is compiled once per process instead of on every call.

Django turns a queryset into SQL on every evaluation, and for the help desk's hot paths that
costs more than running it: 0.3-0.6 ms per query (resolving the ORDER BY, the joins of
``select_related`` and the selected columns), against 0.1-0.3 ms of database time. A query whose
shape never changes (only its values do) can be compiled once:

    ticket_lock = precompiled(
        "helpdesk.ticket_lock",
        lambda pk: Ticket.objects.select_related("queue").select_for_update(of=("self",))
        .filter(pk=pk),
        pk=int,
    )
    ticket = ticket_lock.get(pk=42)

- ``build`` receives one stand-in value per parameter and returns the queryset. Its SQL and
  parameters are computed once per database alias (the first call), the stand-ins' positions in
  the parameters found, and later calls put the caller's values there.
- The rows are turned into objects by Django's own iterable (models, ``values()``,
  ``values_list()``, ``select_related`` joins, annotations), exactly as the queryset would.
- Only ``int``, ``str`` and ``date`` parameters. Django passes them to the driver unchanged or
  adapted by the backend (PostgreSQL wraps an integer column's value in a sized type, SQLite
  sends dates as text); the caller's value is adapted the same way, so it is the value the
  compiled query would have carried. A parameter that does
  not appear in the SQL (one the ORM transformed) is refused when the query is first compiled.
- Not for querysets with ``prefetch_related`` (a queryset feature, not SQL), nor for values
  that change the SQL's shape (``__in`` lists, optional filters): build those normally.
- ``select_for_update`` keeps Django's rule: it raises outside a transaction.

Results are never cached, only the SQL; every call runs it. ``docs/performance.md`` says where
this is used and why.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from functools import wraps
from types import MethodType
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model, QuerySet
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLInsertCompiler
from django.db.transaction import TransactionManagementError

# Stand-in values, unlike any real value but inside every integer column's range (Django
# compiles a comparison with an out-of-range number to "no rows" instead of SQL).
_INT_BASE = 2_147_480_000
_STR_MARK = "\x00precompiled:{}\x00"
_DATE_BASE = date(1001, 1, 1)
_TYPES = (int, str, date)


class _Compiled:
    """One alias's compiled form: the queryset, its compiler (as set up by compiling), the SQL,
    and the parameters with the slots to fill."""

    __slots__ = ("compiler", "for_update", "params", "queryset", "slots", "sql")

    def __init__(self, queryset: QuerySet, using: str, stand_ins: dict[str, Any]) -> None:
        if queryset._prefetch_related_lookups:
            raise ValueError("precompiled queries cannot prefetch_related")
        queryset = queryset.using(using)
        compiler = queryset.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet) as exc:
            raise ValueError("the query's shape depends on its values: build it normally") from exc
        ops = connections[using].ops
        # (position, name, how to adapt the caller's value as the backend adapted the stand-in)
        slots: list[tuple[int, str, Callable[[Any], Any] | None]] = []
        for position, value in enumerate(params):
            for name, stand_in in stand_ins.items():
                if type(value) is type(stand_in) and value == stand_in:
                    slots.append((position, name, None))
                elif type(stand_in) is int and isinstance(value, int) and value == stand_in:
                    # PostgreSQL's backend wraps integer fields' values in a sized type (Int8).
                    slots.append((position, name, type(value)))
                elif type(stand_in) is date and value == ops.adapt_datefield_value(stand_in):
                    # A backend that sends dates as text (SQLite): adapt the caller's too.
                    slots.append((position, name, ops.adapt_datefield_value))
        missing = set(stand_ins) - {name for _position, name, _adapt in slots}
        if missing:
            raise ValueError(f"parameters not found in the compiled SQL: {sorted(missing)}")
        self.queryset = queryset
        self.compiler = compiler
        self.sql = sql
        self.params = tuple(params)
        self.slots = tuple(slots)
        # Django refuses FOR UPDATE outside a transaction where the database has it.
        self.for_update = bool(
            queryset.query.select_for_update and connections[using].features.has_select_for_update
        )


class Precompiled:
    """A queryset shape compiled once per database alias; see the module's docstring."""

    def __init__(self, key: str, build: Callable[..., QuerySet], types: dict[str, type]) -> None:
        for name, kind in types.items():
            if kind not in _TYPES:
                raise TypeError(f"{key}: parameter {name!r} must be int, str or date, not {kind}")
        self.key = key
        self._build = build
        self._types = types
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _for(self, using: str) -> _Compiled:
        compiled = self._compiled.get(using)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(using)
                if compiled is None:
                    counter = itertools.count()
                    stand_ins = {
                        name: _stand_in(kind, next(counter)) for name, kind in self._types.items()
                    }
                    compiled = _Compiled(self._build(**stand_ins), using, stand_ins)
                    self._compiled[using] = compiled
        return compiled

    def _bind(self, using: str, values: dict[str, Any]) -> tuple[_Compiled, list[Any]]:
        if values.keys() != self._types.keys():
            raise TypeError(f"{self.key}: expected {sorted(self._types)}, got {sorted(values)}")
        for name, value in values.items():
            if type(value) is not self._types[name]:
                raise TypeError(f"{self.key}: {name} must be {self._types[name].__name__}")
        compiled = self._for(using)
        if compiled.for_update and connections[using].get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(compiled.params)
        for position, name, adapt in compiled.slots:
            params[position] = values[name] if adapt is None else adapt(values[name])
        return compiled, params

    def sql(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> tuple[str, list[Any]]:
        """The SQL and parameters a call with ``values`` runs, for a caller that sends it with
        another statement in one round trip and reads the plain rows itself (no model
        instances, no converters: for ``values_list`` of plain columns)."""
        compiled, params = self._bind(using, values)
        return compiled.sql, params

    def fetch(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[Any]:
        """Every row, as the queryset would give them."""
        compiled, params = self._bind(using, values)
        # A copy of the compiled compiler that answers with the stored SQL: Django's iterable
        # then runs it and builds the rows exactly as for the queryset. The copy and the
        # queryset are this call's own; neither is handed out.
        compiler = _copy(compiled.compiler)
        compiler.connection = connections[using]  # this thread's connection
        sql = compiled.sql
        compiler.as_sql = lambda *_args, **_kwargs: (sql, params)
        queryset = compiled.queryset._chain()
        queryset.query.get_compiler = lambda *_args, **_kwargs: compiler
        return list(queryset)

    def first(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> Any:
        """The first row (the queryset decides the order), or ``None``."""
        rows = self.fetch(using=using, **values)
        return rows[0] if rows else None

    def get(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> Model:
        """Exactly one object, or the model's ``DoesNotExist`` / ``MultipleObjectsReturned``."""
        rows = self.fetch(using=using, **values)
        if len(rows) == 1:
            return rows[0]
        model = self._for(using).queryset.model
        if not rows:
            raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
        raise model.MultipleObjectsReturned(f"{self.key}: {len(rows)} rows")


class PrecompiledInsert:
    """The INSERT of a model, compiled once per alias (and number of rows): ``insert(obj)``
    writes ``obj`` (its concrete fields' values, prepared for the database as ``save()``
    prepares them) and sets its primary key, without ``save()``'s machinery (0.4 ms per row
    here); ``insert_many(objs)`` writes several rows in one statement, as ``bulk_create`` does,
    without its machinery.

    For rows with plain values, written where every microsecond counts (the audit trail, a new
    ticket and its messages). Only the primary key comes back: a column the database generates
    (``GeneratedField``, such as a search document) is not read back, and is read from the
    database if the object is asked for it, as a deferred field is; a model whose INSERT must
    return anything else (a ``db_default``) is refused. Models with ``pre_save``/``post_save``
    receivers, and databases that cannot return the new key from the INSERT, go through
    ``save(force_insert=True)`` instead, so nothing a receiver does is skipped.
    """

    def __init__(self, model: type[Model], *, deferrable: bool = False) -> None:
        meta = model._meta
        returning = [f for f in meta.db_returning_fields if not getattr(f, "generated", False)]
        if returning != [meta.pk]:
            raise ValueError(
                f"{model.__name__}: only the primary key and generated columns may come back "
                "from its INSERT"
            )
        self.model = model
        # Its rows may wait for the end of a ``write_behind`` block.
        self.deferrable = deferrable
        self._fields = [
            f
            for f in meta.concrete_fields
            if not f.primary_key and not getattr(f, "generated", False)
        ]
        self._generated = [
            f.attname for f in meta.concrete_fields if getattr(f, "generated", False)
        ]
        # By alias and number of rows: the SQL (None where it cannot return the keys).
        self._sql: dict[tuple[str, int], str | None] = {}

    def _compiled(self, count: int, using: str) -> str | None:
        """The INSERT of ``count`` rows returning their keys, one parameter per value; ``None``
        where the database cannot return the keys from one statement.

        Row by row (``VALUES (…), (…)``) on every database: Django's PostgreSQL compiler sends
        several rows as one array per column (``UNNEST``), which saves planning on big batches,
        but these statements carry a few rows, and psycopg adapts an array element by element
        in Python: for a claim's two audit events that cost more than it saved."""
        key = (using, count)
        if key not in self._sql:
            query = InsertQuery(self.model)
            query.insert_values(self._fields, [self.model() for _ in range(count)])
            compiler = query.get_compiler(using=using)
            compiler.returning_fields = [self.model._meta.pk]
            compiler.assemble_as_sql = MethodType(SQLInsertCompiler.assemble_as_sql, compiler)
            statements = compiler.as_sql()
            compiled = None
            if len(statements) == 1:
                ((sql, params),) = statements
                if len(params) != count * len(self._fields):
                    raise ValueError(f"{self.model.__name__}: an INSERT of an unknown shape")
                compiled = sql
            self._sql[key] = compiled
        return self._sql[key]

    def insert(self, obj: Model, *, using: str = DEFAULT_DB_ALIAS) -> Model:
        """Write ``obj`` and set its primary key."""
        self.insert_many([obj], using=using)
        return obj

    def insert_many(self, objs: list[Model], *, using: str = DEFAULT_DB_ALIAS) -> list[Model]:
        """Write ``objs`` in one INSERT (compiled once per number of rows) and set their keys,
        in order; one by one through ``save()`` in the cases the class docstring names. Inside
        ``write_behind`` a ``deferrable`` model's rows wait for the block's one statement."""
        for obj in objs:
            if type(obj) is not self.model:
                raise TypeError(f"expected a {self.model.__name__}, got {type(obj).__name__}")
        if not objs:
            return objs
        connection = connections[using]
        if not self._direct(connection):
            for obj in objs:
                obj.save(using=using, force_insert=True)
            return objs
        rows = [self._values(obj, connection) for obj in objs]
        pending = getattr(connection, _WRITE_BEHIND_ATTR, None)
        if self.deferrable and pending is not None:
            pending.add(self, objs, rows)
            return objs
        sql, params = self._statement(rows, connection.alias)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if len(objs) == 1:
                keys = [connection.ops.fetch_returned_insert_columns(cursor, ())]
            else:
                keys = connection.ops.fetch_returned_insert_rows(cursor)
        self._written(objs, [key for (key,) in keys], using)
        return objs

    def _direct(self, connection: Any) -> bool:
        """Whether rows are written by the compiled INSERT (else through ``save()``)."""
        return (
            connection.features.can_return_columns_from_insert
            and not pre_save.has_listeners(self.model)
            and not post_save.has_listeners(self.model)
            and self._compiled(1, connection.alias) is not None
        )

    def _values(self, obj: Model, connection: Any) -> list[Any]:
        """``obj``'s values as the database takes them, taken now (as ``save()`` would)."""
        return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in self._fields]

    def _statement(self, rows: list[list[Any]], using: str) -> tuple[str, list[Any]]:
        """The INSERT of ``rows`` (prepared values) returning their keys, with its parameters."""
        compiled = self._compiled(len(rows), using)
        if compiled is None:  # only for a database _direct refuses
            raise ValueError(f"{self.model.__name__}: no INSERT of {len(rows)} rows")
        return compiled, [value for row in rows for value in row]

    def _written(self, objs: list[Model], keys: list[Any], using: str) -> None:
        for obj, pk in zip(objs, keys, strict=True):
            obj.pk = pk
            for attname in self._generated:  # deferred: read from the database when asked for
                obj.__dict__.pop(attname, None)
            obj._state.adding = False
            obj._state.db = using


# --- Write-behind: several tables' INSERTs in one statement ------------------------------------

_WRITE_BEHIND_ATTR = "_siges_write_behind"
# Statements that end or mark a part of the transaction: pending rows are written before them.
_TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE", "ROLLBACK")


class _PendingWrites:
    """The rows of ``deferrable`` inserters waiting in a ``write_behind`` block: the objects,
    and their values as prepared when they were inserted."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.rows: dict[PrecompiledInsert, tuple[list[Model], list[list[Any]]]] = {}

    def add(self, inserter: PrecompiledInsert, objs: list[Model], values: list[list[Any]]) -> None:
        waiting = self.rows.setdefault(inserter, ([], []))
        waiting[0].extend(objs)
        waiting[1].extend(values)

    def before_statement(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        """Every other statement of the block: the pending rows are written first if it names
        one of their tables (a read sees them, as it would have without the block) or controls
        the transaction (a savepoint rolled back takes them with it)."""
        # (The flush's own statement finds nothing waiting: the rows are taken first.)
        if self.rows and self._touches(sql):
            self.flush()
        return execute(sql, params, many, context)

    def _touches(self, sql: str) -> bool:
        if sql.lstrip()[:9].upper().startswith(_TRANSACTION_CONTROL):
            return True
        quote = self.connection.ops.quote_name
        return any(quote(inserter.model._meta.db_table) in sql for inserter in self.rows)

    def flush(self) -> None:
        """Write every pending row: one INSERT per table, all in one statement (PostgreSQL's
        data-modifying ``WITH``), and set their keys."""
        rows, self.rows = self.rows, {}
        if not rows:
            return
        alias = self.connection.alias
        quote = self.connection.ops.quote_name
        parts, params = [], []
        for index, (inserter, (_objs, values)) in enumerate(rows.items()):
            sql, statement_params = inserter._statement(values, alias)
            parts.append((quote(f"w{index}"), sql, quote(inserter.model._meta.pk.column)))
            params.extend(statement_params)
        if len(parts) == 1:
            sql = parts[0][1]
        else:
            # Only compiled INSERTs and names from the models' metadata are interpolated.
            ctes = ", ".join(f"{name} AS ({sql})" for name, sql, _pk in parts)
            keys = " UNION ALL ".join(
                f"SELECT {index}, {pk} FROM {name}"  # noqa: S608
                for index, (name, _sql, pk) in enumerate(parts)
            )
            sql = f"WITH {ctes} {keys}"
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            returned = cursor.fetchall()
        for index, (inserter, (objs, _values)) in enumerate(rows.items()):
            # Each table's keys come back in the order of its rows (bulk_create relies on
            # the same); alone, the statement returns the keys without the group number.
            keys = (
                [row[0] for row in returned]
                if len(parts) == 1
                else [pk for group, pk in returned if group == index]
            )
            inserter._written(objs, keys, alias)


@contextmanager
def write_behind(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Hold the rows of ``deferrable`` inserters (the audit trail's, the outbox's) until the
    block ends, then write them all in one statement: a transition and its follow-ups write
    their events and messages in one round trip instead of one each.

    What the block sees is what it would see without it: a statement that names a pending
    table is preceded by the pending rows (so a read finds them), as is any savepoint command
    (so a savepoint rolled back takes its rows with it). What differs: a pending row has no key
    until the block ends (``pk`` is ``None``), so the block must not use the keys of those rows,
    and rows pending when an exception leaves the block are dropped; the block belongs directly
    inside the ``atomic`` block that rolls back on that exception.

    PostgreSQL only, inside a transaction; elsewhere, and in a block nested in another, rows are
    written as they come (the outer block writes its own at its end).
    """
    connection = connections[using]
    if (
        connection.vendor != "postgresql"
        or not connection.in_atomic_block
        or getattr(connection, _WRITE_BEHIND_ATTR, None) is not None
    ):
        yield
        return
    pending = _PendingWrites(connection)
    setattr(connection, _WRITE_BEHIND_ATTR, pending)
    try:
        with connection.execute_wrapper(pending.before_statement):
            yield
            pending.flush()
    finally:
        setattr(connection, _WRITE_BEHIND_ATTR, None)


def _stand_in(kind: type, n: int) -> Any:
    if kind is int:
        return _INT_BASE + n
    if kind is str:
        return _STR_MARK.format(n)
    return _DATE_BASE + timedelta(days=n)


def _copy(compiler: Any) -> Any:
    clone = object.__new__(type(compiler))
    clone.__dict__.update(compiler.__dict__)
    return clone


def precompiled(key: str, build: Callable[..., QuerySet], **types: type) -> Precompiled:
    """A queryset shape compiled once per database alias (module docstring)."""
    return Precompiled(key, build, types)


__all__ = ["Precompiled", "PrecompiledInsert", "precompiled"]


def atomic_write_behind(func: Callable[..., Any]) -> Callable[..., Any]:
    """``transaction.atomic`` with a ``write_behind`` block directly inside it, for a service
    whose audit events and outbox rows may be written together at its end."""

    @wraps(func)
    def inner(*args: Any, **kwargs: Any) -> Any:
        with transaction.atomic(), write_behind():
            return func(*args, **kwargs)

    return inner
