"""Checking an import file and reading it row by row, never whole (docs/imports.md §2).

- CSV: UTF-8 (with or without byte-order mark), else Windows-1252 / Latin-1, which is what Excel
  writes on Spanish Windows; the delimiter (comma, semicolon or tab) is sniffed from the header.
- XLSX: first worksheet, header in row 1, read with openpyxl in read-only (streaming) mode after
  the ZIP container is measured: a file whose parts would expand past ``MAX_UNCOMPRESSED`` bytes
  or by more than ``MAX_RATIO`` times is refused before it is opened. Cells with formulas are
  refused (their value depends on the program that opens the file).

Every problem is a ``FileRejected`` with a Spanish message; nothing here raises anything else.
"""

import codecs
import csv
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

import filetype
from django.utils.translation import gettext as _

from core.uploads import XLSX, detect_content_type, safe_name

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 250_000
MAX_UNCOMPRESSED = 300 * 1024 * 1024
MAX_RATIO = 100
CSV = "text/csv"
_HEAD = 64 * 1024
_CHUNK = 1024 * 1024
DELIMITERS = ",;\t"
# C0 control characters other than tab and line ends: never in a CSV made by a spreadsheet.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FileRejected(Exception):  # noqa: N818 - the file's fault, reported to the person
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str  # CSV or XLSX
    size: int
    sha256: str


def _limit_text() -> str:
    return f"{MAX_BYTES // (1024 * 1024)} MB"


def check_file(upload: Any) -> CheckedFile:
    """Size, hash and type of an uploaded file, agreeing with its extension, or ``FileRejected``."""
    import hashlib

    name = safe_name(getattr(upload, "name", ""))
    extension = os.path.splitext(name)[1].lower()
    if extension not in {".csv", ".txt", ".xlsx"}:
        raise FileRejected(
            _(
                "«%(name)s» no es un archivo CSV ni XLSX. "
                "Guarde la hoja como CSV o como libro de Excel (.xlsx)."
            )
            % {"name": name},
            code="extension",
        )
    declared = getattr(upload, "size", None)
    if declared is not None and declared > MAX_BYTES:
        raise FileRejected(
            _("«%(name)s» supera el tamaño máximo de %(limit)s. Divida el archivo en partes.")
            % {"name": name, "limit": _limit_text()},
            code="too_large",
        )
    stream = upload.file if getattr(upload, "file", None) is not None else upload
    stream.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > MAX_BYTES:
            raise FileRejected(
                _("«%(name)s» supera el tamaño máximo de %(limit)s. Divida el archivo en partes.")
                % {"name": name, "limit": _limit_text()},
                code="too_large",
            )
        digest.update(chunk)
    stream.seek(0)
    if size == 0:
        raise FileRejected(_("«%(name)s» está vacío.") % {"name": name}, code="empty")
    head = stream.read(_HEAD)
    stream.seek(0)
    is_binary = filetype.guess(head) is not None or b"\x00" in head
    if extension == ".xlsx":
        if not is_binary or detect_content_type(stream, max_bytes=MAX_BYTES) != XLSX:
            stream.seek(0)
            raise FileRejected(
                _(
                    "El contenido de «%(name)s» no es un libro de Excel (.xlsx) "
                    "aunque su nombre lo diga. "
                    "Ábralo en Excel y guárdelo como «Libro de Excel (.xlsx)», o súbalo como CSV."
                )
                % {"name": name},
                code="extension_mismatch",
            )
        stream.seek(0)
        check_zip(stream, name)
        return CheckedFile(name=name, content_type=XLSX, size=size, sha256=digest.hexdigest())
    if is_binary:
        if filetype.guess(head) is not None:
            message = _(
                "El contenido de «%(name)s» no es texto CSV aunque su nombre lo diga "
                "(parece un archivo %(kind)s). Guárdelo como CSV o súbalo con su extensión real."
            ) % {"name": name, "kind": filetype.guess(head).extension.upper()}
            raise FileRejected(message, code="extension_mismatch")
        raise FileRejected(
            _(
                "«%(name)s» no está en una codificación de texto reconocida (¿UTF-16?). "
                "Guárdelo como «CSV UTF-8 (delimitado por comas)»."
            )
            % {"name": name},
            code="encoding",
        )
    return CheckedFile(name=name, content_type=CSV, size=size, sha256=digest.hexdigest())


def check_zip(stream: IO[bytes], name: str) -> None:
    """Refuse a workbook whose parts expand too much (a compression bomb), before opening it."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            total = 0
            for info in archive.infolist():
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if total > MAX_UNCOMPRESSED or (info.file_size > 1024 * 1024 and ratio > MAX_RATIO):
                    raise FileRejected(
                        _(
                            "«%(name)s» se expande a un tamaño desproporcionado al abrirlo y no se "
                            "procesa. Guarde de nuevo la hoja con solo los datos a importar."
                        )
                        % {"name": name},
                        code="zip_bomb",
                    )
    except zipfile.BadZipFile as exc:
        raise FileRejected(
            _("«%(name)s» está dañado y no se puede abrir.") % {"name": name}, code="corrupt"
        ) from exc
    finally:
        stream.seek(0)


# --- Rows -----------------------------------------------------------------------------------


def _normalise_header(value: Any) -> str:
    text = "" if value is None else str(value)
    text = unicodedata.normalize("NFKD", text.strip().lstrip("\ufeff").casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace(" ", "_").replace("-", "_")


def _check_header(raw: Sequence[Any], columns: Sequence[str], required: set[str]) -> list[str]:
    """The column key of each header cell, in file order (headers compare without case or
    accents: «Año», «ano» and «AÑO» are the column «año»), or ``FileRejected`` for missing,
    extra or repeated columns."""
    by_norm = {_normalise_header(key): key for key in columns}
    header = [_normalise_header(cell) for cell in raw]
    while header and header[-1] == "":
        header.pop()
    if len(header) == 1 and header[0] not in by_norm and any(d in header[0] for d in "|:/"):
        raise FileRejected(
            _(
                "No se reconoce el separador de columnas del archivo. "
                "Use coma (,), punto y coma (;) "
                "o tabulador entre los valores."
            ),
            code="delimiter",
        )
    keys = [by_norm.get(norm, norm) for norm in header]
    repeated = sorted({key for key in keys if keys.count(key) > 1 and key})
    missing = [key for key in columns if key in required and key not in keys]
    extra = [
        key or _("(sin nombre)")
        for key, norm in zip(keys, header, strict=True)
        if norm not in by_norm
    ]
    problems = []
    if missing:
        problems.append(_("Faltan las columnas: %(columns)s.") % {"columns": ", ".join(missing)})
    if extra:
        problems.append(_("Columnas no reconocidas: %(columns)s.") % {"columns": ", ".join(extra)})
    if repeated:
        problems.append(_("Columnas repetidas: %(columns)s.") % {"columns": ", ".join(repeated)})
    if problems:
        problems.append(
            _(
                "La primera fila debe tener exactamente estas columnas: %(columns)s. "
                "Descargue la plantilla para ver el formato."
            )
            % {"columns": ", ".join(columns)}
        )
        raise FileRejected(" ".join(problems), code="columns")
    return keys


def _text_stream(path: str) -> io.TextIOBase:
    """The file as text: UTF-8 (BOM or not) when the whole file decodes as UTF-8, else cp1252."""
    with open(path, "rb") as raw:
        head = raw.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise FileRejected(
                _(
                    "El archivo está guardado en UTF-16. "
                    "Guárdelo como «CSV UTF-8 (delimitado por comas)»."
                ),
                code="encoding",
            )
        raw.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        encoding = "utf-8-sig"
        try:
            while chunk := raw.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            encoding = "cp1252"
    return open(path, encoding=encoding, newline="", errors="strict")


def _csv_rows(path: str) -> Iterator[list[str]]:
    with _text_stream(path) as stream:
        sample = stream.read(_HEAD)
        stream.seek(0)
        first_line = sample.splitlines()[0] if sample else ""
        try:
            dialect = csv.Sniffer().sniff(first_line or sample, delimiters=DELIMITERS)
            delimiter = dialect.delimiter
        except csv.Error:
            delimiter = ","
        reader = csv.reader(stream, delimiter=delimiter)
        try:
            for row in reader:
                if _CONTROL.search("".join(row)):
                    raise FileRejected(
                        _(
                            "El archivo contiene caracteres de control: no parece texto CSV. "
                            "Guárdelo como «CSV UTF-8 (delimitado por comas)»."
                        ),
                        code="encoding",
                    )
                yield row
        except UnicodeDecodeError as exc:
            raise FileRejected(
                _(
                    "El archivo tiene caracteres que no se pueden leer. "
                    "Guárdelo como «CSV UTF-8 (delimitado por comas)»."
                ),
                code="encoding",
            ) from exc
        except csv.Error as exc:
            raise FileRejected(
                _(
                    "El archivo CSV está mal formado cerca de la línea %(line)d "
                    "(¿comillas sin cerrar?)."
                )
                % {"line": reader.line_num},
                code="malformed",
            ) from exc


def _xlsx_cell(cell: Any, row_number: int) -> Any:
    value = cell.value
    if getattr(cell, "data_type", None) == "f" or (
        isinstance(value, str) and value.startswith("=")
    ):
        raise _Formula(getattr(cell, "coordinate", "") or f"{row_number}")
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(Decimal(str(value)))
    if value is None:
        return ""
    return value if not isinstance(value, int | Decimal) else str(value)


class _Formula(Exception):  # noqa: N818
    def __init__(self, coordinate: str) -> None:
        self.coordinate = coordinate


def _xlsx_rows(path: str) -> Iterator[list[Any]]:
    import openpyxl

    with open(path, "rb") as raw:
        check_zip(raw, os.path.basename(path))
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise FileRejected(
            _("El libro de Excel está dañado o no se puede leer."), code="corrupt"
        ) from exc
    with closing(workbook):
        sheet = workbook.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            try:
                yield [_xlsx_cell(cell, number) for cell in cells]
            except _Formula as formula:
                raise FileRejected(
                    _(
                        "La celda %(cell)s contiene una fórmula. Las importaciones solo aceptan "
                        "valores: copie la hoja y use «Pegar valores», o guárdela como CSV."
                    )
                    % {"cell": formula.coordinate},
                    code="formula",
                ) from None


def estimate_rows(path: str, content_type: str) -> int:
    """About how many data rows the file has, for the progress bar of the dry run (line breaks
    of a CSV; the declared dimension of a worksheet). Never trusted for anything else."""
    if content_type == XLSX:
        import openpyxl

        try:
            with open(path, "rb") as raw:
                check_zip(raw, os.path.basename(path))
            workbook = openpyxl.load_workbook(path, read_only=True)
            with closing(workbook):
                return max((workbook.worksheets[0].max_row or 1) - 1, 0)
        except Exception:
            return 0
    lines = 0
    with open(path, "rb") as raw:
        while chunk := raw.read(_CHUNK):
            lines += chunk.count(b"\n")
    return max(lines - 1, 0)


def read_rows(
    path: str, content_type: str, columns: Sequence[str], required: set[str]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, {column: value}) for every data row; blank rows are skipped. The header is
    checked before the first row is yielded. Raises ``FileRejected``."""
    rows = _xlsx_rows(path) if content_type == XLSX else _csv_rows(path)
    header: list[str] | None = None
    width = 0
    count = 0
    for number, raw in enumerate(rows, start=1):
        if header is None:
            header = _check_header(raw, columns, required)
            width = len(header)
            continue
        values = ["" if cell is None else cell for cell in raw]
        if not any(str(value).strip() for value in values):
            continue
        count += 1
        if count > MAX_ROWS:
            raise FileRejected(
                _("El archivo tiene más de %(max)d filas. Divídalo en varios archivos.")
                % {"max": MAX_ROWS},
                code="too_many_rows",
            )
        if len(values) > width and any(str(value).strip() for value in values[width:]):
            yield number, {"__width__": len(values)}
            continue
        values += [""] * (width - len(values))
        yield number, dict(zip(header, values[:width], strict=True))
    if header is None:
        raise FileRejected(_("El archivo no tiene filas."), code="empty")
