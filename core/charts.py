"""Charts for every module: describe one in Python (categories, series of numbers), show it with
``{% include "charts/_chart.html" with chart=chart %}``. The browser draws it with Chart.js
(vendored in ``static/vendor/chartjs/``, loaded by ``static/js/charts.js``) from the chart's data in
a ``json_script`` block, so the strict CSP holds (no inline code, no eval); the same numbers are
always in a table beside the chart, for screen readers and for browsers without JavaScript.

    chart = bar_chart(
        key="pendientes", title=_("Casos pendientes por cola"), category_header=_("Cola"),
        categories=[queue.name for queue in queues],
        series=[Series(_("Pendientes"), [queue.active for queue in queues])],
        horizontal=True,
    )
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.text import slugify

# Distinguishable for the common colour-vision deficiencies, each with at least 4.5:1 contrast
# on white (the table carries the same numbers in any case).
PALETTE = ("#0b4f8a", "#b35900", "#1d6b35", "#8a1c7c", "#4a5562", "#a31f1f")

# Pixels per category on a horizontal bar chart, and around the bars (axis, legend).
_ROW_HEIGHT = 30
_FRAME_HEIGHT = 90
_LINE_HEIGHT = 280


@dataclass(frozen=True)
class Series:
    """One set of values, one per category, drawn in one colour (``PALETTE`` in order unless
    given). Bars with the same ``stack`` pile up; a ``dashed`` line is told apart without colour."""

    label: str
    values: Sequence[int | float | None]
    colour: str | None = None
    stack: str | None = None
    dashed: bool = False


@dataclass(frozen=True)
class Chart:
    key: str
    kind: Literal["bar", "line"]
    title: str
    category_header: str
    categories: list[str]
    series: list[Series]
    horizontal: bool = False
    stacked: bool = False
    description: str = ""
    # Long tables (a day per row) start folded once the chart is drawn.
    fold_table: bool = False

    def __post_init__(self) -> None:
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(f"{series.label}: one value per category is needed")

    @property
    def data_id(self) -> str:
        return f"grafico-{slugify(self.key)}-datos"

    @property
    def height(self) -> int:
        """The drawing's height in CSS pixels: enough room per bar for a readable label."""
        if self.kind == "bar" and self.horizontal:
            # Side by side: one bar per series, or per stack when series pile up.
            per_category = len({s.stack for s in self.series}) if self.stacked else len(self.series)
            return _FRAME_HEIGHT + max(len(self.categories) * per_category, 1) * _ROW_HEIGHT
        return _LINE_HEIGHT

    @property
    def table_beside(self) -> bool:
        """On a wide screen a narrow open table (up to three series) sits beside the chart; a
        wider or folded one goes below it, and the chart takes the whole width."""
        return len(self.series) <= 3 and not self.fold_table

    @property
    def rows(self) -> list[tuple[str, list[int | float | None]]]:
        """(category, its value in each series): the table."""
        return [
            (category, [series.values[index] for series in self.series])
            for index, category in enumerate(self.categories)
        ]

    @property
    def payload(self) -> dict[str, Any]:
        """What ``static/js/charts.js`` reads (through ``json_script``)."""
        return {
            "kind": self.kind,
            "title": self.title,
            "labels": self.categories,
            "horizontal": self.horizontal,
            "stacked": self.stacked,
            "height": self.height,
            "datasets": [
                {
                    "label": series.label,
                    "values": list(series.values),
                    "colour": series.colour or PALETTE[index % len(PALETTE)],
                    "stack": series.stack,
                    "dashed": series.dashed,
                }
                for index, series in enumerate(self.series)
            ],
        }


def bar_chart(
    *,
    key: str,
    title: Any,
    category_header: Any,
    categories: Sequence[Any],
    series: Sequence[Series],
    horizontal: bool = False,
    stacked: bool = False,
    description: Any = "",
    fold_table: bool = False,
) -> Chart:
    """Bars per category; ``horizontal`` reads best with long names on a phone."""
    return Chart(
        key=key,
        kind="bar",
        title=str(title),
        category_header=str(category_header),
        categories=[str(c) for c in categories],
        series=list(series),
        horizontal=horizontal,
        stacked=stacked,
        description=str(description),
        fold_table=fold_table,
    )


def line_chart(
    *,
    key: str,
    title: Any,
    category_header: Any,
    categories: Sequence[Any],
    series: Sequence[Series],
    description: Any = "",
    fold_table: bool = False,
) -> Chart:
    """Lines over ordered categories (days, months)."""
    return Chart(
        key=key,
        kind="line",
        title=str(title),
        category_header=str(category_header),
        categories=[str(c) for c in categories],
        series=list(series),
        description=str(description),
        fold_table=fold_table,
    )
