"""Validating a mark against a grading scale (docs/domain.md §4): scales are data.

A numeric scale accepts a number between its minimum and maximum, rounded to its precision
with its rounding mode; a conceptual scale accepts one of its concept codes. Both say whether
the mark passes.
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import RoundingMode, ScaleKind
from .models import GradingScale

_ROUNDING = {
    RoundingMode.HALF_UP: ROUND_HALF_UP,
    RoundingMode.HALF_EVEN: ROUND_HALF_EVEN,
    RoundingMode.DOWN: ROUND_DOWN,
    RoundingMode.UP: ROUND_UP,
}


@dataclass(frozen=True)
class Mark:
    """A validated mark: ``value`` for a numeric scale, ``concept`` (its code) for a conceptual
    one, and whether it passes."""

    value: Decimal | None
    concept: str
    passes: bool


def mark_validate(scale: GradingScale, raw: object) -> Mark:
    """The mark ``raw`` (as typed: "7,5", "7.5", 7.5 or a concept code) on ``scale``.

    Raises ``ValidationError`` with a Spanish message the grade grid shows beside the cell.
    A conceptual scale reads ``scale.concepts``: prefetch them when validating many marks.
    """
    text = str(raw if raw is not None else "").strip()
    if not text:
        raise ValidationError(_("Escriba una calificación."), code="required")
    if scale.kind == ScaleKind.CONCEPTUAL:
        concepts = {concept.code.upper(): concept for concept in scale.concepts.all()}
        concept = concepts.get(text.upper())
        if concept is None:
            raise ValidationError(
                _("Use uno de estos conceptos: %(codes)s.") % {"codes": ", ".join(concepts)},
                code="unknown_concept",
            )
        return Mark(value=None, concept=concept.code, passes=concept.passes)
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValidationError(_("«%(value)s» no es un número.") % {"value": text}, code="invalid")
    quantum = Decimal(1).scaleb(-scale.precision)
    rounded = number.quantize(quantum, rounding=_ROUNDING[scale.rounding])
    if not scale.min_value <= rounded <= scale.max_value:
        raise ValidationError(
            _("La calificación debe estar entre %(min)s y %(max)s.")
            % {"min": _plain(scale.min_value), "max": _plain(scale.max_value)},
            code="out_of_range",
        )
    return Mark(value=rounded, concept="", passes=rounded >= scale.passing_value)


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"
