"""Demo data of the academic modules for ``manage.py seed_demo`` (core/demo.py): the demo school
DEMO-001 gets students in its three 2026 sections, among them the guardian's child Sofía Marisol
Hernández Rivas in the demo teacher's 4.º grado A; their enrollments, the attendance of every
class day of February 2026, the first period's grades and a few conduct-ledger lines, all
written through the services, so the teacher, director and guardian demo accounts open onto
real data.

DEMO ONLY. Idempotent: a student is found by name and birth date, an enrollment by student and
year, a day's attendance by section and date, a grade by enrollment, subject and period, a
section's conduct lines by the section; only what is missing is written. Runs after the
``accounts`` step (modules/schools/demo.py).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from core.accounts.choices import Role, Sex
from core.accounts.models import Person, RoleGrant, User
from core.accounts.services import person_create
from core.demo import DemoContext
from modules.schools.calendars import is_class_day
from modules.schools.demo import DEMO_CHILD, DEMO_SCHOOL_YEAR
from modules.schools.models import Calendar, School, Section
from modules.students.choices import CURRENT_STATUSES, Relationship
from modules.students.models import Enrollment, Guardian, Student
from modules.students.services import enrollment_create, guardian_link, student_create

from .models import AttendanceDay, ConductEntry, GradeEntry
from .services import Mark, attendance_record, conduct_record, grades_save

DEMO_SCHOOL = "DEMO-001"
DEMO_MONTH = 2  # February: the first month of classes of the 2026 calendar
ENROLLED_ON = date(DEMO_SCHOOL_YEAR, 1, 26)

# Invented pupils: (first names, last names, sex), by section grade name.
_GIRLS = (
    "Valeria Sofía", "Camila Andrea", "Daniela Beatriz", "Ximena Alejandra", "Fátima Guadalupe",
    "Gabriela Elizabeth", "Andrea Michelle", "Natalia Abigail", "Paola Marisol", "Alisson Tatiana",
    "Katherine Julissa", "Melany Yamileth",
)  # fmt: skip
_BOYS = (
    "Josué Alexander", "Diego Armando", "Kevin Ernesto", "Mateo Sebastián", "Ángel Gabriel",
    "Christopher Adonay", "Samuel Isaí", "Bryan Alexis", "Héctor Manuel", "Jonathan Steven",
    "Luis Fernando", "Óscar René",
)  # fmt: skip
_SURNAMES = (
    "Ramírez Flores", "Martínez Cruz", "López Hernández", "García Portillo", "Rivera Mejía",
    "Aguilar Romero", "Orellana Ramos", "Menjívar Castillo", "Guevara Alvarado", "Molina Rivas",
    "Argueta Chávez", "Quintanilla Reyes", "Bonilla Escobar", "Zelaya Fuentes",
)  # fmt: skip
# (grade name, section, how many students, age in February of the demo year)
DEMO_SECTIONS = (
    ("1.º grado", "A", 18, 7),
    ("4.º grado", "A", 24, 10),
    ("9.º grado", "A", 20, 15),
)
JUSTIFICATIONS = ("Cita médica", "Enfermedad con constancia", "Trámite familiar")


def _pupils(grade_index: int, count: int, age: int) -> list[dict[str, Any]]:
    """Deterministic invented pupils of one section (different in each section)."""
    pupils = []
    for index in range(count):
        girl = (index + grade_index) % 2 == 0
        names = _GIRLS if girl else _BOYS
        pupils.append(
            {
                "first_names": names[(index // 2 + grade_index * 5) % len(names)],
                "last_names": _SURNAMES[(index * 3 + grade_index * 7) % len(_SURNAMES)],
                "birth_date": date(DEMO_SCHOOL_YEAR - age - 1, 1 + index % 12, 1 + index % 27),
                "sex": Sex.FEMALE if girl else Sex.MALE,
            }
        )
    return pupils


def _student(context: DemoContext, pupil: dict[str, Any]) -> Student:
    person = Person.objects.filter(dui__isnull=True, **pupil).first()
    if person is None:
        person = person_create(**pupil)
        context.count("people")
    student = Student.objects.filter(person=person).first()
    if student is None:
        student = student_create(person=person)
        context.count("students")
    return student


def _enroll(context: DemoContext, director: User, student: Student, section: Section) -> None:
    if Enrollment.objects.filter(
        student=student, school_year_id=section.school_year_id, status__in=CURRENT_STATUSES
    ).exists():
        return
    enrollment_create(actor=director, student=student, section=section, enrolled_on=ENROLLED_ON)
    context.count("enrollments")


def _class_days(section: Section) -> list[date]:
    calendar = Calendar.objects.get(school_year_id=section.school_year_id, school__isnull=True)
    day, days = date(DEMO_SCHOOL_YEAR, DEMO_MONTH, 1), []
    while day.month == DEMO_MONTH:
        if calendar.start_date <= day <= calendar.end_date and is_class_day(section, day):
            days.append(day)
        day = date.fromordinal(day.toordinal() + 1)
    return days


def _attendance(context: DemoContext, writer: User, section: Section) -> None:
    enrollments = list(
        Enrollment.objects.filter(section=section, status__in=CURRENT_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    taken = set(AttendanceDay.objects.filter(section=section).values_list("date", flat=True))
    for number, day in enumerate(_class_days(section)):
        if day in taken:
            continue
        marks: dict[int, Mark] = {}
        for index, enrollment_id in enumerate(enrollments):
            if (index * 7 + number * 3) % 19 == 0:
                marks[enrollment_id] = Mark("absent")
            elif (index + number * 5) % 29 == 0:
                marks[enrollment_id] = Mark("justified", JUSTIFICATIONS[index % 3])
        attendance_record(actor=writer, section=section, day=day, marks=marks)
        context.count("attendance days")


def _grades(context: DemoContext, writer: User, section: Section) -> None:
    plan = section.study_plan
    if plan is None:
        return
    period = plan.periods.order_by("number").first()
    enrollments = list(
        Enrollment.objects.filter(section=section, status__in=CURRENT_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    concepts = list(plan.scale.concepts.order_by("position").values_list("code", flat=True))
    for subject_number, subject in enumerate(plan.subjects.order_by("position")):
        graded = set(
            GradeEntry.objects.filter(
                enrollment_id__in=enrollments, subject=subject, period=period
            ).values_list("enrollment_id", flat=True)
        )
        cells = {}
        for index, enrollment_id in enumerate(enrollments):
            if enrollment_id in graded:
                continue
            if plan.scale.kind == "conceptual":
                cells[(enrollment_id, period.pk)] = concepts[(index + subject_number) % 3]
            else:
                # Between 4.0 and 9.9: a few below the passing mark, most above it.
                score = Decimal(40 + (index * 13 + subject_number * 7) % 60) / 10
                cells[(enrollment_id, period.pk)] = str(score)
        if cells:
            result = grades_save(actor=writer, section=section, subject_id=subject.pk, cells=cells)
            if not result.ok:
                raise ValueError(f"demo grades refused: {result.errors}")
            context.count("grades", result.created)


def seed_academics(context: DemoContext) -> None:
    school = School.objects.get(code=DEMO_SCHOOL)
    director = User.objects.get(
        pk=RoleGrant.objects.filter(role=Role.DIRECTOR, school=school)
        .order_by("pk")
        .values_list("user_id", flat=True)[:1]
    )
    for grade_index, (grade, name, count, age) in enumerate(DEMO_SECTIONS):
        section = (
            Section.objects.select_related("study_plan__scale", "closing")
            .filter(school=school, school_year_id=DEMO_SCHOOL_YEAR, grade__name=grade, name=name)
            .first()
        )
        if section is None:
            continue
        pupils = _pupils(grade_index, count, age)
        if grade == "4.º grado":
            # The guardian's child, first in her section's list.
            pupils[0] = {**DEMO_CHILD, "sex": DEMO_CHILD.get("sex", Sex.FEMALE)}
        for pupil in pupils:
            _enroll(context, director, _student(context, pupil), section)
        teacher_grant = (
            RoleGrant.objects.filter(role=Role.TEACHER, section=section).order_by("pk").first()
        )
        writer = teacher_grant.user if teacher_grant else director
        _attendance(context, writer, section)
        _grades(context, writer, section)
        _conduct(context, writer, section)
    _link_guardian(context)


# (position in the section's list, deméritos, day of February, reason): a few lines of the
# conduct ledger, the guardian's child (first in 4.º grado A) among them.
CONDUCT_LINES = (
    (0, 2, 12, "Llegó tarde sin justificación tres veces en la semana."),
    (3, 5, 19, "Daño a material del aula."),
)


def _conduct(context: DemoContext, writer: User, section: Section) -> None:
    if ConductEntry.objects.filter(enrollment__section=section).exists():
        return
    enrollments = list(
        Enrollment.objects.filter(section=section, status__in=CURRENT_STATUSES)
        .select_related("section__closing")
        .order_by("pk")
    )
    for index, demerits, day, reason in CONDUCT_LINES:
        if index < len(enrollments):
            conduct_record(
                actor=writer,
                enrollment=enrollments[index],
                demerits=demerits,
                reason=reason,
                day=date(DEMO_SCHOOL_YEAR, DEMO_MONTH, day),
            )
            context.count("conduct entries")


def _link_guardian(context: DemoContext) -> None:
    child = Student.objects.filter(
        person__dui__isnull=True,
        person__first_names=DEMO_CHILD["first_names"],
        person__last_names=DEMO_CHILD["last_names"],
        person__birth_date=DEMO_CHILD["birth_date"],
    ).first()
    grant = (
        RoleGrant.objects.filter(role=Role.GUARDIAN, person__student=child)
        .select_related("user__person")
        .first()
        if child
        else None
    )
    if grant is None or Guardian.objects.filter(student=child, person=grant.user.person).exists():
        return
    guardian_link(
        student=child, person=grant.user.person, relationship=Relationship.FATHER, is_primary=True
    )
    context.count("guardians")
