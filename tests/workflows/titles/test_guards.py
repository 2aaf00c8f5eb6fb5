"""Each guard of a request refuses it and saves nothing: no registered signature, an expired
appointment (in the signatory registry, or the director appointment in the teachers module), a
student who did not pass, a section that does not graduate, a replacement without a resolution
number, a title asked for twice."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from viewflow.workflow.models import Process

from core.audit.models import AuditEvent
from modules.documents.choices import MotiveKind, SignatoryKind
from modules.documents.models import Motive, Signatory, TitleRequest
from modules.documents.services import signatory_end, title_request_create
from modules.schools.models import Grade
from modules.teachers.models import Appointment
from tests.factories import SectionFactory

from .conftest import NAMES, appoint_director, enroll, request_titles

pytestmark = pytest.mark.django_db


def _nothing_saved():
    assert not TitleRequest.objects.exists()
    assert not Process.objects.exists()
    assert not AuditEvent.objects.filter(action="title_request.created").exists()


def test_director_without_registered_signature(registrar, section, graduates):
    with pytest.raises(ValidationError) as caught:
        request_titles(registrar, section)
    assert caught.value.code == "director_signature"
    _nothing_saved()


def test_director_appointment_expired(registrar, section, graduates, signatories):
    director = Signatory.objects.get(kind=SignatoryKind.DIRECTOR)
    signatory_end(actor=None, signatory=director, valid_until=timezone.localdate() - timedelta(1))
    with pytest.raises(ValidationError) as caught:
        request_titles(registrar, section)
    assert caught.value.code == "director_appointment"
    _nothing_saved()
    # And the end of the appointment was audited with before and after
    event = AuditEvent.objects.get(action="signatory.appointment_ended")
    assert event.payload["before"] is None


def _appointments():
    return list(Appointment.objects.order_by("pk").values())


def test_director_not_appointed_in_teachers_module(registrar, section, graduates, signatories):
    Appointment.objects.all().delete()  # the signatory is registered, but never appointed
    with pytest.raises(ValidationError) as caught:
        request_titles(registrar, section)
    assert caught.value.code == "director_not_appointed"
    assert section.school.name in caught.value.messages[0]
    _nothing_saved()
    assert _appointments() == []


def test_director_appointment_in_teachers_module_expired(
    registrar, section, graduates, signatories, director_appointment
):
    today = timezone.localdate()
    Appointment.objects.filter(pk=director_appointment.pk).update(
        start_date=today - timedelta(days=400), end_date=today - timedelta(days=1)
    )
    before = _appointments()
    with pytest.raises(ValidationError) as caught:
        request_titles(registrar, section)
    assert caught.value.code == "director_not_appointed"
    assert today.strftime("%d/%m/%Y") in caught.value.messages[0]
    _nothing_saved()
    assert _appointments() == before


def test_director_appointment_not_yet_started(
    registrar, section, graduates, signatories, director_appointment
):
    today = timezone.localdate()
    Appointment.objects.filter(pk=director_appointment.pk).update(
        start_date=today + timedelta(days=1)
    )
    with pytest.raises(ValidationError) as caught:
        request_titles(registrar, section)
    assert caught.value.code == "director_not_appointed"
    _nothing_saved()


def test_director_appointment_must_be_the_signatory_as_director_there(
    make_user, registrar, director, school, section, graduates, signatories, director_appointment
):
    from core.accounts.choices import Role, ScopeKind
    from tests.factories import SchoolFactory

    # The signatory teaches at the school but is not its director; they direct another school;
    # and someone else is appointed director here: none of it counts.
    Appointment.objects.filter(pk=director_appointment.pk).update(position="docente")
    appoint_director(director.person, SchoolFactory())
    other = make_user(role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=school)
    appoint_director(other.person, school)
    before = _appointments()
    with pytest.raises(ValidationError) as caught:
        request_titles(registrar, section)
    assert caught.value.code == "director_not_appointed"
    _nothing_saved()
    assert _appointments() == before
    # With the signatory's own director appointment in force, the same request goes
    Appointment.objects.filter(pk=director_appointment.pk).update(position="director")
    process = request_titles(registrar, section)
    assert process.title_request.items.count() == len(NAMES)


def test_appointment_valid_on_request_date_only(registrar, section, graduates, signatories):
    # An appointment that starts after the request date does not count
    director = Signatory.objects.get(kind=SignatoryKind.DIRECTOR)
    with pytest.raises(ValidationError):
        title_request_create(
            actor=registrar, kind="first_issue", school=section.school, section=section,
            on=director.valid_from - timedelta(days=1),
        )  # fmt: skip
    _nothing_saved()


def test_student_who_did_not_pass(registrar, director, section, graduates, signatories):
    failed = enroll(director, section, [("Luis Alberto", "Mena Cruz")], promoted=False)[0]
    with pytest.raises(ValidationError) as caught:
        request_titles(registrar, section)
    assert caught.value.error_dict["students"][0].code == "student_not_passed"
    assert "Luis Alberto Mena Cruz" in caught.value.messages[0]
    _nothing_saved()
    # Leaving that student out, the request goes
    others = [s.pk for s in graduates]
    assert failed.pk not in others
    process = request_titles(registrar, section, student_ids=others)
    assert process.title_request.items.count() == len(NAMES)


def test_year_not_closed_is_not_passed(registrar, director, section, signatories):
    enroll(director, section, [("Luis Alberto", "Mena Cruz")], promoted=None)
    with pytest.raises(ValidationError):
        request_titles(registrar, section)
    _nothing_saved()


def test_section_that_does_not_graduate(registrar, director, school, signatories):
    first_year = SectionFactory(school=school, grade=Grade.objects.get(code="BG1"), name="B")
    enroll(director, first_year, [("Luis Alberto", "Mena Cruz")])
    with pytest.raises(ValidationError) as caught:
        request_titles(registrar, first_year)
    assert caught.value.error_dict["section"][0].code == "not_final_grade"
    _nothing_saved()


def test_replacement_needs_resolution_number(registrar, section, signatories):
    with pytest.raises(ValidationError) as caught:
        title_request_create(
            actor=registrar, kind="replacement", school=section.school, title_numbers=["X"]
        )
    assert caught.value.error_dict["resolution_number"][0].code == "resolution_required"
    _nothing_saved()


@pytest.mark.parametrize("motive", ["²", "motive", "", "abc"])
def test_a_reprint_needs_a_motive_of_the_list_by_its_plain_id(
    registrar, section, signatories, motive
):
    # "²" is a digit to str.isdigit() (int() failed), and the id of a motive of the list typed
    # in Arabic-Indic digits was taken for it. Only ASCII digits are an id.
    arabic_indic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    listed = Motive.objects.filter(kind=MotiveKind.REPRINT, is_active=True).first()
    motive = str(listed.pk).translate(arabic_indic) if motive == "motive" else motive

    with pytest.raises(ValidationError) as caught:
        title_request_create(
            actor=registrar, kind="reprint", school=section.school, title_numbers=["X"],
            motive=motive,
        )  # fmt: skip

    assert caught.value.message_dict == {"motive": ["Elija un motivo de la lista."]}
    _nothing_saved()


def test_registrar_of_another_school_cannot_request(make_user, section, graduates, signatories):
    from core.accounts.choices import Role, ScopeKind
    from tests.factories import SchoolFactory

    stranger = make_user(role=Role.REGISTRAR, scope_kind=ScopeKind.SCHOOL, target=SchoolFactory())
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        request_titles(stranger, section)
    _nothing_saved()
