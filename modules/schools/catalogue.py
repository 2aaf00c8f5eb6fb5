"""Reading the district catalogue file (CSV, UTF-8) into rows, reporting bad lines in Spanish.

Columns: ``municipality_code``, ``code``, ``name`` and optionally ``department_code`` (checked
against the municipality's department). Checks that need the database live in
``services.districts_import``; this module only checks the file itself.
"""

import csv
import io
import re
from pathlib import Path

from django.utils.translation import gettext as _

from .geography import DistrictRow

REQUIRED_COLUMNS = ("municipality_code", "code", "name")
OPTIONAL_COLUMNS = ("department_code",)
_DISTRICT_CODE = re.compile(r"^\d{6}$")
NAME_MAX_LENGTH = 80


def read_district_file(path: Path | str) -> tuple[list[DistrictRow], list[str]]:
    """Parse ``path``; returns the rows and the list of errors (empty when the file is good)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [], [_("No se encontró el archivo «%(path)s».") % {"path": path}]
    except UnicodeDecodeError:
        return [], [_("El archivo no está codificado en UTF-8.")]
    return parse_district_csv(text)


def parse_district_csv(text: str) -> tuple[list[DistrictRow], list[str]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [column.strip() for column in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        return [], [
            _("Línea 1: faltan las columnas %(columns)s.") % {"columns": ", ".join(missing)}
        ]
    reader.fieldnames = header
    rows: list[DistrictRow] = []
    errors: list[str] = []
    first_line_of_code: dict[str, int] = {}
    first_line_of_name: dict[tuple[str, str], int] = {}
    for record in reader:
        line = reader.line_num
        if None in record:
            errors.append(
                _("Línea %(line)s: tiene más columnas que el encabezado.") % {"line": line}
            )
            continue
        values = {key: (value or "").strip() for key, value in record.items()}
        if not any(values.values()):
            continue  # a blank line
        row = DistrictRow(
            line=line,
            municipality_code=values["municipality_code"],
            code=values["code"],
            name=values["name"],
            department_code=values.get("department_code", ""),
        )
        row_errors = _row_errors(row, first_line_of_code, first_line_of_name)
        errors.extend(row_errors)
        if not row_errors:
            first_line_of_code[row.code] = line
            first_line_of_name[(row.municipality_code, row.name.casefold())] = line
            rows.append(row)
    if not rows and not errors:
        errors.append(_("El archivo no contiene distritos."))
    return rows, errors


def _row_errors(
    row: DistrictRow,
    first_line_of_code: dict[str, int],
    first_line_of_name: dict[tuple[str, str], int],
) -> list[str]:
    errors = []
    context = {"line": row.line, "code": row.code, "name": row.name}
    if not _DISTRICT_CODE.match(row.code):
        errors.append(
            _("Línea %(line)s: el código de distrito «%(code)s» debe tener 6 dígitos.") % context
        )
    elif row.code in first_line_of_code:
        errors.append(
            _("Línea %(line)s: el código «%(code)s» ya aparece en la línea %(first)s.")
            % {**context, "first": first_line_of_code[row.code]}
        )
    if not row.municipality_code:
        errors.append(_("Línea %(line)s: falta el código del municipio.") % context)
    if not row.name:
        errors.append(_("Línea %(line)s: falta el nombre del distrito.") % context)
    elif len(row.name) > NAME_MAX_LENGTH:
        errors.append(
            _("Línea %(line)s: el nombre tiene más de %(max)s caracteres.")
            % {**context, "max": NAME_MAX_LENGTH}
        )
    elif (row.municipality_code, row.name.casefold()) in first_line_of_name:
        errors.append(
            _("Línea %(line)s: el distrito «%(name)s» ya aparece en la línea %(first)s.")
            % {**context, "first": first_line_of_name[(row.municipality_code, row.name.casefold())]}
        )
    return errors
