"""The timetable's rule: a teacher is never in two places at once (nor a section in two
classes), refused with a clear Spanish message and nothing saved; the database enforces it too."""

import pytest
from django.db import IntegrityError, transaction

from core.audit.models import AuditEvent
from core.exceptions import Conflict
from modules.teachers.models import TimetableSlot
from modules.teachers.services import appointment_create, timetable_slot_add
from tests.factories import SchoolFactory

from .conftest import APPOINTED_ON, assign, make_section, make_teacher

pytestmark = pytest.mark.django_db


def test_a_teacher_cannot_teach_two_sections_in_the_same_period(school, section):
    # Given a teacher who already teaches section A on Monday, period 1
    teacher = make_teacher(school)
    other_section = make_section(school=school, name="B")
    timetable_slot_add(assignment=assign(section, teacher), weekday=1, period=1)
    second = assign(other_section, teacher, subject_index=1)
    before = (TimetableSlot.objects.count(), AuditEvent.objects.count())

    # When someone puts the same teacher in section B at the same time
    with pytest.raises(Conflict) as excinfo:
        timetable_slot_add(assignment=second, weekday=1, period=1)

    # Then it is refused with a message naming the clash, and nothing changed
    assert excinfo.value.code == "timetable_clash"
    assert str(excinfo.value) == (
        f"{teacher.person.full_name} ya tiene clase el lunes en la hora 1 "
        f"({section.grade.name} A, {school.name}): un docente no puede estar en dos lugares "
        "a la vez."
    )
    assert (TimetableSlot.objects.count(), AuditEvent.objects.count()) == before


def test_the_clash_holds_across_schools(school, section):
    # Given a teacher appointed at two schools, teaching Tuesday period 3 at the first
    teacher = make_teacher(school)
    elsewhere = SchoolFactory()
    appointment_create(
        teacher=teacher,
        school=elsewhere,
        position="docente",
        shift="matutino",
        contract_type="hora_clase",
        funding="fondo_general",
        start_date=APPOINTED_ON,
    )
    timetable_slot_add(assignment=assign(section, teacher), weekday=2, period=3)
    other = make_section(school=elsewhere)

    # When the second school puts them in its own section at the same time: refused
    with pytest.raises(Conflict):
        timetable_slot_add(assignment=assign(other, teacher), weekday=2, period=3)
    assert TimetableSlot.objects.filter(teacher=teacher).count() == 1


def test_the_same_period_number_of_another_shift_is_allowed(school, section):
    # Period 1 of the afternoon shift is a different hour from period 1 of the morning.
    teacher = make_teacher(school)
    afternoon = make_section(school=school, name="C", shift="vespertino")
    timetable_slot_add(assignment=assign(section, teacher), weekday=1, period=1)

    slot = timetable_slot_add(assignment=assign(afternoon, teacher), weekday=1, period=1)

    assert slot.shift == "vespertino"
    assert TimetableSlot.objects.filter(teacher=teacher).count() == 2


def test_a_section_cannot_have_two_classes_in_one_period(school, section):
    first, second = make_teacher(school), make_teacher(school)
    timetable_slot_add(assignment=assign(section, first), weekday=3, period=2)

    with pytest.raises(Conflict) as excinfo:
        timetable_slot_add(assignment=assign(section, second, 1), weekday=3, period=2)

    assert str(excinfo.value) == "La sección ya tiene otra clase el miércoles en la hora 2."
    assert TimetableSlot.objects.filter(section=section).count() == 1


def test_the_database_refuses_a_clash_that_skips_the_service(school, section):
    # The unique constraint is what stops two racing saves: written directly, it still holds.
    teacher = make_teacher(school)
    slot = timetable_slot_add(assignment=assign(section, teacher), weekday=4, period=5)
    other = make_section(school=school, name="B")
    assignment = assign(other, teacher, 1)

    with pytest.raises(IntegrityError), transaction.atomic():
        TimetableSlot.objects.create(
            assignment=assignment,
            teacher=teacher,
            section=other,
            school_year_id=slot.school_year_id,
            shift=slot.shift,
            weekday=4,
            period=5,
        )
    assert TimetableSlot.objects.filter(teacher=teacher).count() == 1


@pytest.mark.parametrize(("weekday", "period"), [(0, 1), (8, 1), (1, 0), (1, 11)])
def test_out_of_range_slots_are_refused(school, section, weekday, period):
    from django.core.exceptions import ValidationError

    assignment = assign(section, make_teacher(school))
    with pytest.raises(ValidationError):
        timetable_slot_add(assignment=assignment, weekday=weekday, period=period)
    assert TimetableSlot.objects.count() == 0
