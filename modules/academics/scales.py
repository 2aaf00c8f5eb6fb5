"""Reading a typed grade against a grading scale held as data (docs/domain.md §4).

Numeric scales: a number within [min, max] with at most the scale's decimals (comma or point);
final averages round with the scale's rounding mode. Conceptual scales (parvularia): one of the
scale's concepts, by code or label, case-insensitive.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from modules.schools.choices import RoundingMode, ScaleKind

ROUNDING = {
    RoundingMode.HALF_UP: decimal.ROUND_HALF_UP,
    RoundingMode.HALF_EVEN: decimal.ROUND_HALF_EVEN,
    RoundingMode.DOWN: decimal.ROUND_DOWN,
    RoundingMode.UP: decimal.ROUND_UP,
}


@dataclass(frozen=True)
class ScaleValue:
    score: Decimal | None
    concept: str = ""


def _concepts(scale: Any) -> list[Any]:
    # Prefetched by the selectors; a list so several lookups cost no query.
    return list(scale.concepts.all())


def scale_parse(scale: Any, text: str) -> ScaleValue:
    """The value ``text`` denotes on ``scale``, or ValidationError with a Spanish message."""
    text = text.strip()
    if scale.kind == ScaleKind.CONCEPTUAL:
        wanted = text.casefold()
        for concept in _concepts(scale):
            if wanted in (concept.code.casefold(), concept.label.casefold()):
                return ScaleValue(None, concept.code)
        codes = ", ".join(concept.code for concept in _concepts(scale))
        raise ValidationError(
            _("«%(value)s» no es un concepto de la escala (use: %(codes)s).")
            % {"value": text, "codes": codes}
        )
    try:
        score = Decimal(text.replace(",", "."))
    except InvalidOperation as exc:
        raise ValidationError(_("«%(value)s» no es una nota.") % {"value": text}) from exc
    if not score.is_finite():
        raise ValidationError(_("«%(value)s» no es una nota.") % {"value": text})
    if score < scale.min_value or score > scale.max_value:
        raise ValidationError(
            _("La nota debe estar entre %(min)s y %(max)s.")
            % {"min": _plain(scale.min_value), "max": _plain(scale.max_value)}
        )
    if -score.as_tuple().exponent > scale.precision and score != score.quantize(
        Decimal(1).scaleb(-scale.precision)
    ):
        if scale.precision == 0:
            raise ValidationError(_("La nota debe ser un número entero."))
        raise ValidationError(
            _("La nota admite como máximo %(digits)d decimal(es).") % {"digits": scale.precision}
        )
    return ScaleValue(score.quantize(Decimal(1).scaleb(-scale.precision)))


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def scale_passes(scale: Any, value: ScaleValue) -> bool:
    if scale.kind == ScaleKind.CONCEPTUAL:
        return any(c.code == value.concept and c.passes for c in _concepts(scale))
    return value.score is not None and value.score >= scale.passing_value


def scale_final(scale: Any, values: Iterable[ScaleValue]) -> ScaleValue | None:
    """A subject's final value from its period values in order; None if a period is missing.

    Numeric: the mean, rounded with the scale's precision and rounding mode. Conceptual: the
    concept of the last period (the child's standing at the end of the year).
    """
    values = list(values)
    if not values or any(value is None for value in values):
        return None
    if scale.kind == ScaleKind.CONCEPTUAL:
        return values[-1]
    total = sum((value.score for value in values), Decimal(0))
    quantum = Decimal(1).scaleb(-scale.precision)
    return ScaleValue((total / len(values)).quantize(quantum, rounding=ROUNDING[scale.rounding]))
