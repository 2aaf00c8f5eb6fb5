"""Each guard of a request refuses it and saves nothing: no registered signature, an expired
appointment, a student who did not pass, a section that does not graduate, a replacement
without a resolution number, a title asked for twice."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from viewflow.workflow.models import Process

from core.audit.models import AuditEvent
from modules.documents.choices import SignatoryKind
from modules.documents.models import Signatory, TitleRequest
from modules.documents.services import signatory_end, title_request_create
from modules.schools.models import Grade
from tests.factories import SectionFactory

from .conftest import NAMES, enroll, request_titles

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


def test_registrar_of_another_school_cannot_request(make_user, section, graduates, signatories):
    from core.accounts.choices import Role, ScopeKind
    from tests.factories import SchoolFactory

    stranger = make_user(role=Role.REGISTRAR, scope_kind=ScopeKind.SCHOOL, target=SchoolFactory())
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        request_titles(stranger, section)
    _nothing_saved()
