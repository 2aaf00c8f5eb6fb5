"""The grade grid's input cells, written in one pass.

A 45-student section on a three-period plan has 135 cells of a label, an input and an error
line each: through template tags that is well over a thousand variable lookups per page, the
largest part of the page's time (docs/performance.md, "The academic modules: a synthetic
country"). The
markup is the same a template would write; every value is escaped (``html.escape`` with
quotes, the characters Django's own ``escape`` replaces).
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def grade_cells(row: Any, numeric: bool) -> SafeString:
    """The ``<td>`` of each period of one grid row: a hidden label, the input (``nota-<key>``)
    and its error line (``error-<key>``), ``aria-invalid`` on a refused value."""
    mode = 'inputmode="decimal" ' if numeric else ""
    student = escape(str(row.student))
    cells = []
    for cell in row.cells:
        key = escape(str(cell.key))
        invalid = ' aria-invalid="true"' if cell.error else ""
        cells.append(
            f'<td><label class="visually-hidden" for="nota-{key}">{student}: '
            f"{escape(str(cell.name))}</label>"
            f'<input id="nota-{key}" name="nota-{key}" value="{escape(str(cell.text))}"'
            f' class="grade-input" autocomplete="off" size="4" {mode}'
            f'aria-describedby="escala error-{key}"{invalid}>'
            f'<span class="error grade-error" id="error-{key}">'
            f"{escape(str(cell.error))}</span></td>"
        )
    return mark_safe("\n".join(cells))  # noqa: S308 (every value above is escaped)
