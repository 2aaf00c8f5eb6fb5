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
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery
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

    def __init__(self, model: type[Model]) -> None:
        meta = model._meta
        returning = [f for f in meta.db_returning_fields if not getattr(f, "generated", False)]
        if returning != [meta.pk]:
            raise ValueError(
                f"{model.__name__}: only the primary key and generated columns may come back "
                "from its INSERT"
            )
        self.model = model
        self._fields = [
            f
            for f in meta.concrete_fields
            if not f.primary_key and not getattr(f, "generated", False)
        ]
        self._generated = [
            f.attname for f in meta.concrete_fields if getattr(f, "generated", False)
        ]
        # By alias and number of rows: the SQL, and whether its parameters go by column.
        self._sql: dict[tuple[str, int], tuple[str, bool] | None] = {}

    def _compiled(self, objs: list[Model], using: str) -> tuple[str, bool] | None:
        """The INSERT of ``len(objs)`` rows returning their keys, and whether it takes one
        parameter per column (PostgreSQL inserts several rows from arrays, ``UNNEST``) rather
        than one per value; ``None`` where the database cannot return the keys from one
        statement."""
        key = (using, len(objs))
        if key not in self._sql:
            query = InsertQuery(self.model)
            query.insert_values(self._fields, objs)
            compiler = query.get_compiler(using=using)
            compiler.returning_fields = [self.model._meta.pk]
            statements = compiler.as_sql()
            compiled = None
            if len(statements) == 1:
                ((sql, params),) = statements
                by_column = len(objs) > 1 and len(params) == len(self._fields)
                if not by_column and len(params) != len(objs) * len(self._fields):
                    raise ValueError(f"{self.model.__name__}: an INSERT of an unknown shape")
                compiled = (sql, by_column)
            self._sql[key] = compiled
        return self._sql[key]

    def insert(self, obj: Model, *, using: str = DEFAULT_DB_ALIAS) -> Model:
        """Write ``obj`` and set its primary key."""
        self.insert_many([obj], using=using)
        return obj

    def insert_many(self, objs: list[Model], *, using: str = DEFAULT_DB_ALIAS) -> list[Model]:
        """Write ``objs`` in one INSERT (compiled once per number of rows) and set their keys,
        in order; one by one through ``save()`` in the cases the class docstring names."""
        for obj in objs:
            if type(obj) is not self.model:
                raise TypeError(f"expected a {self.model.__name__}, got {type(obj).__name__}")
        if not objs:
            return objs
        connection = connections[using]
        compiled = (
            None
            if not connection.features.can_return_columns_from_insert
            or pre_save.has_listeners(self.model)
            or post_save.has_listeners(self.model)
            else self._compiled(objs, using)
        )
        if compiled is None:
            for obj in objs:
                obj.save(using=using, force_insert=True)
            return objs
        sql, by_column = compiled
        rows = [
            [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in self._fields]
            for obj in objs
        ]
        params = (
            [list(column) for column in zip(*rows, strict=True)]
            if by_column
            else [value for row in rows for value in row]
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if len(objs) == 1:
                keys = [connection.ops.fetch_returned_insert_columns(cursor, ())]
            else:
                keys = connection.ops.fetch_returned_insert_rows(cursor)
        for obj, (pk,) in zip(objs, keys, strict=True):
            obj.pk = pk
            for attname in self._generated:  # deferred: read from the database when asked for
                obj.__dict__.pop(attname, None)
            obj._state.adding = False
            obj._state.db = using
        return objs


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
