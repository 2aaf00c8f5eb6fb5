"""Checking uploaded files by their content, for every app that accepts files (docs/security.md).

A file is accepted when it is not empty, not larger than the caller's ``UploadLimits``, and its
bytes are one of the allowed types: PDF, PNG, JPEG, plain UTF-8 text, or an Office Open XML
document (docx) or workbook (xlsx). The type is recognised by the ``filetype`` library from the
file's first bytes; an Office file is then opened to confirm its parts and refused when it carries
macros. The name's extension, when it has one, must agree with the content. The browser's
declared content type is ignored. Callers store files under random names.
"""

import hashlib
import os
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TEXT = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Content type → extensions a name may carry for it.
ALLOWED_TYPES: dict[str, frozenset[str]] = {
    PDF: frozenset({".pdf"}),
    PNG: frozenset({".png"}),
    JPEG: frozenset({".jpg", ".jpeg", ".jfif"}),
    TEXT: frozenset({".txt", ".csv", ".log"}),
    DOCX: frozenset({".docx"}),
    XLSX: frozenset({".xlsx"}),
}

# Types recognised from their signature alone; Office files are confirmed by their parts.
_BY_SIGNATURE = frozenset({PDF, PNG, JPEG})
_OFFICE_PART = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}
# How much of the head ``filetype`` reads (its own default).
_HEAD_BYTES = 8192
# A container with more parts than this is not a document anyone writes by hand.
_MAX_ZIP_MEMBERS = 5_000
_TEXT_CONTROL_ALLOWED = frozenset("\t\n\r\f")
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class UploadLimits:
    """How large one file may be and how many one message may carry (each app sets its own)."""

    max_bytes: int
    max_files: int


@dataclass(frozen=True)
class CheckedUpload:
    """What the checks learned about one file."""

    name: str
    content_type: str
    size: int
    sha256: str


def _reject(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def safe_name(name: str | None) -> str:
    """The original name for display: no directories, no control characters, bounded."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    if not cleaned:
        return "archivo"
    stem, ext = os.path.splitext(cleaned)
    return stem[: 200 - len(ext[:20])] + ext[:20]


def _office_type(stream: IO[bytes], claimed: str) -> str | None:
    """``claimed`` when the ZIP container really holds that Office document, without macros."""
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_ZIP_MEMBERS:
                return None
            names = {info.filename for info in infos}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    # Macro-enabled documents (docm/xlsm saved as docx/xlsx) carry a VBA project: refused.
    if any(name.endswith("vbaProject.bin") for name in names):
        return None
    return claimed if _OFFICE_PART[claimed] in names else None


def _is_plain_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not any(
        unicodedata.category(ch) == "Cc" and ch not in _TEXT_CONTROL_ALLOWED for ch in text
    )


def detect_content_type(stream: IO[bytes], *, max_bytes: int) -> str | None:
    """The allowed type of ``stream``'s content, or ``None``. Rewinds the stream."""
    stream.seek(0)
    head = stream.read(_HEAD_BYTES)
    stream.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime in _BY_SIGNATURE:
            return kind.mime
        if kind.mime in _OFFICE_PART:
            found = _office_type(stream, kind.mime)
            stream.seek(0)
            return found
        return None  # a type the library knows and the allow-list does not have
    data = stream.read(max_bytes + 1)
    stream.seek(0)
    return TEXT if _is_plain_text(data) else None


def _size_and_digest(stream: IO[bytes], limit: int) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    stream.seek(0)
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            break
        digest.update(chunk)
    stream.seek(0)
    return size, digest.hexdigest()


def _limit_text(limit: int) -> str:
    megabytes = limit / (1024 * 1024)
    return f"{megabytes:.0f} MB" if megabytes >= 1 else f"{limit // 1024} KB"


def check_upload(upload: Any, *, limits: UploadLimits) -> CheckedUpload:
    """Validate one uploaded file (a Django ``File``/``UploadedFile``) or raise
    ``ValidationError`` with a Spanish message."""
    limit = limits.max_bytes
    name = safe_name(getattr(upload, "name", ""))
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _reject(
            _("«%(name)s» supera el tamaño máximo de %(limit)s.")
            % {"name": name, "limit": _limit_text(limit)},
            "too_large",
        )
    stream = upload.file if hasattr(upload, "file") and upload.file is not None else upload
    size, sha256 = _size_and_digest(stream, limit)
    if size > limit:
        raise _reject(
            _("«%(name)s» supera el tamaño máximo de %(limit)s.")
            % {"name": name, "limit": _limit_text(limit)},
            "too_large",
        )
    if size == 0:
        raise _reject(_("«%(name)s» está vacío.") % {"name": name}, "empty")
    content_type = detect_content_type(stream, max_bytes=limit)
    if content_type is None:
        raise _reject(
            _(
                "«%(name)s» no es de un tipo permitido. Adjunte PDF, PNG, JPEG, texto, "
                "documentos de Word (.docx) u hojas de Excel (.xlsx)."
            )
            % {"name": name},
            "type_not_allowed",
        )
    extension = os.path.splitext(name)[1].lower()
    if extension and extension not in ALLOWED_TYPES[content_type]:
        raise _reject(
            _("El contenido de «%(name)s» no corresponde a su extensión %(ext)s.")
            % {"name": name, "ext": extension},
            "extension_mismatch",
        )
    return CheckedUpload(name=name, content_type=content_type, size=size, sha256=sha256)


def check_uploads(uploads: Iterable[Any], *, limits: UploadLimits) -> list[CheckedUpload]:
    """Validate the files of one message; every problem is reported, not just the first."""
    files = list(uploads)
    most = limits.max_files
    if len(files) > most:
        raise _reject(
            _("Puede adjuntar como máximo %(count)d archivos por mensaje.") % {"count": most},
            "too_many_files",
        )
    checked: list[CheckedUpload] = []
    errors: list[ValidationError] = []
    for upload in files:
        try:
            checked.append(check_upload(upload, limits=limits))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)
    return checked
