"""Each kind of bad file gets a clear Spanish error, never a 500, and nothing is written."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.imports import reading
from core.imports.lifecycles import JobStatus
from core.imports.models import ImportJob
from core.imports.services import job_create
from modules.students.models import Student

from .conftest import STUDENT_HEADER, csv_bytes, student_rows, xlsx_bytes

pytestmark = pytest.mark.django_db


def refused_at_upload(user, content: bytes, name: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        job_create(actor=user, kind="students", upload=SimpleUploadedFile(name, content))
    assert ImportJob.objects.count() == 0
    return caught.value


def report(job) -> list[tuple[int, str, str]]:
    return list(job.row_errors.values_list("row", "column", "message"))


def test_a_utf16_file_is_refused_with_the_encoding_to_use(campus):
    content = csv_bytes(STUDENT_HEADER, student_rows(2), encoding="utf-16")

    error = refused_at_upload(campus["admin"], content, "alumnos.csv")

    assert "CSV UTF-8" in error.message_dict["file"][0]


def test_a_windows_1252_file_is_read_with_its_accents(campus, upload, start):
    content = csv_bytes(STUDENT_HEADER, student_rows(2), encoding="cp1252")

    job = start(campus["admin"], upload(campus["admin"], "students", content))

    assert job.status == JobStatus.DONE
    assert Student.objects.get(nie=1).person.first_names == "Niña 1"


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_files_are_sniffed(campus, upload, delimiter):
    rows = [row.replace(",", delimiter) for row in student_rows(3)]
    content = csv_bytes(STUDENT_HEADER.replace(",", delimiter), rows)

    assert upload(campus["admin"], "students", content).status == JobStatus.READY


def test_an_unknown_delimiter_is_reported(campus, upload):
    rows = [row.replace(",", "|") for row in student_rows(3)]

    job = upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER.replace(",", "|"), rows))

    assert job.status == JobStatus.REJECTED
    [(row, _column, message)] = report(job)
    assert row == 0
    assert "separador" in message
    assert Student.objects.count() == 0


def test_missing_and_extra_columns_are_named(campus, upload):
    header = STUDENT_HEADER.replace("apellidos,", "").replace("turno", "jornada")
    rows = [",".join(r.split(",")[:2] + r.split(",")[3:]) for r in student_rows(2)]

    job = upload(campus["admin"], "students", csv_bytes(header, rows))

    assert job.status == JobStatus.REJECTED
    [(_row, _column, message)] = report(job)
    assert "Faltan las columnas: apellidos, turno." in message
    assert "Columnas no reconocidas: jornada." in message


def test_a_row_with_more_values_than_columns_is_reported(campus, upload):
    rows = student_rows(2)
    rows[1] += ",sobra"

    job = upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, rows))

    assert job.status == JobStatus.REJECTED
    assert report(job)[0][0] == 3


def test_dates_in_the_wrong_format_are_reported_and_iso_is_accepted(campus, upload):
    rows = student_rows(3)
    rows[0] = rows[0].replace("25/01/2019", "2019-01-25")  # ISO: accepted
    rows[1] = rows[1].replace("25/01/2019", "01-25-2019")
    rows[2] = rows[2].replace("25/01/2019", "31/02/2019")

    job = upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, rows))

    assert job.status == JobStatus.REJECTED
    problems = job.row_errors.order_by("row")
    assert [(e.row, e.column) for e in problems] == [
        (3, "fecha_nacimiento"),
        (4, "fecha_nacimiento"),
    ]
    assert "dd/mm/aaaa" in problems[0].hint
    assert job.error_rows == 2
    assert job.total_rows == 3


def test_a_dui_with_a_bad_check_digit_is_reported(campus, upload):
    rows = student_rows(1)
    rows[0] = rows[0].replace(",F,,", ",F,01234567-0,")

    job = upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, rows))

    [(row, column, message)] = report(job)
    assert (row, column) == (2, "dui")
    assert "dígito verificador" in message


def test_a_workbook_with_formulas_is_refused(campus, upload):
    header = STUDENT_HEADER.split(",")
    good = student_rows(1)[0].split(",")
    with_formula = list(good)
    with_formula[0] = "=1+1"
    content = xlsx_bytes([header, good, with_formula])

    job = upload(campus["admin"], "students", content, name="alumnos.xlsx")

    assert job.status == JobStatus.REJECTED
    [(_row, _column, message)] = report(job)
    assert "A3" in message
    assert "fórmula" in message
    assert Student.objects.count() == 0


def test_a_clean_workbook_is_imported(campus, upload, start):
    header = STUDENT_HEADER.split(",")
    rows = [row.split(",") for row in student_rows(3)]

    job = start(
        campus["admin"], upload(campus["admin"], "students", xlsx_bytes([header, *rows]), "a.xlsx")
    )

    assert job.status == JobStatus.DONE
    assert job.created_count == 3


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "alumnos.csv"),
        (csv_bytes(STUDENT_HEADER, student_rows(1)), "alumnos.xlsx"),
        (b"%PDF-1.4\n" + b"x" * 200, "alumnos.xlsx"),
    ],
)
def test_a_file_that_is_not_what_its_extension_says_is_refused(campus, content, name):
    error = refused_at_upload(campus["admin"], content, name)

    assert "no es" in error.message_dict["file"][0]


def test_a_compression_bomb_is_refused_before_it_is_opened(campus):
    buffer = io.BytesIO(xlsx_bytes([STUDENT_HEADER.split(",")]))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/relleno.bin", b"\x00" * (8 * 1024 * 1024))

    error = refused_at_upload(campus["admin"], buffer.getvalue(), "alumnos.xlsx")

    assert "desproporcionado" in error.message_dict["file"][0]


def test_a_file_above_the_size_limit_is_refused(campus, monkeypatch):
    monkeypatch.setattr(reading, "MAX_BYTES", 100)

    error = refused_at_upload(campus["admin"], csv_bytes(STUDENT_HEADER, student_rows(5)), "a.csv")

    assert "tamaño máximo" in error.message_dict["file"][0]


def test_an_empty_file_and_a_header_only_file_are_refused(campus, upload):
    error = refused_at_upload(campus["admin"], b"", "a.csv")
    assert "vacío" in error.message_dict["file"][0]

    job = upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, []))

    assert job.status == JobStatus.REJECTED
    assert "no tiene filas" in job.message


def test_an_unknown_school_section_or_year_is_reported_per_column(campus, upload):
    rows = student_rows(3)
    rows[0] = rows[0].replace("IMP-001", "NO-EXISTE")
    rows[1] = rows[1].replace(",2026,", ",2031,")
    rows[2] = rows[2].replace(",A,matutino", ",Z,matutino")

    job = upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, rows))

    columns = [(e.row, e.column) for e in job.row_errors.order_by("row")]
    assert columns == [(2, "codigo_centro"), (3, "año"), (4, "seccion")]


def test_the_same_nie_twice_in_a_file_is_reported_on_the_second_row(campus, upload):
    rows = student_rows(2) + student_rows(1)

    job = upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, rows))

    assert report(job)[0][:2] == (4, "nie")


def test_a_file_with_too_many_rows_is_refused_whole(campus, upload, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 3)

    job = upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, student_rows(5)))

    assert job.status == JobStatus.REJECTED
    assert "más de 3 filas" in job.message
    assert Student.objects.count() == 0


def test_a_damaged_workbook_is_reported(campus, upload):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "esto no es xml")

    job = upload(campus["admin"], "students", buffer.getvalue(), name="alumnos.xlsx")

    assert job.status == JobStatus.REJECTED
    assert "dañado" in job.message


@pytest.mark.parametrize("nie", ["²", "١٢"])
def test_a_nie_that_is_not_plain_digits_is_reported_on_its_row(campus, upload, nie):
    # "²" and "١٢" are digits to str.isdigit(); int("²") failed while the file was checked.
    rows = student_rows(2)
    rows[1] = nie + rows[1][1:]

    job = upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, rows))

    assert job.status == JobStatus.REJECTED
    [(row, column, message)] = report(job)
    assert (row, column) == (3, "nie")
    assert message == f"«{nie}» no es un número entero."
    assert Student.objects.count() == 0
