"""Stored grades against the grading scale (docs/domain.md §4): whether a value passes, and a
subject's final value from its periods. Typed marks are read by ``modules.schools.grading``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from modules.schools.choices import ScaleKind
from modules.schools.grading import mark_validate


@dataclass(frozen=True)
class ScaleValue:
    """A stored grade: a score on a numeric scale, a concept code on a conceptual one."""

    score: Decimal | None
    concept: str = ""


def scale_parse(scale: Any, text: str) -> ScaleValue:
    """The value typed as ``text`` on ``scale`` (ValidationError with a Spanish message)."""
    mark = mark_validate(scale, text)
    return ScaleValue(mark.value, mark.concept)


def scale_passes(scale: Any, value: ScaleValue) -> bool:
    if scale.kind == ScaleKind.CONCEPTUAL:
        # Concepts are prefetched by the selectors: no query per value.
        return any(c.code == value.concept and c.passes for c in scale.concepts.all())
    return value.score is not None and value.score >= scale.passing_value


def scale_final(scale: Any, values: Iterable[ScaleValue | None]) -> ScaleValue | None:
    """A subject's final value from its period values in order; None if a period is missing.

    Numeric: the mean, rounded to the scale's precision with its rounding mode. Conceptual: the
    concept of the last period (the child's standing at the end of the year).
    """
    values = list(values)
    if not values or any(value is None for value in values):
        return None
    if scale.kind == ScaleKind.CONCEPTUAL:
        return values[-1]
    mean = sum((value.score for value in values), Decimal(0)) / len(values)
    return ScaleValue(mark_validate(scale, mean).value)
