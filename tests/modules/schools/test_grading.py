"""Marks validated against grading scales stored as data: numeric (range, precision, rounding)
and conceptual (parvularia)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from modules.schools.grading import Mark, mark_validate
from modules.schools.models import GradingScale
from tests.national_data import ensure_national_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def scales():
    ensure_national_data()
    return {scale.code: scale for scale in GradingScale.objects.prefetch_related("concepts")}


@pytest.mark.parametrize(
    ("raw", "value", "passes"),
    [
        ("6", Decimal("6.0"), True),
        ("5,95", Decimal("6.0"), True),  # comma decimal, rounded half up to one decimal
        ("5.94", Decimal("5.9"), False),
        (10, Decimal("10.0"), True),
        (" 0 ", Decimal("0.0"), False),
    ],
)
def test_media_marks_pass_from_six(scales, raw, value, passes):
    assert mark_validate(scales["media-0-10"], raw) == Mark(value=value, concept="", passes=passes)


def test_basica_passing_mark_is_five_and_data_driven(scales):
    basica = scales["basica-0-10"]
    assert mark_validate(basica, "5").passes is True
    assert mark_validate(basica, "4.9").passes is False

    basica.passing_value = Decimal(6)
    assert mark_validate(basica, "5").passes is False


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("10.1", "La calificación debe estar entre 0 y 10."),
        ("-1", "La calificación debe estar entre 0 y 10."),
        ("siete", "«siete» no es un número."),
        ("NaN", "«NaN» no es un número."),
        ("", "Escriba una calificación."),
    ],
)
def test_numeric_marks_outside_the_scale_are_refused(scales, raw, message):
    with pytest.raises(ValidationError) as info:
        mark_validate(scales["media-0-10"], raw)
    assert info.value.messages == [message]


@pytest.mark.parametrize(
    ("rounding", "raw", "expected"),
    [
        ("half_up", "7.25", Decimal("7.3")),
        ("half_even", "7.25", Decimal("7.2")),
        ("down", "7.29", Decimal("7.2")),
        ("up", "7.21", Decimal("7.3")),
    ],
)
def test_rounding_modes(scales, rounding, raw, expected):
    scale = scales["media-0-10"]
    scale.rounding = rounding
    assert mark_validate(scale, raw).value == expected


def test_an_integer_scale_rounds_to_whole_marks(scales):
    scale = scales["media-0-10"]
    scale.precision = 0
    assert mark_validate(scale, "5.5").value == Decimal("6")


def test_conceptual_scale_accepts_its_concepts_and_says_which_pass(scales):
    scale = scales["parvularia-conceptual"]

    assert mark_validate(scale, "ep") == Mark(value=None, concept="EP", passes=True)
    assert mark_validate(scale, "NL") == Mark(value=None, concept="NL", passes=False)
    with pytest.raises(ValidationError) as info:
        mark_validate(scale, "8")
    assert info.value.messages == ["Use uno de estos conceptos: EX, LH, EP, NL."]
