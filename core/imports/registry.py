"""The importers a file can be loaded with, registered by the modules that own the data.

core knows nothing about schools or students: a module describes its file (columns with Spanish
names, descriptions and examples), how to read one row (Spanish errors per column) and how to
write a batch of checked rows (an upsert), and registers it from ``AppConfig.ready()``::

    register_importer(StudentImporter())

The engine (``core/imports/engine.py``) streams the file in batches through ``prepare`` →
``parse`` (every row, in the dry run and again in the import) → ``upsert`` (import only, inside
the file's one transaction). See docs/imports.md.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Column:
    """One column of an import file. ``key`` is the header as written in the file."""

    key: str
    label: str | Promise
    description: str | Promise
    example: str
    required: bool = True


@dataclass(frozen=True)
class RowError:
    """What is wrong with one cell (or a whole row when ``column`` is empty), and how to fix it."""

    row: int
    column: str
    message: str
    hint: str = ""


class RowInvalid(Exception):  # noqa: N818 - a signal from parse(), not a failure of the engine
    """Raised by ``Importer.parse`` with the row's errors (column key → message, hint)."""

    def __init__(self, errors: Iterable[tuple[str, str, str]]) -> None:
        self.errors = list(errors)
        super().__init__(self.errors)


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: "UpsertCounts") -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


@dataclass
class ImportContext:
    """Shared by every batch of one file: the actor, their reach, caches the importer fills
    (``cache``) and the keys already seen in the file (``seen``, to refuse duplicates)."""

    actor: Any
    departments: frozenset[int] | None  # None: national
    cache: dict[str, Any] = field(default_factory=dict)
    seen: dict[str, set[Any]] = field(default_factory=dict)

    def may_touch_department(self, department_id: int | None) -> bool:
        return self.departments is None or department_id in self.departments

    def first_time(self, family: str, key: Any) -> bool:
        """True the first time ``key`` appears in the file (per ``family``)."""
        keys = self.seen.setdefault(family, set())
        if key in keys:
            return False
        keys.add(key)
        return True


class Importer:
    """Base class of an importer. Subclasses set the class attributes and implement ``parse``
    and ``upsert``; ``prepare`` may load in a fixed number of queries what a batch refers to."""

    kind: str = ""
    label: str | Promise = ""
    description: str | Promise = ""
    columns: Sequence[Column] = ()
    # The audit object type of the records this importer writes (for the job's audit event).
    position: int = 100

    def prepare(self, ctx: ImportContext, rows: Sequence[dict[str, Any]]) -> None:
        """Load into ``ctx.cache`` what ``rows`` refer to (existing records), in bulk."""

    def parse(self, ctx: ImportContext, row: dict[str, Any]) -> Any:
        """The checked value of one row, or raise ``RowInvalid`` with Spanish errors."""
        raise NotImplementedError

    def upsert(self, ctx: ImportContext, items: Sequence[Any]) -> UpsertCounts:
        """Write checked rows (creating or updating, in bulk), inside the file's transaction."""
        raise NotImplementedError

    def column_keys(self) -> list[str]:
        return [column.key for column in self.columns]


_IMPORTERS: dict[str, Importer] = {}


def register_importer(importer: Importer) -> Importer:
    """Add (or replace, by ``kind``) an importer."""
    if not importer.kind or not importer.columns:
        raise ValueError("an importer needs a kind and columns")
    _IMPORTERS[importer.kind] = importer
    return importer


def get_importer(kind: str) -> Importer | None:
    return _IMPORTERS.get(kind)


def importers() -> list[Importer]:
    return sorted(_IMPORTERS.values(), key=lambda imp: (imp.position, imp.kind))
