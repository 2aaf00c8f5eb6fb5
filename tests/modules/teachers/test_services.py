"""Teacher records through the services: the importer's upsert by NIP is idempotent, a NIP is
never reassigned, and changes are audited with before and after."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from core.audit.models import AuditEvent
from modules.teachers.choices import CorrectableField
from modules.teachers.models import Appointment, SubjectAssignment, Teacher
from modules.teachers.services import (
    assignment_set,
    teacher_field_value,
    teacher_update,
    teacher_upsert,
)
from tests.factories import PersonFactory, SchoolFactory

from .conftest import make_section, make_teacher, subjects

pytestmark = pytest.mark.django_db

ROW = {
    "nip": "4000001",
    "escalafon_level": "2",
    "escalafon_category": 3,
    "specialty": "Matemática",
    "position": "docente",
    "shift": "matutino",
    "contract_type": "ley_salarios",
    "funding": "fondo_general",
    "start_date": date(2022, 1, 10),
}


def test_upserting_the_same_row_twice_changes_nothing_the_second_time(school):
    person = PersonFactory()
    teacher, changed = teacher_upsert(person=person, school=school, **ROW)
    assert changed is True
    events = AuditEvent.objects.count()

    again, changed_again = teacher_upsert(person=person, school=school, **ROW)

    assert again.pk == teacher.pk
    assert changed_again is False
    assert AuditEvent.objects.count() == events
    assert Teacher.objects.count() == 1
    assert Appointment.objects.filter(teacher=teacher).count() == 1


def test_upserting_a_changed_row_updates_with_before_and_after(school):
    person = PersonFactory()
    teacher, _ = teacher_upsert(person=person, school=school, **ROW)

    _, changed = teacher_upsert(
        person=person, school=school, **{**ROW, "escalafon_category": 2, "funding": "privado"}
    )

    teacher.refresh_from_db()
    assert changed is True
    assert teacher.escalafon_category == 2
    assert Appointment.objects.get(teacher=teacher).funding == "privado"
    event = AuditEvent.objects.filter(action="teacher.updated").get()
    assert event.payload["before"] == {"escalafon_category": 3}
    assert event.payload["after"] == {"escalafon_category": 2}


def test_a_nip_of_another_person_is_refused(school):
    teacher_upsert(person=PersonFactory(), school=school, **ROW)
    before = (Teacher.objects.count(), AuditEvent.objects.count())

    with pytest.raises(ValidationError) as excinfo:
        teacher_upsert(person=PersonFactory(), school=school, **ROW)

    assert excinfo.value.message_dict == {"nip": ["El NIP 4000001 pertenece a otra persona."]}
    assert (Teacher.objects.count(), AuditEvent.objects.count()) == before


def test_a_bad_nip_is_refused():
    with pytest.raises(ValidationError):
        teacher_upsert(person=PersonFactory(), **{**ROW, "nip": "12-34"})
    assert Teacher.objects.count() == 0


# "²", "٣" (Arabic-Indic) and "\uff13" (full-width) are digits to str.isdigit(): int("²") failed
# and int("٣") is 3.
@pytest.mark.parametrize("text", ["²", "٣", "\uff13"])
def test_a_requested_category_takes_an_ascii_digit_only(text):
    with pytest.raises(ValidationError) as excinfo:
        teacher_field_value(CorrectableField.ESCALAFON_CATEGORY, text)

    assert excinfo.value.messages == ["La categoría del escalafón es un número del 1 al 6."]
    assert teacher_field_value(CorrectableField.ESCALAFON_CATEGORY, " 3 ") == 3


@pytest.mark.parametrize("text", ["٤٠٠٠٠٠١", "400000²", "\uff14000001"])
def test_a_requested_nip_takes_ascii_digits_only(text):
    with pytest.raises(ValidationError) as excinfo:
        teacher_field_value(CorrectableField.NIP, text)

    assert excinfo.value.messages == ["El NIP tiene de 5 a 10 dígitos, sin guiones ni espacios."]
    assert teacher_field_value(CorrectableField.NIP, "4000001") == "4000001"


def test_teacher_update_audits_before_and_after(school):
    teacher = make_teacher(school, category=5)

    teacher_update(teacher=teacher, escalafon_category=4, reason="Ascenso")

    event = AuditEvent.objects.filter(action="teacher.updated").get()
    assert event.payload["before"] == {"escalafon_category": 5}
    assert event.payload["after"] == {"escalafon_category": 4}
    assert event.payload["reason"] == "Ascenso"


def test_a_subject_must_come_from_the_sections_study_plan(school):
    teacher = make_teacher(school)
    first = make_section(school=school)
    ninth = make_section(school=school, grade_code="G9", name="A")

    with pytest.raises(ValidationError) as excinfo:
        assignment_set(section=first, subject=subjects(ninth)[0], teacher=teacher)

    assert excinfo.value.message_dict == {
        "subject": ["La asignatura no pertenece al plan de estudio de la sección."]
    }
    assert SubjectAssignment.objects.count() == 0


def test_a_teacher_without_an_appointment_there_cannot_be_assigned(school):
    outsider = make_teacher(SchoolFactory())
    section = make_section(school=school)

    with pytest.raises(ValidationError):
        assignment_set(section=section, subject=subjects(section)[0], teacher=outsider)
    assert SubjectAssignment.objects.count() == 0
