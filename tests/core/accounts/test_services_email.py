"""An email address is verified only by its owner following a link, and changing it unverifies."""

import pytest

from core.accounts.services import person_email_mark_verified, person_update
from core.audit.models import AuditEvent
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_marking_verified_stamps_once_and_is_audited():
    person = PersonFactory(email="ana@example.sv")
    person_email_mark_verified(person=person)
    stamped = person.email_verified_at
    assert stamped is not None
    # A second call changes nothing and writes no second event.
    person_email_mark_verified(person=person)
    person.refresh_from_db()
    assert person.email_verified_at == stamped
    assert AuditEvent.objects.filter(action="person.email_verified").count() == 1


def test_a_person_without_email_cannot_be_verified():
    person = PersonFactory(email="")
    person_email_mark_verified(person=person)
    person.refresh_from_db()
    assert person.email_verified_at is None
    assert not AuditEvent.objects.filter(action="person.email_verified").exists()


def test_changing_the_address_clears_verification():
    person = PersonFactory(email="ana@example.sv")
    person_email_mark_verified(person=person)
    person_update(person=person, actor=None, email="otra@example.sv")
    person.refresh_from_db()
    assert person.email == "otra@example.sv"
    assert person.email_verified_at is None


def test_saving_the_same_address_keeps_verification():
    person = PersonFactory(email="ana@example.sv")
    person_email_mark_verified(person=person)
    person_update(person=person, actor=None, email="ANA@example.sv ")
    person.refresh_from_db()
    assert person.email_verified_at is not None
