"""The exportable form of a checkpoint (a JSON document) and reading it back."""

import json
from pathlib import Path
from typing import Any

from .hashing import utc_iso
from .models import AuditCheckpoint

CHECKPOINT_FORMAT = "siges-audit-checkpoint"


def checkpoint_document(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    """Everything needed to check the trail later, away from this database."""
    return {
        "format": CHECKPOINT_FORMAT,
        "version": 1,
        "created_at": utc_iso(checkpoint.created_at),
        "chain_count": checkpoint.chain_count,
        "event_count": checkpoint.event_count,
        "merkle_root": checkpoint.merkle_root,
        "heads": checkpoint.heads,
        "signature": checkpoint.signature,
    }


def checkpoint_dumps(checkpoint: AuditCheckpoint) -> str:
    return json.dumps(checkpoint_document(checkpoint), indent=1, sort_keys=True) + "\n"


def checkpoint_load(path: str | Path) -> dict[str, Any]:
    """Read an exported checkpoint; ``ValueError`` if it is not one."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(str(exc)) from exc
    if not isinstance(document, dict) or document.get("format") != CHECKPOINT_FORMAT:
        raise ValueError("not a SIGES audit checkpoint")
    return document
