"""The grade grid's cells written by ``grade_cells``: the same markup as before, escaped."""

from modules.academics.summaries import GridCell, GridRow
from modules.academics.templatetags.grade_grid import grade_cells


def test_cells_carry_the_key_the_label_and_the_typed_value_escaped():
    row = GridRow(
        7,
        'Pérez, <b>Ana</b> "la"',
        [GridCell(3, "Primer trimestre", '9"><script>', "Fuera de escala", "7-3")],
        "",
        None,
    )

    html = str(grade_cells(row, True))

    assert 'id="nota-7-3" name="nota-7-3"' in html
    assert 'value="9&quot;&gt;&lt;script&gt;"' in html
    assert "Pérez, &lt;b&gt;Ana&lt;/b&gt; &quot;la&quot;: Primer trimestre" in html
    assert 'inputmode="decimal" aria-describedby="escala error-7-3" aria-invalid="true">' in html
    assert '<span class="error grade-error" id="error-7-3">Fuera de escala</span>' in html
    assert "<script>" not in html


def test_a_conceptual_scale_has_no_numeric_keyboard_and_a_valid_cell_no_flag():
    row = GridRow(1, "Ana", [GridCell(2, "P1", "MB", "", "1-2")], "MB", True)

    html = str(grade_cells(row, False))

    assert "inputmode" not in html
    assert "aria-invalid" not in html
