"""Streaming CSV exports that spreadsheets cannot turn into formulas (ASVS 1.2.10).

Every app that offers a CSV download builds it with ``csv_response`` (or ``csv_stream``), so
no cell a user controls can start a formula when the file is opened in Excel or LibreOffice.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse

# A cell starting with one of these is read as a formula (or a DDE call) by spreadsheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_csv_cell(value: Any) -> str:
    """The text of one cell, with a leading single quote when it could start a formula.

    Numbers are written as they are (a negative number is not a formula and must stay a
    number); every other value, whatever its type, is turned into text and checked.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    else:
        text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose ``write`` returns the text, so ``csv.writer`` yields lines."""

    def write(self, value: str) -> str:
        return value


def csv_stream(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """CSV lines (header first), every cell passed through ``safe_csv_cell``.

    Starts with a byte-order mark so spreadsheets read the UTF-8 accents correctly.
    """
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([safe_csv_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([safe_csv_cell(cell) for cell in row])


def csv_response(
    filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]
) -> StreamingHttpResponse:
    """A streamed CSV download (rows are produced while the response is sent)."""
    response = StreamingHttpResponse(
        csv_stream(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
