"""core/durations.py: the one business-duration formatter, in its two readings."""

from datetime import timedelta

import pytest

from core.durations import CLOCK, WORDS, business_duration


@pytest.mark.parametrize(
    ("delta", "words", "clock"),
    [
        (timedelta(minutes=30), "30 minutos hábiles", "30 minutos"),
        (timedelta(hours=2, minutes=15), "2,2 horas hábiles", "2 h 15 min"),
        (timedelta(hours=13), "1 día hábil y 4 horas hábiles", "13 horas"),
        (timedelta(0), "0 horas hábiles", "0 minutos"),
    ],
)
def test_one_span_in_both_readings(delta, words, clock):
    assert business_duration(delta) == words
    assert business_duration(delta, style=WORDS) == words
    assert business_duration(delta, style=CLOCK) == clock


def test_an_unknown_reading_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown duration style"):
        business_duration(timedelta(hours=1), style="reloj")
