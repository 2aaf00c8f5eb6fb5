"""The title as a PDF: drawn with reportlab from the title's frozen data, then signed (PAdES)
with pyHanko using the institution's certificate (``pki.py``).

The drawing reads only the ``TitleSheet`` it is given (never the live person, school or
signatory), so the same title always prints the same words.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from io import BytesIO

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.colors import HexColor, black
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

SIGNATURE_FIELD = "FirmaInstitucional"
# Room for the CMS signature (certificate chain included); an institution's longer chain
# needs a larger value (SIGES_TITLES_SIGNATURE_BYTES).
SIGNATURE_BYTES = 16_384
INK = HexColor("#1b2a4a")
ACCENT = HexColor("#8a6d1d")


@dataclass(frozen=True)
class SignatureBlock:
    name: str
    position: str
    image: bytes


@dataclass(frozen=True)
class TitleSheet:
    number: str
    verification_code: str
    verification_url: str
    student_name: str
    degree: str
    definition_name: str
    school_name: str
    school_code: str
    graduation_year: int
    issued_on: object
    director: SignatureBlock
    minister: SignatureBlock
    authenticator: SignatureBlock


def _signature(pdf: canvas.Canvas, block: SignatureBlock, x: float, y: float, width: float) -> None:
    image = ImageReader(BytesIO(block.image))
    iw, ih = image.getSize()
    height = 18 * mm
    draw_w = min(width * 0.8, height * iw / max(ih, 1))
    pdf.drawImage(image, x + (width - draw_w) / 2, y + 6 * mm, draw_w, height, mask="auto")
    pdf.setStrokeColor(INK)
    pdf.line(x + 6 * mm, y + 5 * mm, x + width - 6 * mm, y + 5 * mm)
    pdf.setFont("Helvetica-Bold", 9)
    pdf.drawCentredString(x + width / 2, y + 1 * mm, block.name)
    pdf.setFont("Helvetica", 8)
    pdf.drawCentredString(x + width / 2, y - 3 * mm, block.position)


def _qr(pdf: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code of ``url``, encoded by reportlab's QR widget and drawn as one path.

    The widget's own ``draw`` encodes the data again for its bounds and builds a shape per run
    of dark modules; encoding once and filling one path is several times faster, which matters
    when a request issues hundreds of titles (bench/titles.py)."""
    code = QrCodeWidget(url, barLevel="M").qr
    code.make()
    count = code.getModuleCount()
    border = 4
    box = size / (count + 2 * border)
    path = pdf.beginPath()
    for row_index, row in enumerate(code.modules):
        column = 0
        for dark, run in itertools.groupby(bool(cell) for cell in row):
            length = sum(1 for _cell in run)
            if dark:
                top = y + size - (row_index + border + 1) * box
                path.rect(x + (column + border) * box, top, length * box, box)
            column += length
    pdf.setFillColor(black)
    pdf.drawPath(path, stroke=0, fill=1)
    pdf.setFillColor(INK)


def title_pdf_render(sheet: TitleSheet) -> bytes:
    """The unsigned PDF of one title (A4 landscape)."""
    out = BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(out, pagesize=(width, height), invariant=1, pageCompression=1)
    pdf.setTitle(f"{_('Título')} {sheet.number}")
    pdf.setAuthor(_("Ministerio de Educación de El Salvador"))
    pdf.setSubject(sheet.definition_name)

    pdf.setStrokeColor(ACCENT)
    pdf.setLineWidth(3)
    pdf.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(13 * mm, 13 * mm, width - 26 * mm, height - 26 * mm)

    pdf.setFillColor(INK)
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawCentredString(width / 2, height - 32 * mm, _("REPÚBLICA DE EL SALVADOR"))
    pdf.setFont("Helvetica", 12)
    pdf.drawCentredString(width / 2, height - 39 * mm, _("Ministerio de Educación"))
    pdf.setFont("Helvetica", 11)
    pdf.drawCentredString(
        width / 2,
        height - 52 * mm,
        _("%(school)s (código %(code)s) confiere a")
        % {"school": sheet.school_name, "code": sheet.school_code},
    )
    pdf.setFont("Helvetica-Bold", 24)
    pdf.drawCentredString(width / 2, height - 68 * mm, sheet.student_name)
    pdf.setFont("Helvetica", 11)
    pdf.drawCentredString(width / 2, height - 80 * mm, _("el título de"))
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawCentredString(width / 2, height - 92 * mm, sheet.degree)
    pdf.setFont("Helvetica", 11)
    pdf.drawCentredString(
        width / 2,
        height - 102 * mm,
        _("por haber cumplido los requisitos de %(title)s en el año %(year)s.")
        % {"title": sheet.definition_name, "year": sheet.graduation_year},
    )
    pdf.drawCentredString(
        width / 2,
        height - 109 * mm,
        _("Extendido en San Salvador el %(date)s.")
        % {"date": date_format(sheet.issued_on, "d/m/Y")},
    )

    column = (width - 70 * mm) / 3
    base_y = 40 * mm
    for index, block in enumerate((sheet.director, sheet.minister, sheet.authenticator)):
        _signature(pdf, block, 15 * mm + index * column, base_y, column)

    qr_size = 30 * mm
    _qr(pdf, sheet.verification_url, width - 15 * mm - qr_size - 5 * mm, 22 * mm, qr_size)
    pdf.setFont("Helvetica", 8)
    pdf.drawString(17 * mm, 20 * mm, _("Título N.º %(number)s") % {"number": sheet.number})
    pdf.drawString(
        17 * mm,
        16 * mm,
        _("Verifique en %(url)s · código %(code)s")
        % {"url": sheet.verification_url, "code": sheet.verification_code},
    )
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def pdf_sign(pdf: bytes, *, reason: str) -> bytes:
    """Sign ``pdf`` (PAdES baseline) with the institution's certificate."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from .pki import signer

    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location="San Salvador, El Salvador",
    )
    # A fixed reservation skips pyHanko's trial signature that only measures the size.
    signed = signers.PdfSigner(meta, signer=signer()).sign_pdf(
        writer, bytes_reserved=SIGNATURE_BYTES
    )
    return signed.getvalue()


def title_pdf(sheet: TitleSheet) -> tuple[bytes, str]:
    """The signed PDF of one title and its SHA-256."""
    signed = pdf_sign(
        title_pdf_render(sheet),
        reason=_("Título %(number)s emitido por el Ministerio de Educación")
        % {"number": sheet.number},
    )
    return signed, hashlib.sha256(signed).hexdigest()
