"""Downloads of finance figures: CSV through ``core.exports`` and XLSX with openpyxl, both with
formula injection neutralised (every text cell goes through ``safe_csv_cell``)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

from core.exports import csv_response, safe_csv_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value  # openpyxl writes Decimal as a number, exactly as typed
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return safe_csv_cell(value)


def xlsx_response(
    filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]], *, title: str = "Datos"
) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([safe_csv_cell(cell) for cell in header])
    for row in rows:
        sheet.append([_xlsx_cell(cell) for cell in row])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def table_response(
    fmt: str, basename: str, header: list[Any], rows: list[list[Any]]
) -> HttpResponse | None:
    """A CSV or XLSX download of ``rows`` for ``fmt`` ("csv" / "xlsx"); ``None`` otherwise."""
    if fmt == "csv":
        return csv_response(f"{basename}.csv", header, rows)
    if fmt == "xlsx":
        return xlsx_response(f"{basename}.xlsx", header, rows)
    return None
