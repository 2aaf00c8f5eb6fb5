"""``person_correct``: one identity field changed on evidence, audited with before and after."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from core.accounts.services import person_correct, person_create
from core.audit.models import AuditEvent


@pytest.fixture
def person(db):
    return person_create(
        first_names="Sofía", last_names="Hernández", birth_date=date(2016, 3, 14), sex="F"
    )


def test_the_change_is_saved_and_audited_with_before_and_after(person, make_user):
    officer = make_user(role="ministry_officer")

    person_correct(
        actor=officer,
        person=person,
        field="birth_date",
        value=date(2016, 3, 15),
        reason="Caso MA-2026-000001",
        role="ministry_officer",
        scope="national",
        payload={"process_id": 7},
    )

    person.refresh_from_db()
    assert person.birth_date == date(2016, 3, 15)
    event = AuditEvent.objects.get(action="person.corrected")
    assert (event.object_id, event.actor_id, event.role, event.scope) == (
        str(person.pk),
        officer.pk,
        "ministry_officer",
        "national",
    )
    assert event.payload == {
        "field": "birth_date",
        "before": "2016-03-14",
        "after": "2016-03-15",
        "reason": "Caso MA-2026-000001",
        "process_id": 7,
    }


def test_an_invalid_value_changes_nothing(person):
    with pytest.raises(ValidationError):
        person_correct(actor=None, person=person, field="sex", value="X", reason="prueba")

    person.refresh_from_db()
    assert person.sex == "F"
    assert not AuditEvent.objects.filter(action="person.corrected").exists()


def test_only_identity_fields_may_be_corrected(person):
    with pytest.raises(ValueError, match="cannot change 'email'"):
        person_correct(actor=None, person=person, field="email", value="a@b.sv", reason="x")
    assert not AuditEvent.objects.filter(action="person.corrected").exists()
