"""Recompute the audit chains and say what, if anything, was tampered with.

Detection is exact: any change to a hashed field, any removed, added or moved row breaks either
an event's own hash, its link to the previous event or the gapless numbering. The *kind* of
problem reported is a diagnosis drawn from how the chain is broken (each event's hash also
commits to its original number and predecessor, so a moved event can be recognised):

* ``edited``: an event's content no longer matches its hash, or its hash was replaced (the next
  event no longer links to it), or its number was changed;
* ``deleted``: numbers are missing, or the chain links past events that are gone;
* ``inserted``: an event that the chain links around (its successor points to its predecessor);
* ``reordered``: an event that links to one stored after it, or to one further back;
* ``tail_missing``: compared with a checkpoint, a chain ends before the head it had then (or is
  gone); a head that is present but different is reported as ``edited``.

Hashes alone cannot catch someone with write access to the database who edits an event and
recomputes every hash after it, or who deletes a chain's last events: the chain is still
consistent. A signed checkpoint can (its HMAC needs ``SIGES_AUDIT_SIGNING_KEY``, which the
database does not hold). So by default the trail is compared with the latest checkpoint stored in
the database (written on a schedule by beat), and the result says which events no signature
covers yet: those appended since, or all of them when there is no checkpoint.

Rows are streamed in (chain_key, seq) order with a server-side cursor; besides the current
chain's last few events (a window of ``WINDOW`` rows ahead and behind) nothing is kept, so
memory stays flat however long the trail is.
"""

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .checkpoints import checkpoint_document
from .hashing import (
    GENESIS_HASH,
    HASHED_FIELDS,
    checkpoint_message,
    event_hash,
    head_leaf,
    merkle_root,
    signature_valid,
)
from .models import AuditCheckpoint, AuditEvent
from .selectors import STREAM_CHUNK

# ``verify(checkpoint=LATEST_STORED)`` (the default): compare with the newest stored checkpoint.
LATEST_STORED = "latest-stored"

# How far ahead and behind the scan looks when an event does not link to its predecessor, and
# how far an event's number may have moved and still be recognised.
WINDOW = 32

# What the scan reads of each event: the hashed fields (core/audit/hashing.py) and the hash.
_ROW_FIELDS = (*HASHED_FIELDS, "hash")


class ProblemKind(models.TextChoices):
    EDITED = "edited", gettext_lazy("evento modificado")
    DELETED = "deleted", gettext_lazy("evento eliminado")
    INSERTED = "inserted", gettext_lazy("evento insertado")
    REORDERED = "reordered", gettext_lazy("eventos reordenados")
    TAIL_MISSING = "tail_missing", gettext_lazy("falta el final de la cadena")
    CHECKPOINT = "checkpoint", gettext_lazy("punto de control inválido")


@dataclass(frozen=True)
class Problem:
    chain_key: str
    seq: int | None
    kind: str
    detail: str

    def __str__(self) -> str:
        where = self.chain_key if self.seq is None else f"{self.chain_key} #{self.seq}"
        return f"[{self.kind}] {where}: {self.detail}" if where else f"[{self.kind}] {self.detail}"


def _local_time(iso: str) -> str:
    """``2026-05-04T15:00:00.000000Z`` as the Salvadoran reading of it (``04/05/2026 09:00``)."""
    moment = parse_datetime(iso) if iso else None
    if moment is None:
        return iso
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


class CheckpointSource(StrEnum):
    """What the trail was compared with."""

    NONE = "none"
    STORED = "stored"  # the latest checkpoint kept in the database (the default)
    FILE = "file"  # an exported checkpoint (``audit_verify --checkpoint FILE``)


@dataclass
class VerificationResult:
    chains: int = 0
    events: int = 0
    problems: list[Problem] = field(default_factory=list)
    checkpoint_source: str = CheckpointSource.NONE
    # When the checkpoint compared with was written (ISO 8601, UTC), and how many events (in how
    # many chains) it does not cover: appended since, or in chains it does not know.
    checkpoint_created_at: str = ""
    # False when the checkpoint itself failed its checks (signature, root, format).
    checkpoint_valid: bool = True
    unsigned_events: int = 0
    unsigned_chains: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def fully_signed(self) -> bool:
        return (
            self.checkpoint_source != CheckpointSource.NONE
            and self.checkpoint_valid
            and not self.unsigned_events
        )

    @property
    def coverage(self) -> str:
        """One plain sentence on what a signature vouches for (shown by the page and command)."""
        if not self.events:
            return ""
        if self.checkpoint_source == CheckpointSource.NONE:
            return _(
                "Ningún punto de control firmado cubre estos eventos: solo se comprobó que sus "
                "hashes encadenan. Quien pueda escribir en la base de datos podría modificar un "
                "evento y recalcular los hashes siguientes, o borrar el final de una cadena, sin "
                "que esta verificación lo detecte."
            )
        if not self.checkpoint_valid:
            return _(
                "El punto de control no es válido (vea los problemas): ninguna firma cubre "
                "estos eventos."
            )
        when = {"date": _local_time(self.checkpoint_created_at)}
        if not self.unsigned_events:
            return (
                _("Todos los eventos están cubiertos por el punto de control firmado del %(date)s.")
                % when
            )
        return _(
            "%(events)d eventos (en %(chains)d cadenas) son posteriores al punto de control "
            "firmado del %(date)s y todavía no están cubiertos por su firma: se comprobó su "
            "encadenamiento, no su firma."
        ) % {**when, "events": self.unsigned_events, "chains": self.unsigned_chains}

    @property
    def summary(self) -> str:
        if self.ok:
            return _("%(chains)d cadenas, %(events)d eventos, íntegro") % {
                "chains": self.chains,
                "events": self.events,
            }
        return _("%(chains)d cadenas, %(events)d eventos, %(problems)d problemas") % {
            "chains": self.chains,
            "events": self.events,
            "problems": len(self.problems),
        }


def _original_seq(row: dict[str, Any]) -> int | None:
    """The number the event had when it was written (its hash commits to it), or ``None`` when
    its content no longer matches its hash."""
    seq = row["seq"]
    if event_hash(row) == row["hash"]:
        return seq
    for distance in range(1, WINDOW + 1):
        for candidate in (seq - distance, seq + distance):
            if candidate >= 1 and event_hash({**row, "seq": candidate}) == row["hash"]:
                return candidate
    return None


class _Lookahead:
    """An iterator over a chain's rows that can search the next ``WINDOW`` rows."""

    def __init__(self, rows: Iterable[dict[str, Any]]) -> None:
        self._rows = iter(rows)
        self._buffer: deque[dict[str, Any]] = deque()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self

    def __next__(self) -> dict[str, Any]:
        if self._buffer:
            return self._buffer.popleft()
        return next(self._rows)

    def find(self, digest: str) -> dict[str, Any] | None:
        for row in self._rows:
            self._buffer.append(row)
            if len(self._buffer) >= WINDOW:
                break
        return next((row for row in self._buffer if row["hash"] == digest), None)


class _Window:
    """The hashes of the last ``WINDOW`` events seen, with their numbers."""

    def __init__(self) -> None:
        self._order: deque[str] = deque()
        self._seqs: dict[str, int] = {}

    def add(self, digest: str, seq: int) -> None:
        self._order.append(digest)
        self._seqs[digest] = seq
        if len(self._order) > WINDOW:
            self._seqs.pop(self._order.popleft(), None)

    def get(self, digest: str) -> int | None:
        return self._seqs.get(digest)

    def __contains__(self, digest: str) -> bool:
        return digest in self._seqs


def _missing(first: int, last: int) -> str:
    if first == last:
        return _("falta el evento %(seq)d") % {"seq": first}
    return _("faltan los eventos %(first)d a %(last)d") % {"first": first, "last": last}


def _verify_chain(
    chain_key: str,
    rows: Iterable[dict[str, Any]],
    report: Callable[[Problem], None],
    checkpoint_head: tuple[int, str] | None,
) -> int:
    """Check one chain; return how many events it has.

    ``tip`` is the event the chain has reached (normally the previous row); each row either
    links to it or the first rule that explains the break is reported.
    """

    def problem(kind: str, seq: int | None, detail: str) -> None:
        report(Problem(chain_key=chain_key, seq=seq, kind=kind, detail=detail))

    ahead = _Lookahead(rows)
    recent = _Window()
    explained = _Window()  # events already covered by a reordering that was reported
    tip_hash, tip_seq, tip_orig = GENESIS_HASH, 0, 0
    before_tip: str | None = None
    expected = 1
    count = 0
    checkpoint_seen = False
    for row in ahead:
        count += 1
        seq, digest, prev = row["seq"], row["hash"], row["prev_hash"]
        orig = _original_seq(row)
        gap = seq > expected
        if seq < expected:
            problem(ProblemKind.INSERTED, seq, _("número de secuencia repetido"))

        if orig is None:
            if gap:
                problem(ProblemKind.DELETED, expected, _missing(expected, seq - 1))
            problem(ProblemKind.EDITED, seq, _("el contenido no coincide con su hash"))
        elif prev == tip_hash:
            if gap or orig - seq != tip_orig - tip_seq:
                problem(
                    ProblemKind.EDITED,
                    seq,
                    _("número de secuencia alterado (era %(orig)d)") % {"orig": orig},
                )
        elif digest in explained or prev in explained:
            pass  # the other side of a reordering already reported
        elif gap and orig == seq:
            problem(ProblemKind.DELETED, expected, _missing(expected, seq - 1))
        elif before_tip is not None and prev == before_tip:
            problem(
                ProblemKind.INSERTED,
                tip_seq,
                _("no pertenece a la cadena: el evento siguiente enlaza con el anterior a él"),
            )
        elif (later := ahead.find(prev)) is not None:
            problem(
                ProblemKind.REORDERED,
                seq,
                _("aparece antes del evento %(other)d, que debería precederlo")
                % {"other": later["seq"]},
            )
            explained.add(digest, seq)
            explained.add(prev, later["seq"])
        elif prev in recent:
            problem(
                ProblemKind.REORDERED,
                seq,
                _("enlaza con el evento %(other)d y no con el inmediatamente anterior")
                % {"other": recent.get(prev)},
            )
            explained.add(digest, seq)
            explained.add(prev, recent.get(prev) or 0)
        elif orig > tip_orig + 1:
            problem(
                ProblemKind.DELETED,
                tip_orig + 1,
                _("%(missing)s; los siguientes fueron renumerados")
                % {"missing": _missing(tip_orig + 1, orig - 1)},
            )
        else:
            problem(
                ProblemKind.EDITED,
                tip_seq or seq,
                _("su hash fue reemplazado: el evento siguiente no enlaza con él"),
            )

        if checkpoint_head is not None and seq == checkpoint_head[0]:
            checkpoint_seen = True
            if digest != checkpoint_head[1]:
                problem(
                    ProblemKind.EDITED,
                    seq,
                    _("el evento no es el que registró el punto de control"),
                )
        if tip_seq:
            recent.add(tip_hash, tip_seq)
        before_tip, tip_hash, tip_seq = tip_hash, digest, seq
        tip_orig = orig if orig is not None else tip_orig + 1
        expected = max(expected, seq + 1)

    if checkpoint_head is not None and not checkpoint_seen:
        problem(
            ProblemKind.TAIL_MISSING,
            checkpoint_head[0],
            _("el punto de control registra %(head)d eventos; la cadena termina en %(last)d")
            % {"head": checkpoint_head[0], "last": tip_seq},
        )
    return count


def _checkpoint_heads(document: dict[str, Any]) -> dict[str, tuple[int, str]] | None:
    try:
        return {key: (int(value[0]), str(value[1])) for key, value in document["heads"].items()}
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return None


def checkpoint_problems(document: dict[str, Any]) -> list[Problem]:
    """Whether an exported checkpoint is intact: its heads give its root, and it is signed."""
    heads = _checkpoint_heads(document)
    try:
        message = checkpoint_message(
            created_at=str(document["created_at"]),
            chain_count=int(document["chain_count"]),
            event_count=int(document["event_count"]),
            root=str(document["merkle_root"]),
        )
        signature = str(document["signature"])
    except (KeyError, TypeError, ValueError):
        heads = None
    if heads is None:
        return [
            Problem(
                chain_key="",
                seq=None,
                kind=ProblemKind.CHECKPOINT,
                detail=_("el punto de control está incompleto o mal formado"),
            )
        ]
    problems = []
    if not signature_valid(message, signature, settings.SIGES_AUDIT_SIGNING_KEY):
        problems.append(
            Problem(
                chain_key="",
                seq=None,
                kind=ProblemKind.CHECKPOINT,
                detail=_("la firma del punto de control no es válida"),
            )
        )
    leaves = [head_leaf(key, seq, digest) for key, (seq, digest) in heads.items()]
    if merkle_root(leaves) != document["merkle_root"] or len(heads) != int(document["chain_count"]):
        problems.append(
            Problem(
                chain_key="",
                seq=None,
                kind=ProblemKind.CHECKPOINT,
                detail=_("las cabezas del punto de control no corresponden a su raíz de Merkle"),
            )
        )
    return problems


def latest_checkpoint_document() -> dict[str, Any] | None:
    """The newest checkpoint stored in the database, as an exported document (or ``None``)."""
    latest = AuditCheckpoint.objects.order_by("-created_at", "-pk").first()
    return checkpoint_document(latest) if latest is not None else None


def verify(
    *,
    chain_key: str | None = None,
    checkpoint: dict[str, Any] | str | None = LATEST_STORED,
    on_problem: Callable[[Problem], None] | None = None,
) -> VerificationResult:
    """Verify every chain (or only ``chain_key``) against a signed checkpoint: by default the
    latest one stored in the database; pass an exported document to compare with it instead,
    or ``None`` to check the hashes only.

    ``on_problem`` is called as each problem is found (the command prints them as it goes).
    """
    result = VerificationResult()
    if checkpoint == LATEST_STORED:
        checkpoint = latest_checkpoint_document()
        source = CheckpointSource.STORED
    else:
        source = CheckpointSource.FILE
    if checkpoint is not None:
        result.checkpoint_source = source
        result.checkpoint_created_at = str(checkpoint.get("created_at", ""))

    def report(found: Problem) -> None:
        result.problems.append(found)
        if on_problem is not None:
            on_problem(found)

    heads: dict[str, tuple[int, str]] = {}
    if checkpoint is not None:
        for found in checkpoint_problems(checkpoint):
            result.checkpoint_valid = False
            report(found)
        # Heads are compared even when the signature fails (a wrong key is still worth the
        # comparison), but not when the document is unreadable.
        heads = _checkpoint_heads(checkpoint) or {}
        if chain_key is not None:
            heads = {key: value for key, value in heads.items() if key == chain_key}

    events = AuditEvent.objects.all()
    if chain_key is not None:
        events = events.filter(chain_key=chain_key)
    rows = (
        events.order_by("chain_key", "seq").values(*_ROW_FIELDS).iterator(chunk_size=STREAM_CHUNK)
    )
    for key, chain_rows in groupby(rows, key=itemgetter("chain_key")):
        head = heads.pop(key, None)
        count = _verify_chain(key, chain_rows, report, head)
        result.chains += 1
        result.events += count
        unsigned = count - head[0] if head is not None else count
        if checkpoint is not None and unsigned > 0:
            result.unsigned_events += unsigned
            result.unsigned_chains += 1
    for key, (seq, _digest) in sorted(heads.items()):
        report(
            Problem(
                chain_key=key,
                seq=seq,
                kind=ProblemKind.TAIL_MISSING,
                detail=_("la cadena ya no existe; el punto de control registra %(head)d eventos")
                % {"head": seq},
            )
        )
    return result
