"""NIE allocation: from 10,000,000 up, never twice, never reused after a delete."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from core.accounts.services import person_create
from modules.students.models import NIE_START, Student
from modules.students.services import nie_allocate, student_create


def _child(name: str):
    return person_create(first_names=name, last_names="López", birth_date=date(2018, 5, 1))


@pytest.mark.django_db
def test_new_students_get_consecutive_nies_from_ten_million_and_none_is_reused():
    # Given two students created one after the other
    first = student_create(person=_child("Ana"))
    second = student_create(person=_child("Beto"))
    assert first.nie >= NIE_START
    assert second.nie == first.nie + 1

    # When the second is deleted and a third is created
    deleted_nie = second.nie
    second.delete()
    third = student_create(person=_child("Carla"))

    # Then the third gets a new number, not the deleted one
    assert third.nie == deleted_nie + 1
    assert not Student.objects.filter(nie=deleted_nie).exists()


@pytest.mark.django_db
def test_an_imported_shorter_nie_is_kept_and_the_sequence_is_untouched():
    before = nie_allocate()

    student = student_create(person=_child("Dora"), nie=123456)

    assert student.nie == 123456
    assert nie_allocate() == before + 1


@pytest.mark.django_db
@pytest.mark.parametrize("nie", [0, -5, NIE_START, NIE_START + 7])
def test_an_imported_nie_outside_the_old_range_is_refused(nie):
    person = _child("Eva")

    with pytest.raises(ValidationError) as info:
        student_create(person=person, nie=nie)

    assert info.value.message_dict == {
        "nie": ["Un NIE importado debe ser un número positivo menor que 10000000."]
    }
    assert not Student.objects.exists()


@pytest.mark.django_db
def test_a_person_is_a_student_only_once():
    person = _child("Flor")
    student_create(person=person)

    with pytest.raises(ValidationError):
        student_create(person=person)

    assert Student.objects.filter(person=person).count() == 1
