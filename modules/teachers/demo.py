"""Demo data of the teachers module for ``manage.py seed_demo`` (core/demo.py).

The demo school DEMO-001 gets its staff: the demo teacher (Ana Gabriela Martínez Flores) and the
demo director get teacher records, five invented colleagues (DUIs 02026100-x … 02026104-x)
join them, all appointed to the school; every subject of the school's 2026 sections is given to
a teacher and placed in the week, without clashes, through the services.

DEMO ONLY. Idempotent: a teacher is found by NIP, an appointment by its natural key, an
assignment by section and subject, a period by section, weekday and period.
"""

from __future__ import annotations

from datetime import date

from core.accounts.choices import Role, ScopeKind
from core.accounts.dui import dui_check_digit
from core.accounts.models import Person, RoleGrant, User
from core.accounts.services import person_create, role_grant, user_create
from core.demo import DemoContext
from core.exceptions import Conflict
from modules.schools.demo import DEMO_SCHOOL_YEAR
from modules.schools.models import School, Section

from .choices import ContractType, DegreeKind, Funding, Position
from .models import SubjectAssignment, Teacher, TimetableSlot
from .services import (
    assignment_set,
    degree_add,
    teacher_upsert,
    timetable_slot_add,
    training_add,
)

DEMO_SCHOOL = "DEMO-001"
DEMO_TEACHER_DUI = "02026003-6"
DEMO_DIRECTOR_DUI = "02026006-0"
APPOINTED_ON = date(2018, 1, 15)
PERIODS_PER_DAY = 5


def demo_dui(n: int) -> str:
    """A DUI of the teachers' demo range 02026100-x … 02026199-x."""
    body = f"{2026100 + n:08d}"
    return f"{body}-{dui_check_digit(body)}"


_T, _S = Position.TEACHER, Position.SUPPORT
# (first names, last names, NIP, specialty, level, category, position)
COLLEAGUES = (
    ("Julio César", "Rodríguez Amaya", "1000103", "Matemática", "2", 3, _T),
    ("María Teresa", "Sánchez Villeda", "1000104", "Lenguaje y Literatura", "1", 4, _T),
    ("Francisco Javier", "Peña Marroquín", "1000105", "Ciencias Naturales", "2", 2, _T),
    ("Ingrid Carolina", "Lara Umaña", "1000106", "Educación Física", "1", 5, _T),
    ("Walter Ernesto", "Contreras Díaz", "1000107", "Inglés", "1", 6, _S),
)  # fmt: skip
# The one colleague with an account (a school grant as teacher), who has a leave to register.
COLLEAGUE_WITH_ACCOUNT = 0
# Demo only, like every demo password (modules/schools/demo.py).
COLLEAGUE_PASSWORD = "demo-teacher-2026"  # noqa: S105


def _person(context: DemoContext, dui: str, first_names: str, last_names: str) -> Person:
    person = Person.objects.filter(dui=dui).first()
    if person is None:
        person = person_create(dui=dui, first_names=first_names, last_names=last_names)
        context.count("people")
    return person


def _teacher(
    context: DemoContext,
    school: School,
    person: Person,
    nip: str,
    specialty: str,
    level: str,
    category: int,
    position: str,
) -> Teacher:
    is_new = not Teacher.objects.filter(nip=nip).exists()
    teacher, _changed = teacher_upsert(
        person=person,
        nip=nip,
        specialty=specialty,
        escalafon_level=level,
        escalafon_category=category,
        school=school,
        position=position,
        shift="matutino",
        contract_type=ContractType.SALARY_LAW,
        funding=Funding.GENERAL_FUND,
        start_date=APPOINTED_ON,
    )
    if is_new:
        context.count("teachers")
        degree_add(
            teacher=teacher,
            kind=DegreeKind.PROFESORADO if level == "1" else DegreeKind.LICENCIATURA,
            title=f"{'Profesorado' if level == '1' else 'Licenciatura'} en {specialty}",
            institution="Universidad de El Salvador",
            year=2010 + category,
        )
        training_add(
            teacher=teacher,
            name="Evaluación formativa en el aula",
            provider="Ministerio de Educación",
            hours=40,
            start_date=date(2025, 6, 2),
            end_date=date(2025, 6, 27),
        )
    return teacher


def _colleague_account(context: DemoContext, person: Person, school: School) -> None:
    user = User.objects.filter(person=person).first()
    if user is None:
        user = user_create(
            dui=person.dui,
            password=COLLEAGUE_PASSWORD,
            person=person,
            email="docente-2@demo.siges.localhost",
        )
        context.count("users")
    if not RoleGrant.objects.filter(user=user, role=Role.TEACHER, school=school).exists():
        role_grant(user=user, role=Role.TEACHER, scope_kind=ScopeKind.SCHOOL, target=school)
        context.count("role grants")


def seed_teachers(context: DemoContext) -> None:
    school = School.objects.select_related("municipality").get(code=DEMO_SCHOOL)
    teachers: list[Teacher] = []
    own = (
        (DEMO_TEACHER_DUI, "1000101", "Educación Básica", "1", 4, Position.TEACHER),
        (DEMO_DIRECTOR_DUI, "1000102", "Administración Escolar", "2", 2, Position.DIRECTOR),
    )
    for dui, nip, specialty, level, category, position in own:
        person = Person.objects.get(dui=dui)
        teachers.append(
            _teacher(context, school, person, nip, specialty, level, category, position)
        )
    for index, (first, last, nip, specialty, level, category, position) in enumerate(COLLEAGUES):
        person = _person(context, demo_dui(index), first, last)
        teachers.append(
            _teacher(context, school, person, nip, specialty, level, category, position)
        )
        if index == COLLEAGUE_WITH_ACCOUNT:
            _colleague_account(context, person, school)
    context.data["demo_teachers"] = teachers

    # Everyone but the director teaches; subjects go round the teachers section by section.
    classroom = [t for t in teachers if t.nip != "1000102"]
    sections = (
        Section.objects.filter(school=school, school_year_id=DEMO_SCHOOL_YEAR)
        .exclude(study_plan__isnull=True)
        .select_related("school__municipality", "study_plan")
        .order_by("grade__position", "name")
    )
    turn = 0
    for section in sections:
        subjects = list(section.study_plan.subjects.order_by("position"))
        assignments = []
        for subject in subjects:
            assignment = SubjectAssignment.objects.filter(section=section, subject=subject).first()
            if assignment is None:
                teacher = classroom[turn % len(classroom)]
                assignment = assignment_set(section=section, subject=subject, teacher=teacher)
                context.count("subject assignments")
            turn += 1
            assignments.append(assignment)
        _timetable(context, section, assignments)


def _timetable(context: DemoContext, section: Section, assignments: list) -> None:
    """Fill Monday to Friday, PERIODS_PER_DAY periods, rotating the subjects; a period that
    would make a teacher be in two places at once is left to the next subject."""
    if not assignments or TimetableSlot.objects.filter(section=section).exists():
        return
    rotation = 0
    for weekday in range(1, 6):
        for period in range(1, PERIODS_PER_DAY + 1):
            for attempt in range(len(assignments)):
                assignment = assignments[(rotation + attempt) % len(assignments)]
                try:
                    timetable_slot_add(assignment=assignment, weekday=weekday, period=period)
                except Conflict:
                    continue
                context.count("timetable periods")
                rotation += attempt + 1
                break
