"""Example files an importer offers for download: its columns and one example row."""

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _

from core.exports import csv_response

from .registry import Importer


def template_csv(importer: Importer) -> HttpResponse:
    header = importer.column_keys()
    example = [column.example for column in importer.columns]
    return csv_response(f"plantilla-{importer.kind}.csv", header, [example])


def template_xlsx(importer: Importer) -> HttpResponse:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = str(importer.label)[:31]
    sheet.append(importer.column_keys())
    # Every example is written as text, so codes keep their leading zeros.
    sheet.append([column.example for column in importer.columns])
    for row in sheet.iter_rows(min_row=2, max_row=2):
        for cell in row:
            cell.number_format = "@"
    notes = workbook.create_sheet(_("Columnas"))
    notes.append([_("columna"), _("nombre"), _("descripción"), _("ejemplo"), _("obligatoria")])
    for column in importer.columns:
        notes.append(
            [
                column.key,
                str(column.label),
                str(column.description),
                column.example,
                "sí" if column.required else "no",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="plantilla-{importer.kind}.xlsx"'
    return response
