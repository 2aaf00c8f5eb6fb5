"""A replacement asked for by a citizen through the help desk's "reposición de título": the
ticket starts the process (the resolution number is required), follows it, and is resolved on
delivery. And what a title froze stays as issued after the student's name is corrected."""

from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.accounts.services import person_correct
from helpdesk.catalogue import load_catalogue
from helpdesk.choices import TicketStatus
from helpdesk.models import Service, Ticket
from helpdesk.services import ticket_create
from modules.documents.choices import RequestKind, TitleStatus
from modules.documents.models import IssuedTitle, TitleRequest
from modules.teachers.models import Appointment
from workflows.titles.flows import TitleFlow
from workflows.titles.models import TitleProcess
from workflows.titles.services import titles_start_for_ticket, titles_step

from .conftest import confirm_step, open_task, verify
from .test_verification import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued_titles(
    registrar, officer, director, authenticator, section, graduates, signatories,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    issue(registrar, officer, director, authenticator, section, django_capture_on_commit_callbacks)
    return list(IssuedTitle.objects.order_by("number"))


@pytest.fixture
def service(db):
    load_catalogue(django_apps)
    return Service.objects.get(code="reposicion-de-titulo")


def answers(title, **overrides):
    data = {
        "nombre_en_titulo": title.student_name.upper(),
        "codigo_centro": title.school_code,
        "anio_graduacion": str(title.graduation_year),
        "bachillerato": "general",
        "motivo": "extravio",
        "numero_resolucion": "2026-0153",
    }
    data.update(overrides)
    return data


def test_citizen_replacement_follows_to_delivery(
    issued_titles, service, citizen, officer, director, authenticator, printer, registrar,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    original = issued_titles[0]
    # When a citizen asks for the replacement with the resolution number
    ticket = ticket_create(requester=citizen, service=service, data=answers(original))
    # Then a replacement process started from the ticket, linked to it
    process = TitleProcess.objects.get(ticket=ticket)
    assert process.kind == RequestKind.REPLACEMENT
    assert process.title_request.resolution_number == "2026-0153"
    ticket.refresh_from_db()
    assert ticket.process_id == process.pk
    # When the steps are worked, the ticket hears of each and is resolved on delivery
    verify(officer, process)
    confirm_step(director, process, TitleFlow.sign)
    with django_capture_on_commit_callbacks(execute=True):
        confirm_step(authenticator, process, TitleFlow.countersign)
    new = IssuedTitle.objects.get(replaces=original)
    original.refresh_from_db()
    assert original.status == TitleStatus.REPLACED
    assert original.replaced_by_id == new.pk
    confirm_step(printer, process, TitleFlow.print_titles)
    confirm_step(officer, process, TitleFlow.department_receipt)
    confirm_step(registrar, process, TitleFlow.school_receipt)
    ticket.refresh_from_db()
    assert ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
    assert ticket.entries.filter(body__contains="llegó a su centro educativo").exists()
    titles_step(
        actor=registrar,
        task=open_task(process, TitleFlow.deliver),
        data={"delivered_on": "04/12/2026", "confirm": "on"},
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    assert ticket.entries.filter(body__contains="fue entregado el 04/12/2026").exists()


def test_replacement_without_resolution_creates_nothing(issued_titles, service, citizen):
    before = Ticket.objects.count()
    with pytest.raises(ValidationError) as caught:
        ticket_create(
            requester=citizen, service=service, data=answers(issued_titles[0], numero_resolucion="")
        )
    assert "numero_resolucion" in caught.value.error_dict
    assert Ticket.objects.count() == before
    assert not TitleProcess.objects.filter(kind=RequestKind.REPLACEMENT).exists()


def test_replacement_of_unknown_title_creates_nothing(issued_titles, service, citizen):
    before = Ticket.objects.count()
    with pytest.raises(ValidationError) as caught:
        ticket_create(
            requester=citizen,
            service=service,
            data=answers(issued_titles[0], nombre_en_titulo="Nadie Con Este Nombre"),
        )
    assert "nombre_en_titulo" in caught.value.error_dict
    assert Ticket.objects.count() == before


def test_replacement_while_the_director_is_not_appointed_creates_nothing(
    issued_titles, service, citizen, director_appointment
):
    # The director's appointment in the teachers module ended yesterday
    yesterday = timezone.localdate() - timedelta(days=1)
    Appointment.objects.filter(pk=director_appointment.pk).update(end_date=yesterday)
    tickets = Ticket.objects.count()
    requests = TitleRequest.objects.count()
    with pytest.raises(ValidationError) as caught:
        ticket_create(requester=citizen, service=service, data=answers(issued_titles[0]))
    assert caught.value.code == "director_not_appointed"
    assert Ticket.objects.count() == tickets
    assert TitleRequest.objects.count() == requests
    assert not TitleProcess.objects.filter(kind=RequestKind.REPLACEMENT).exists()


@pytest.mark.parametrize("nie", ["²", "١٢"])
def test_a_stored_nie_that_is_not_plain_digits_does_not_narrow_the_search(
    issued_titles, service, citizen, nie
):
    # The help desk's form takes a NIE of ASCII digits only, but a stored answer (an older form)
    # reached int(): "²" is a digit to str.isdigit() (a ValueError) and int("١٢") is 12.
    original = issued_titles[0]
    service.workflow_key = ""  # open the ticket without starting the replacement
    ticket = ticket_create(requester=citizen, service=service, data=answers(original))
    Ticket.objects.filter(pk=ticket.pk).update(form_data={**ticket.form_data, "nie": nie})
    ticket.refresh_from_db()

    process = titles_start_for_ticket(ticket=ticket)

    # Ignored like any other NIE that is not a number: the title is found by name, school, year
    assert process.title_request.items.get().original_title_id == original.pk
    ticket.refresh_from_db()
    assert ticket.process_id == process.pk


def test_frozen_data_unchanged_after_the_name_is_corrected(issued_titles, officer):
    title = issued_titles[0]
    person = title.student.person
    frozen_name, digest = title.student_name, title.pdf_sha256
    with title.pdf.open("rb") as handle:
        pdf = handle.read()
    # When the student's name is corrected in the registry
    person_correct(
        actor=officer, person=person, field="first_names", value="Andrea Lucía",
        reason="Partida de nacimiento",
    )  # fmt: skip
    person.refresh_from_db()
    assert person.first_names == "Andrea Lucía"
    # Then the issued title keeps what it was issued with, byte for byte
    title.refresh_from_db()
    assert title.student_name == frozen_name
    assert title.pdf_sha256 == digest
    with title.pdf.open("rb") as handle:
        assert handle.read() == pdf
