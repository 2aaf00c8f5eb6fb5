"""core.widgets.PlainSelect writes exactly what Django's Select template writes."""

import pytest
from django import forms

from core.widgets import PlainSelect


@pytest.mark.parametrize(
    ("choices", "value", "attrs"),
    [
        (
            [("", "Elija <una>"), (1, "A & B"), (2, 'Cola "x"')],
            2,
            {"id": "id_q", "required": True, "aria-describedby": "x"},
        ),
        ([("g1", [(1, "uno"), (2, "dos")]), (3, "tres")], "1", {"id": "id_g", "disabled": False}),
        ([("a", "A")], None, None),
        ([], None, {"class": "c"}),
    ],
)
def test_the_html_is_djangos_byte_for_byte(choices, value, attrs):
    expected = forms.Select(choices=choices).render("campo", value, attrs)
    assert PlainSelect(choices=choices).render("campo", value, attrs) == expected


def test_a_multiple_choice_keeps_every_selected_option():
    class Multiple(PlainSelect):
        allow_multiple_selected = True

    choices = [(1, "uno"), (2, "dos"), (3, "tres")]
    expected = forms.SelectMultiple(choices=choices).render("c", [1, 3], {"id": "m"})
    assert Multiple(choices=choices).render("c", [1, 3], {"id": "m", "multiple": True}) == expected
