"""core/uploads.py: checks by content (size limit, allow-list by the file-type library, Office
parts and macros, extension agreement), and the help desk's limits from its settings."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core import uploads
from core.uploads import DOCX, JPEG, PDF, PNG, TEXT, XLSX, UploadLimits, safe_name
from helpdesk.conf import upload_limits, validate_upload

LIMITS = UploadLimits(max_bytes=10 * 1024 * 1024, max_files=5)


def check_upload(upload, limits=LIMITS):
    return uploads.check_upload(upload, limits=limits)


def check_uploads(files, limits=LIMITS):
    return uploads.check_uploads(files, limits=limits)


def office_file(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in ("[Content_Types].xml", *parts):
            archive.writestr(part, "<xml/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, declared: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=declared)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("acta.pdf", b"%PDF-1.7\n...", PDF),
        ("foto.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", PNG),
        ("foto.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG),
        ("foto.jpeg", b"\xff\xd8\xff\xe1\x00\x10Exif", JPEG),
        ("nota.txt", "Constancia de matrícula — año 2026\r\n".encode(), TEXT),
        ("datos.csv", b"nie,nombre\n10000001,Ana\n", TEXT),
        ("solicitud.docx", office_file("word/document.xml"), DOCX),
        ("notas.xlsx", office_file("xl/workbook.xml"), XLSX),
        ("sin-extension", b"%PDF-1.4\n", PDF),
    ],
)
def test_allowed_types_are_recognised_by_content(name, content, expected):
    checked = check_upload(upload(name, content, declared="text/html"))
    assert checked.content_type == expected
    assert checked.size == len(content)
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("programa.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("pagina.html", b"<html><script>alert(1)</script></html>\x00"),
        ("archivo.zip", office_file("otra/cosa.xml")),
        ("macro.docx", office_file("word/document.xml", "word/vbaProject.bin")),
        ("roto.docx", b"PK\x03\x04 not really a zip"),
        ("binario.txt", b"texto\x00con nulos"),
        ("latin1.txt", "año".encode("latin-1")),
        ("imagen.gif", b"GIF89a\x01\x00\x01\x00"),
        ("hoja.xlsx", office_file("xl/styles.xml")),  # looks like a workbook, has no workbook
        ("audio.txt", b"ID3\x03\x00\x00\x00\x00\x00\x00texto"),  # known to the library
    ],
)
def test_other_content_is_refused(name, content):
    with pytest.raises(ValidationError) as excinfo:
        check_upload(upload(name, content, declared="application/pdf"))
    assert excinfo.value.code == "type_not_allowed"


def test_a_document_called_a_workbook_is_refused_by_its_extension():
    with pytest.raises(ValidationError) as excinfo:
        check_upload(upload("hoja.xlsx", office_file("word/document.xml")))
    assert excinfo.value.code == "extension_mismatch"


def test_extension_must_agree_with_content():
    with pytest.raises(ValidationError) as excinfo:
        check_upload(upload("foto.pdf", b"\x89PNG\r\n\x1a\n"))
    assert excinfo.value.code == "extension_mismatch"
    assert excinfo.value.messages == [
        "El contenido de «foto.pdf» no corresponde a su extensión .pdf."
    ]


def test_size_limit():
    limits = UploadLimits(max_bytes=1024, max_files=5)
    assert check_upload(upload("a.pdf", b"%PDF-" + b"x" * 1019), limits).size == 1024
    with pytest.raises(ValidationError) as excinfo:
        check_upload(upload("b.pdf", b"%PDF-" + b"x" * 1020), limits)
    assert excinfo.value.code == "too_large"
    assert excinfo.value.messages == ["«b.pdf» supera el tamaño máximo de 1 KB."]


def test_size_is_measured_not_trusted():
    # A file object that under-reports its size is still measured by reading it.
    liar = upload("c.pdf", b"%PDF-" + b"x" * 200)
    liar.size = 10
    with pytest.raises(ValidationError) as excinfo:
        check_upload(liar, UploadLimits(max_bytes=100, max_files=5))
    assert excinfo.value.code == "too_large"


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        check_upload(upload("vacio.txt", b""))
    assert excinfo.value.code == "empty"


def test_at_most_n_files_per_message():
    files = [upload(f"{i}.txt", b"hola") for i in range(3)]
    with pytest.raises(ValidationError) as excinfo:
        check_uploads(files, UploadLimits(max_bytes=1024, max_files=2))
    assert excinfo.value.messages == ["Puede adjuntar como máximo 2 archivos por mensaje."]


def test_every_bad_file_is_reported():
    with pytest.raises(ValidationError) as excinfo:
        check_uploads([upload("a.txt", b""), upload("b.txt", b"ok"), upload("c.exe", b"MZ\x00")])
    assert len(excinfo.value.messages) == 2


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ana\\acta.pdf", "acta.pdf"),
        ("ma\x00la\x1b.pdf", "mala.pdf"),
        ("", "archivo"),
        ("...", "archivo"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_safe_name(given, expected):
    assert safe_name(given) == expected


def test_the_help_desk_reads_its_limits_from_its_settings(settings):
    settings.HELPDESK_MAX_UPLOAD_BYTES = 1024
    settings.HELPDESK_MAX_FILES_PER_ENTRY = 2

    assert upload_limits() == UploadLimits(max_bytes=1024, max_files=2)
    validate_upload(upload("a.pdf", b"%PDF-" + b"x" * 1019))
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload("b.pdf", b"%PDF-" + b"x" * 1020))
    assert excinfo.value.code == "too_large"
