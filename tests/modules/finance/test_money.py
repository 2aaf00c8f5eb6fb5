"""Money is Decimal to the cent, rounded half to even; spreading never loses nor creates a cent."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modules.finance.money import percent, spread, spread_monthly, to_money


def test_amounts_round_to_the_cent_half_to_even():
    assert to_money("10.005") == Decimal("10.00")
    assert to_money("10.015") == Decimal("10.02")
    assert to_money("1,250.5") == Decimal("1250.50")
    assert to_money(7) == Decimal("7.00")


@pytest.mark.parametrize("bad", [0.1, "abc", "", "NaN", "Infinity", None])
def test_floats_and_non_numbers_are_refused(bad):
    with pytest.raises(ValueError, match=r"amount|float"):
        to_money(bad)


def test_a_hundred_dollars_over_twelve_months_keeps_every_cent():
    months = spread_monthly(Decimal("100.00"))

    assert list(months) == list(range(1, 13))
    # 10000 cents / 12 = 833 rest 4: the first four months take one more cent.
    assert [months[m] for m in (1, 4, 5, 12)] == [
        Decimal("8.34"),
        Decimal("8.34"),
        Decimal("8.33"),
        Decimal("8.33"),
    ]
    assert sum(months.values()) == Decimal("100.00")


def test_largest_remainder_gives_leftover_cents_to_the_largest_fractions():
    # 1.00 by 1:1:1 → 0.333… each: one cent left, to the first (ties go to the earlier part).
    assert spread(Decimal("1.00"), [1, 1, 1]) == [Decimal("0.34"), Decimal("0.33"), Decimal("0.33")]
    # 0.10 by 1:2:7 → 0.01, 0.02, 0.07 exactly.
    assert spread(Decimal("0.10"), [1, 2, 7]) == [Decimal("0.01"), Decimal("0.02"), Decimal("0.07")]


def test_percent_is_one_decimal_half_to_even():
    assert percent(Decimal("1"), Decimal("8")) == Decimal("12.5")
    assert percent(Decimal("5"), Decimal("0")) == Decimal("0.0")


@given(
    cents=st.integers(min_value=-(10**12), max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12).filter(
        lambda w: sum(w) > 0
    ),
)
def test_spreading_never_loses_or_creates_a_cent(cents, weights):
    amount = Decimal(cents) / 100
    parts = spread(amount, weights)

    assert sum(parts) == amount
    assert all(part == part.quantize(Decimal("0.01")) for part in parts)
    # No part is more than one cent away from its exact share.
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - amount * weight / total) < Decimal("0.01")


@given(cents=st.integers(min_value=1, max_value=10**12))
def test_monthly_distribution_always_adds_up(cents):
    amount = Decimal(cents) / 100
    months = spread_monthly(amount)

    assert sum(months.values()) == amount
    assert max(months.values()) - min(months.values()) <= Decimal("0.01")
