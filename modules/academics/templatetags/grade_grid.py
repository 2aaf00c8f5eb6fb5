"""The grade grid's input cells, written in one pass.

A 45-student section on a three-period plan has 135 cells of a label, an input and an error
line each: through template tags that is well over a thousand variable lookups per page, the
largest part of the page's time (README, "The academic modules: a synthetic country"). The
markup is the same as a template would write, escaped by ``format_html``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
INVALID = mark_safe(' aria-invalid="true"')


@register.simple_tag
def grade_cells(row: Any, numeric: bool) -> SafeString:
    """The ``<td>`` of each period of one grid row: a hidden label, the input (``nota-<key>``)
    and its error line (``error-<key>``), ``aria-invalid`` on a refused value."""
    mode = mark_safe('inputmode="decimal" ') if numeric else ""
    return format_html_join(
        "\n",
        '<td><label class="visually-hidden" for="nota-{0}">{1}: {2}</label>'
        '<input id="nota-{0}" name="nota-{0}" value="{3}" class="grade-input" autocomplete="off"'
        ' size="4" {4}aria-describedby="escala error-{0}"{5}>'
        '<span class="error grade-error" id="error-{0}">{6}</span></td>',
        (
            (
                cell.key,
                row.student,
                cell.name,
                cell.text,
                mode,
                INVALID if cell.error else "",
                cell.error,
            )
            for cell in row.cells
        ),
    )
