"""The academic demo data (``manage.py seed_demo``): DEMO-001's sections get students, among
them the guardian's child in the demo teacher's 4.º grado A, with a month of attendance and the
first period's grades, so the demo accounts open onto real data. Idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core.accounts.models import User
from modules.academics.demo import DEMO_SECTIONS
from modules.academics.models import AttendanceDay, AttendanceRecord, GradeEntry
from modules.schools.models import Section
from modules.students.models import Enrollment, Guardian, Student
from modules.students.selectors import academic_record

pytestmark = pytest.mark.django_db

TEACHER, DIRECTOR, GUARDIAN = "02026003-6", "02026006-0", "02026002-8"
# Class days of February 2026: every weekday from the 2nd (no holiday, no school event).
FEBRUARY_CLASS_DAYS = 20
MODELS = (Student, Enrollment, Guardian, AttendanceDay, AttendanceRecord, GradeEntry)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def _section(grade: str) -> Section:
    return Section.objects.get(school__code="DEMO-001", school_year_id=2026, grade__name=grade)


def test_the_demo_school_has_students_a_month_of_attendance_and_grades():
    seed()

    for grade, _name, size, _age in DEMO_SECTIONS:
        section = _section(grade)
        enrolled = Enrollment.objects.filter(section=section, status="active")
        assert enrolled.count() == size, grade
        days = AttendanceDay.objects.filter(section=section)
        assert days.count() == FEBRUARY_CLASS_DAYS, grade
        assert {d.date.month for d in days} == {2}
        assert AttendanceRecord.objects.filter(day__section=section).count() == (
            size * FEBRUARY_CLASS_DAYS
        )
        # Each header's counts are its rows'.
        for day in days:
            assert day.present + day.absent + day.justified == size
        subjects = section.study_plan.subjects.count()
        first_period = section.study_plan.periods.get(number=1)
        assert GradeEntry.objects.filter(
            enrollment__section=section, period=first_period
        ).count() == (size * subjects)
    assert AttendanceRecord.objects.filter(presence="absent").exists()
    assert AttendanceRecord.objects.filter(presence="justified").exclude(reason="").exists()


def test_the_guardians_child_is_in_the_teachers_section_and_linked_to_the_guardian():
    seed()

    sofia = Student.objects.get(
        person__first_names="Sofía Marisol", person__last_names="Hernández Rivas"
    )
    teacher = User.objects.get(dui=TEACHER)
    enrollment = Enrollment.objects.get(student=sofia, status="active")
    assert (enrollment.section.school.code, enrollment.section.grade.name) == (
        "DEMO-001",
        "4.º grado",
    )
    assert teacher.role_grants.get().section_id == enrollment.section_id
    guardian = User.objects.get(dui=GUARDIAN)
    link = Guardian.objects.get(student=sofia)
    assert (link.person_id, link.relationship, link.is_primary) == (
        guardian.person_id,
        "father",
        True,
    )
    # The guardian reads her record: this year at the demo school.
    record = academic_record(guardian, student_id=sofia.pk)
    assert [(y.school_year, y.school_code, y.grade) for y in record.years] == [
        (2026, "DEMO-001", "4.º grado")
    ]


def test_the_teacher_and_director_pages_open_onto_the_data():
    seed()
    section = _section("4.º grado")
    teacher, director = Client(), Client()
    teacher.force_login(User.objects.get(dui=TEACHER))
    director.force_login(User.objects.get(dui=DIRECTOR))

    mine = teacher.get(reverse("academics:my_sections"))
    grades = teacher.get(reverse("academics:grades", kwargs={"pk": section.pk}))
    school = director.get(reverse("academics:school", kwargs={"pk": section.school_id}))

    assert mine.status_code == grades.status_code == school.status_code == 200
    assert "4.º grado" in mine.content.decode()
    assert "Hernández Rivas" in grades.content.decode()
    assert "9.º grado" in school.content.decode()


def test_a_second_run_adds_nothing():
    seed()
    after_first = counts()

    output = seed()

    assert counts() == after_first
    assert "nothing changed" in output
