"""Demo-data steps apps register from ``AppConfig.ready()``; ``manage.py seed_demo`` runs them.

Each step is ``step(context)``: it looks its objects up by natural key and creates only what is
missing (idempotent), counting what it created with ``context.count``. Steps run in one
transaction, in layer order (``LAYERS``), then in registration order; a step may read what an
earlier one left in ``context.data`` (the schools, the demo accounts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Lowest first, as in docs/architecture.md: a step may rely on the steps of lower layers.
LAYERS = ("core", "notifications", "modules", "helpdesk", "workflows")


@dataclass
class DemoContext:
    """What the steps share: counts of created objects (the command's summary) and data."""

    created: dict[str, int] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    def count(self, name: str, amount: int = 1) -> None:
        self.created[name] = self.created.get(name, 0) + amount


@dataclass(frozen=True)
class DemoStep:
    name: str
    layer: str
    run: Callable[[DemoContext], None]


_STEPS: dict[str, DemoStep] = {}


def register_demo_step(name: str, *, layer: str, run: Callable[[DemoContext], None]) -> None:
    """Add (or replace, by ``name``) a step of ``layer`` (one of ``LAYERS``)."""
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r}; one of {LAYERS}")
    _STEPS[name] = DemoStep(name, layer, run)


def demo_steps() -> list[DemoStep]:
    """The registered steps, by layer (lowest first), then in registration order."""
    return sorted(_STEPS.values(), key=lambda step: LAYERS.index(step.layer))
