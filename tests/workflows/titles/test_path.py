"""The whole path of a title request at service level: request → verification with one
exclusion → director's signature → countersign → background generation → print → receipts →
delivery, with the audit events and the signed PDFs."""

from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from core.audit.models import AuditEvent
from modules.documents.choices import GenerationState, RequestStatus, TitleStatus
from modules.documents.models import IssuedTitle, TitleRequest
from modules.documents.pki import dev_pki
from workflows.titles.flows import TitleFlow
from workflows.titles.services import titles_step

from .conftest import confirm_step, exclusion_motive, open_task, request_titles, verify

pytestmark = pytest.mark.django_db


def test_request_to_delivery(
    registrar, officer, director, authenticator, printer, section, graduates, signatories,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    # Given four promoted graduates; the registrar asks for their titles
    process = request_titles(registrar, section)
    request = TitleRequest.objects.get(pk=process.title_request_id)
    assert request.status == RequestStatus.SENT
    assert request.items.count() == 4

    # When the officer confirms excluding one, the director signs, the authenticator countersigns
    excluded = graduates[0]
    verify(officer, process, excluded=str(excluded.nie), motive=exclusion_motive())
    request.refresh_from_db()
    assert request.status == RequestStatus.WITH_EXCEPTIONS
    confirm_step(director, process, TitleFlow.sign)
    with django_capture_on_commit_callbacks(execute=True):
        confirm_step(authenticator, process, TitleFlow.countersign)

    # Then three titles were generated and signed, the excluded student has none
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING_PRINT
    assert request.generation_state == GenerationState.DONE
    assert (request.generation_done, request.generation_total) == (3, 3)
    titles = list(IssuedTitle.objects.filter(request=request).order_by("number"))
    assert [t.number for t in titles] == [f"BG-2026-{n:06d}" for n in (1, 2, 3)]
    assert excluded.pk not in {t.student_id for t in titles}
    assert all(t.status == TitleStatus.VALID for t in titles)
    assert len({t.verification_code for t in titles}) == 3
    # Frozen: names of the student, the school and the three signatories
    first = titles[0]
    assert first.school_name == section.school.name
    assert first.director_name == director.person.full_name
    assert first.authenticator_name == authenticator.person.full_name
    assert first.minister_name == "Elena Beatriz Campos Aguirre"
    # And each PDF's signature validates against the test CA
    ca = load_cert_from_pemder(str(dev_pki().ca_pem))
    with first.pdf.open("rb") as handle:
        data = handle.read()
    signature = PdfFileReader(BytesIO(data)).embedded_signatures[0]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[ca]))
    assert status.bottom_line
    assert status.intact
    assert status.trusted

    # When the titles travel to the graduates
    confirm_step(printer, process, TitleFlow.print_titles)
    confirm_step(officer, process, TitleFlow.department_receipt)
    confirm_step(registrar, process, TitleFlow.school_receipt)
    task = open_task(process, TitleFlow.deliver)
    titles_step(actor=registrar, task=task, data={"delivered_on": "05/01/2026", "confirm": "on"})

    # Then the request is printed and delivered, every valid title has its delivery date
    request.refresh_from_db()
    process.refresh_from_db()
    assert request.status == RequestStatus.PRINTED
    assert request.received_department_at is not None
    assert request.received_school_at is not None
    assert request.delivered_at is not None
    delivered = IssuedTitle.objects.filter(request=request).values_list("delivered_on", flat=True)
    assert set(delivered) == {date(2026, 1, 5)}
    assert process.status == "DONE"
    # And every step left its audit event
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "title_request.created",
        "title_request.student_excluded",
        "title_request.signed",
        "title_request.countersigned",
        "title.issued",
        "title_request.received_department",
        "title_request.received_school",
        "title.delivered",
    } <= actions


def test_every_student_excluded_rejects(registrar, officer, section, graduates, signatories):
    process = request_titles(registrar, section, student_ids=[graduates[0].pk])
    verify(officer, process, excluded=str(graduates[0].nie), motive=exclusion_motive())
    request = TitleRequest.objects.get(pk=process.title_request_id)
    process.refresh_from_db()
    assert request.status == RequestStatus.REJECTED
    assert process.status == "DONE"
    assert not IssuedTitle.objects.exists()


@pytest.mark.parametrize("typed", ["²", "nie"])
def test_an_excluded_nie_that_is_not_plain_digits_is_refused_and_nothing_changes(
    registrar, officer, section, graduates, signatories, typed
):
    # "²" and "١٢" are digits to str.isdigit(): int("²") failed, and a NIE typed in Arabic-Indic
    # digits excluded that student. Only ASCII digits are a NIE.
    arabic_indic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    typed = str(graduates[0].nie).translate(arabic_indic) if typed == "nie" else typed
    process = request_titles(registrar, section)

    with pytest.raises(ValidationError) as caught:
        verify(officer, process, excluded=typed, motive=exclusion_motive())

    assert caught.value.message_dict == {
        "excluded": [f"«{typed}» no es un NIE: escriba solo números."]
    }
    request = TitleRequest.objects.get(pk=process.title_request_id)
    assert request.status == RequestStatus.SENT
    assert not request.items.filter(excluded=True).exists()
    assert open_task(process, TitleFlow.verify).owner_id is None
    assert not AuditEvent.objects.filter(action="title_request.student_excluded").exists()


def test_reject_with_reason(registrar, officer, section, graduates, signatories):
    process = request_titles(registrar, section)
    verify(officer, process, decision="reject", note="Acta de notas incompleta.")
    request = TitleRequest.objects.get(pk=process.title_request_id)
    assert request.status == RequestStatus.REJECTED
    assert request.decision_note == "Acta de notas incompleta."


def test_a_failed_generation_is_resumed_by_the_sweep(
    registrar, officer, director, authenticator, section, graduates, signatories,
    django_capture_on_commit_callbacks, monkeypatch,
):  # fmt: skip
    from modules.documents import services
    from modules.documents.services import title_generation_sweep

    process = request_titles(registrar, section)
    verify(officer, process)
    confirm_step(director, process, TitleFlow.sign)
    # Given a generation that fails after the first title (a worker's disk fills up)
    real, calls = services.title_pdf, []

    def failing(sheet):
        calls.append(sheet.number)
        if len(calls) > 1:
            raise OSError("disco lleno")
        return real(sheet)

    monkeypatch.setattr(services, "title_pdf", failing)
    with django_capture_on_commit_callbacks(execute=True):
        confirm_step(authenticator, process, TitleFlow.countersign)
    request = TitleRequest.objects.get(pk=process.title_request_id)
    assert request.generation_state == GenerationState.FAILED
    assert request.status == RequestStatus.CONFIRMED
    # When the sweep runs with the disk fixed, the generation finishes what was missing
    monkeypatch.setattr(services, "title_pdf", real)
    assert title_generation_sweep() == [request.pk]
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING_PRINT
    assert IssuedTitle.objects.filter(request=request).count() == 4
    assert title_generation_sweep() == []
