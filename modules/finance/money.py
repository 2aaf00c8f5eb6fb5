"""Money in SIGES finance: US dollars as ``Decimal`` with two places, never ``float``.

Rounding rule (docs/domain.md, "School finances"): any computed amount is quantised to the cent
with ``ROUND_HALF_EVEN`` (banker's rounding), so rounding many amounts has no upward bias. A
total is always the exact sum of stored cents. Spreading an amount over months uses the largest
remainder method, so the months always add up to the amount: no cent is lost or created.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_DIGITS = 14
DECIMAL_PLACES = 2
MAX_AMOUNT = Decimal("999999999999.99")
MONTHS = tuple(range(1, 13))


def to_money(value: object) -> Decimal:
    """``value`` as a dollar amount rounded to the cent (half to even); ``ValueError`` if it
    is not a number (floats are refused: they cannot hold cents exactly)."""
    if isinstance(value, float):
        raise ValueError("money is never a float")
    try:
        amount = (
            Decimal(str(value).strip().replace(",", ""))
            if isinstance(value, str)
            else Decimal(value)
        )
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


def money_sum(amounts: Iterable[Decimal | None]) -> Decimal:
    """The exact sum of amounts (``None`` counts as zero)."""
    return sum((a for a in amounts if a is not None), ZERO)


def spread(amount: Decimal, weights: Sequence[int | Decimal]) -> list[Decimal]:
    """Split ``amount`` in proportion to ``weights`` so the parts add up to it exactly.

    Largest remainder: each part is first cut down to the cent, then the cents left over go
    one by one to the parts whose cut-off remainder was largest (earlier parts win ties).
    """
    amount = to_money(amount)
    weights = [Decimal(w) for w in weights]
    if not weights or any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative and not empty")
    total_weight = sum(weights)
    if total_weight == 0:
        raise ValueError("at least one weight must be positive")
    sign = -1 if amount < 0 else 1
    cents = int(abs(amount) / CENT)
    exact = [Decimal(cents) * w / total_weight for w in weights]
    floors = [int(x.to_integral_value(rounding=ROUND_DOWN)) for x in exact]
    left = cents - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for index in order[:left]:
        floors[index] += 1
    return [sign * Decimal(part) * CENT for part in floors]


def spread_monthly(amount: Decimal, months: Sequence[int] = MONTHS) -> dict[int, Decimal]:
    """``amount`` spread evenly over ``months`` (1 to 12), the cents left over going to the
    earliest months; the parts add up to ``amount`` exactly."""
    months = sorted(set(months))
    if not months or any(m not in MONTHS for m in months):
        raise ValueError("months are 1..12")
    return dict(zip(months, spread(amount, [1] * len(months)), strict=True))


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """``part`` as a percentage of ``whole`` with one decimal (half to even); 0 when whole is 0."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
