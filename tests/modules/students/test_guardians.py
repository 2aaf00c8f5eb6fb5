"""Guardians: the link records the relationship; an account gets the guardian grant over the
child's person, which is what scopes its access."""

import pytest
from django.core.exceptions import ValidationError

from core.accounts.models import RoleGrant
from core.accounts.services import person_create
from modules.students.models import Guardian
from modules.students.services import guardian_link

pytestmark = pytest.mark.django_db


def test_linking_a_guardian_with_an_account_grants_access_once(make_student, make_user):
    student = make_student()
    mother = make_user(role="citizen")

    guardian_link(student=student, person=mother.person, relationship="mother", is_primary=True)
    guardian_link(student=student, person=mother.person, relationship="mother", is_primary=True)

    assert list(Guardian.objects.values_list("person_id", "relationship", "is_primary")) == [
        (mother.person_id, "mother", True)
    ]
    grants = RoleGrant.objects.filter(user=mother, role="guardian")
    assert list(grants.values_list("scope_kind", "person_id")) == [("person", student.person_id)]


def test_a_guardian_without_an_account_is_recorded_without_a_grant(make_student):
    student = make_student()
    grandmother = person_create(first_names="Rosa", last_names="Pérez")

    guardian_link(student=student, person=grandmother, relationship="grandparent")

    assert Guardian.objects.get().person_id == grandmother.pk
    assert not RoleGrant.objects.filter(role="guardian").exists()


def test_one_primary_guardian_at_a_time(make_student):
    student = make_student()
    first = person_create(first_names="Ana", last_names="Pérez")
    second = person_create(first_names="Luis", last_names="Pérez")

    guardian_link(student=student, person=first, relationship="mother", is_primary=True)
    guardian_link(student=student, person=second, relationship="father", is_primary=True)

    assert dict(Guardian.objects.values_list("person_id", "is_primary")) == {
        first.pk: False,
        second.pk: True,
    }


def test_a_student_is_not_their_own_guardian(make_student):
    student = make_student()

    with pytest.raises(ValidationError):
        guardian_link(student=student, person=student.person, relationship="other")

    assert not Guardian.objects.exists()
