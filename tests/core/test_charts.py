"""The charts helper: the data Chart.js reads (json_script) and the table beside each chart."""

import json
import re

import pytest
from django.template.loader import render_to_string

from core.charts import PALETTE, Series, bar_chart, line_chart
from tests.core.test_security_headers import assert_csp_clean


def sample_chart():
    return bar_chart(
        key="Por cola",
        title="Casos por cola",
        category_header="Cola",
        categories=["Soporte <técnico>", "Títulos"],
        series=[
            Series("Pendientes", [3, 0]),
            Series("Vencidos", [1, None], colour="#a31f1f"),
        ],
        horizontal=True,
    )


def test_the_payload_is_what_charts_js_reads():
    chart = sample_chart()

    assert chart.data_id == "grafico-por-cola-datos"
    assert chart.payload == {
        "kind": "bar",
        "title": "Casos por cola",
        "labels": ["Soporte <técnico>", "Títulos"],
        "horizontal": True,
        "stacked": False,
        "height": 90 + 2 * 2 * 30,  # two categories, two bars each
        "datasets": [
            {
                "label": "Pendientes",
                "values": [3, 0],
                "colour": PALETTE[0],
                "stack": None,
                "dashed": False,
            },
            {
                "label": "Vencidos",
                "values": [1, None],
                "colour": "#a31f1f",
                "stack": None,
                "dashed": False,
            },
        ],
    }


def test_stacked_bars_take_one_row_per_stack():
    chart = bar_chart(
        key="carga",
        title="Carga",
        category_header="Técnico",
        categories=["Ana", "Luis", "Marta"],
        series=[
            Series("Abiertos", [1, 2, 3], stack="estado"),
            Series("En proceso", [0, 1, 0], stack="estado"),
            Series("Vencidos", [0, 0, 1], stack="vencidos"),
        ],
        horizontal=True,
        stacked=True,
    )

    assert chart.height == 90 + 3 * 2 * 30


def test_a_series_needs_one_value_per_category():
    with pytest.raises(ValueError, match="Pendientes"):
        bar_chart(
            key="x",
            title="x",
            category_header="x",
            categories=["a", "b"],
            series=[Series("Pendientes", [1])],
        )


def test_the_include_hands_the_data_over_as_json_and_keeps_the_table():
    html = render_to_string("charts/_chart.html", {"chart": sample_chart()})

    block = re.search(
        r'<script id="grafico-por-cola-datos" type="application/json">(.*?)</script>', html
    )
    assert block is not None
    assert json.loads(block.group(1)) == sample_chart().payload
    # The "<" of a label cannot close the block early: json_script escapes it.
    assert "Soporte <técnico>" not in block.group(1)
    assert 'class="chart chart--beside"' in html
    assert 'data-chart="grafico-por-cola-datos" hidden' in html  # shown once drawn
    assert '<canvas role="img" aria-label="Casos por cola">' in html
    assert '<th scope="col" class="num">Pendientes</th>' in html
    assert '<th scope="row">Soporte &lt;técnico&gt;</th>' in html
    assert re.search(
        r'<th scope="row">Títulos</th>\s*<td class="num">0</td><td class="num">—</td>', html
    )
    assert '<details class="chart-table" open>' in html
    assert 'data-chartjs-src="/static/vendor/chartjs/chart.umd.min.js"' in html
    assert_csp_clean(html)


def test_a_long_table_folds_once_the_chart_is_drawn():
    chart = line_chart(
        key="diario",
        title="Por día",
        category_header="Día",
        categories=["lun 1/12", "mar 2/12"],
        series=[Series("Creados", [1, 2]), Series("Resueltos", [0, 1], dashed=True)],
        fold_table=True,
    )

    html = render_to_string("charts/_chart.html", {"chart": chart})

    assert chart.payload["kind"] == "line"
    assert chart.payload["datasets"][1]["dashed"] is True
    assert '<details class="chart-table" open data-chart-fold>' in html
    # A folded table would leave a hole beside the chart: it goes below it
    assert chart.table_beside is False
    assert '<div class="chart">' in html


def test_a_table_of_many_series_goes_below_the_chart():
    chart = bar_chart(
        key="estados",
        title="Por estado",
        category_header="Técnico",
        categories=["Ana"],
        series=[Series(name, [1]) for name in ("Nuevo", "Abierto", "En proceso", "Vencidos")],
    )

    html = render_to_string("charts/_chart.html", {"chart": chart})

    assert chart.table_beside is False
    assert '<div class="chart">' in html
