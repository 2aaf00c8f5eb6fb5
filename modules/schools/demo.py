"""Demo data of this layer for ``manage.py seed_demo`` (core/demo.py): geography, the invented
schools with their 2026 sections, and one account per role, whose scopes point at them.

DEMO ONLY. Idempotent: each object is looked up by its natural key (code, DUI, role + scope)
and created only when missing.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from core.accounts.choices import Role, ScopeKind, Sex
from core.accounts.models import Person, RoleGrant, User
from core.accounts.services import person_create, role_grant, user_create
from core.demo import DemoContext

from .catalogue import read_district_file
from .choices import SchoolClassification, SchoolSector, Shift, Zone
from .geography import DISTRICTS_FILE, geography_upsert
from .models import Department, District, Municipality, School, Section
from .services import districts_import, school_create, section_create

DEMO_SCHOOL_YEAR = 2026


@dataclass(frozen=True)
class DemoSchool:
    code: str
    name: str
    sector: str
    classification: str
    zone: str
    municipality_code: str
    district_name: str
    address: str
    phone: str
    sections: tuple[tuple[str, str, str], ...]  # (grade, section name, shift)
    attached_to: str = ""  # code of the parent school


_BASIC = (
    ("1.º grado", "A", Shift.MORNING),
    ("4.º grado", "A", Shift.MORNING),
    ("9.º grado", "A", Shift.AFTERNOON),
)
_MEDIA = (
    ("1.º año de bachillerato", "A", Shift.MORNING),
    ("1.º año de bachillerato", "B", Shift.AFTERNOON),
    ("2.º año de bachillerato", "A", Shift.MORNING),
)

# Invented schools: four in San Salvador (one attached to another) and four in La Libertad.
DEMO_SCHOOLS = (
    DemoSchool(
        code="DEMO-001",
        name="Centro Escolar Los Almendros",
        sector=SchoolSector.PUBLIC,
        classification=SchoolClassification.CENTRO_ESCOLAR,
        zone=Zone.URBAN,
        municipality_code="0604",  # San Salvador Centro
        district_name="Mejicanos",
        address="Calle Los Almendros 12, Mejicanos",
        phone="2200-0001",
        sections=_BASIC,
    ),
    DemoSchool(
        code="DEMO-002",
        name="Escuela de Educación Parvularia Arcoíris",
        sector=SchoolSector.PUBLIC,
        classification=SchoolClassification.PARVULARIA,
        zone=Zone.URBAN,
        municipality_code="0604",
        district_name="Mejicanos",
        address="Pasaje Arcoíris 3, Mejicanos",
        phone="2200-0002",
        sections=(
            ("Parvularia 4 años", "A", Shift.MORNING),
            ("Parvularia 5 años", "A", Shift.MORNING),
        ),
        attached_to="DEMO-001",
    ),
    DemoSchool(
        code="DEMO-003",
        name="Instituto Nacional Vista al Lago",
        sector=SchoolSector.PUBLIC,
        classification=SchoolClassification.INSTITUTO_NACIONAL,
        zone=Zone.URBAN,
        municipality_code="0603",  # San Salvador Este
        district_name="Ilopango",
        address="Avenida del Lago 45, Ilopango",
        phone="2200-0003",
        sections=_MEDIA,
    ),
    DemoSchool(
        code="DEMO-004",
        name="Centro Escolar Caserío El Zapote",
        sector=SchoolSector.PUBLIC,
        classification=SchoolClassification.CENTRO_ESCOLAR,
        zone=Zone.RURAL,
        municipality_code="0605",  # San Salvador Sur
        district_name="Panchimalco",
        address="Caserío El Zapote, Panchimalco",
        phone="",
        sections=_BASIC[:2],
    ),
    DemoSchool(
        code="DEMO-005",
        name="Complejo Educativo Puerto Azul",
        sector=SchoolSector.PUBLIC,
        classification=SchoolClassification.COMPLEJO_EDUCATIVO,
        zone=Zone.URBAN,
        municipality_code="0505",  # La Libertad Costa
        district_name="La Libertad",
        address="Calle El Malecón 8, Puerto de La Libertad",
        phone="2300-0005",
        sections=_BASIC + _MEDIA[:1],
    ),
    DemoSchool(
        code="DEMO-006",
        name="Centro Escolar Cantón Los Laureles",
        sector=SchoolSector.PUBLIC,
        classification=SchoolClassification.CENTRO_ESCOLAR,
        zone=Zone.RURAL,
        municipality_code="0506",  # La Libertad Sur
        district_name="Comasagua",
        address="Cantón Los Laureles, Comasagua",
        phone="",
        sections=_BASIC[:2],
    ),
    DemoSchool(
        code="DEMO-007",
        name="Instituto Nacional Valle Verde",
        sector=SchoolSector.PUBLIC,
        classification=SchoolClassification.INSTITUTO_NACIONAL,
        zone=Zone.URBAN,
        municipality_code="0501",  # La Libertad Norte
        district_name="Quezaltepeque",
        address="Final Calle Valle Verde, Quezaltepeque",
        phone="2300-0007",
        sections=_MEDIA,
    ),
    DemoSchool(
        code="DEMO-008",
        name="Colegio Montebello",
        sector=SchoolSector.PRIVATE,
        classification=SchoolClassification.COLEGIO,
        zone=Zone.URBAN,
        municipality_code="0506",
        district_name="Santa Tecla",
        address="Avenida Montebello 21, Santa Tecla",
        phone="2300-0008",
        sections=(("1.º grado", "A", Shift.MORNING), ("6.º grado", "A", Shift.MORNING)),
    ),
)


@dataclass(frozen=True)
class DemoAccount:
    role: str
    dui: str
    first_names: str
    last_names: str
    scope_kind: str
    # What the scope points at: a department code, a school code, (school code, grade, name)
    # for a section, "self" or "child" for a person scope; empty for national.
    target: Any = ""
    is_admin: bool = False

    @property
    def password(self) -> str:
        # Demo only: readable on purpose and printed by `make run`. Never use on a real server.
        return f"demo-{self.role.replace('_', '-')}-{DEMO_SCHOOL_YEAR}"


DEMO_CHILD = {
    "first_names": "Sofía Marisol",
    "last_names": "Hernández Rivas",
    "birth_date": date(2016, 3, 14),
    "sex": Sex.FEMALE,
}

DEMO_ACCOUNTS = (
    DemoAccount(
        Role.CITIZEN, "02026001-0", "Carmen Elena", "Rivas Molina", ScopeKind.PERSON, "self"
    ),
    DemoAccount(
        Role.GUARDIAN, "02026002-8", "José Antonio", "Hernández Portillo", ScopeKind.PERSON, "child"
    ),
    DemoAccount(
        Role.TEACHER,
        "02026003-6",
        "Ana Gabriela",
        "Martínez Flores",
        ScopeKind.SECTION,
        ("DEMO-001", "4.º grado", "A"),
    ),
    # National, like the shipped queues it works (a department grant only covers the queues of
    # that department).
    DemoAccount(
        Role.TECHNICIAN, "02026004-4", "Luis Ernesto", "Guevara Campos", ScopeKind.NATIONAL
    ),
    DemoAccount(Role.SUPERVISOR, "02026005-2", "Rosa Idalia", "Mejía Orellana", ScopeKind.NATIONAL),
    DemoAccount(
        Role.DIRECTOR, "02026006-0", "Mario Alberto", "Castro Aguilar", ScopeKind.SCHOOL, "DEMO-001"
    ),
    DemoAccount(
        Role.DEPARTMENTAL_OFFICER,
        "02026007-8",
        "Claudia Beatriz",
        "Ramírez Serrano",
        ScopeKind.DEPARTMENT,
        "06",
    ),
    DemoAccount(
        Role.MINISTRY_OFFICER, "02026008-6", "Jorge Rafael", "Alvarado Pineda", ScopeKind.NATIONAL
    ),
    DemoAccount(
        Role.AUDITOR, "02026009-4", "Patricia Guadalupe", "Menjívar López", ScopeKind.NATIONAL
    ),
    DemoAccount(
        Role.ADMINISTRATOR,
        "02026010-9",
        "Roberto Carlos",
        "Quintanilla Ayala",
        ScopeKind.NATIONAL,
        is_admin=True,
    ),
    DemoAccount(
        Role.REGISTRAR,
        "02026011-7",
        "Karla Yesenia",
        "Portillo Arévalo",
        ScopeKind.SCHOOL,
        "DEMO-001",
    ),
    DemoAccount(
        Role.TREASURER,
        "02026012-5",
        "Óscar Armando",
        "Henríquez Solís",
        ScopeKind.SCHOOL,
        "DEMO-001",
    ),
    DemoAccount(
        Role.HR_OFFICER, "02026013-3", "Silvia Marlene", "Cruz Villalta", ScopeKind.DEPARTMENT, "06"
    ),
    DemoAccount(
        Role.FINANCE_REVIEWER,
        "02026014-1",
        "Ernesto Javier",
        "Lemus Cañas",
        ScopeKind.DEPARTMENT,
        "06",
    ),
    DemoAccount(
        Role.TITLE_AUTHENTICATOR,
        "02026015-9",
        "Gloria Esperanza",
        "Molina Funes",
        ScopeKind.NATIONAL,
    ),
    DemoAccount(
        Role.PRINT_CENTRE, "02026016-7", "Raúl Antonio", "Zelaya Mendoza", ScopeKind.NATIONAL
    ),
)


def seed_geography(context: DemoContext) -> None:
    departments, municipalities = geography_upsert(Department, Municipality)
    context.count("departments", departments)
    context.count("municipalities", municipalities)
    rows, errors = read_district_file(DISTRICTS_FILE)
    if errors:
        raise CommandError("\n".join(errors))
    try:
        result = districts_import(rows=rows, source=DISTRICTS_FILE.name)
    except ValidationError as exc:
        raise CommandError("\n".join(exc.messages)) from exc
    context.count("districts", result.created + result.updated)


def seed_schools(context: DemoContext) -> None:
    schools: dict[str, School] = {}
    for demo in DEMO_SCHOOLS:
        school = School.objects.filter(code=demo.code).first()
        if school is None:
            municipality = Municipality.objects.get(code=demo.municipality_code)
            school = school_create(
                code=demo.code,
                name=demo.name,
                sector=demo.sector,
                classification=demo.classification,
                zone=demo.zone,
                municipality=municipality,
                district=District.objects.get(municipality=municipality, name=demo.district_name),
                address=demo.address,
                phone=demo.phone,
                attached_to=schools.get(demo.attached_to),
            )
            context.count("schools")
        schools[demo.code] = school
        for grade, name, shift in demo.sections:
            exists = Section.objects.filter(
                school=school,
                school_year=DEMO_SCHOOL_YEAR,
                grade__name=grade,
                name=name,
                shift=shift,
            ).exists()
            if not exists:
                section_create(
                    school=school,
                    school_year=DEMO_SCHOOL_YEAR,
                    grade=grade,
                    name=name,
                    shift=shift,
                )
                context.count("sections")
    context.data["schools"] = schools


def seed_accounts(context: DemoContext) -> None:
    """One account per role; the command prints them (``context.data["accounts"]``)."""
    schools: dict[str, School] = context.data["schools"]
    rows = []
    for demo in DEMO_ACCOUNTS:
        user = User.objects.select_related("person").filter(dui=demo.dui).first()
        if user is None:
            user = user_create(
                dui=demo.dui,
                password=demo.password,
                first_names=demo.first_names,
                last_names=demo.last_names,
                email=f"{demo.role.replace('_', '-')}@demo.siges.localhost",
                is_staff=demo.is_admin,
                is_superuser=demo.is_admin,
            )
            context.count("users")
        target = _scope_target(context, demo, user, schools)
        lookup = {} if demo.scope_kind == ScopeKind.NATIONAL else {demo.scope_kind: target}
        if not RoleGrant.objects.filter(
            user=user, role=demo.role, scope_kind=demo.scope_kind, **lookup
        ).exists():
            role_grant(user=user, role=demo.role, scope_kind=demo.scope_kind, target=target)
            context.count("role grants")
        rows.append(
            (
                demo.dui,
                f"{Role(demo.role).label} / {demo.role}",
                _scope_label(demo, target),
                demo.password,
            )
        )
    context.data["accounts"] = rows


def _scope_target(
    context: DemoContext, demo: DemoAccount, user: User, schools: dict[str, School]
) -> Any:
    kind = demo.scope_kind
    if kind == ScopeKind.NATIONAL:
        return None
    if kind == ScopeKind.DEPARTMENT:
        return Department.objects.get(code=demo.target)
    if kind == ScopeKind.SCHOOL:
        return schools[demo.target]
    if kind == ScopeKind.SECTION:
        school_code, grade, name = demo.target
        return Section.objects.get(
            school=schools[school_code],
            school_year=DEMO_SCHOOL_YEAR,
            grade__name=grade,
            name=name,
        )
    if demo.target == "self":
        return user.person
    return _demo_child(context)


def _demo_child(context: DemoContext) -> Person:
    # A minor has no DUI: the demo child is found by name and birth date.
    child = Person.objects.filter(
        dui__isnull=True,
        first_names=DEMO_CHILD["first_names"],
        last_names=DEMO_CHILD["last_names"],
        birth_date=DEMO_CHILD["birth_date"],
    ).first()
    if child is None:
        child = person_create(**DEMO_CHILD)
        context.count("people")
    return child


def _scope_label(demo: DemoAccount, target: Any) -> str:
    kind = ScopeKind(demo.scope_kind)
    if kind == ScopeKind.NATIONAL:
        return "Nacional / national"
    if kind == ScopeKind.SECTION:
        return f"Sección / section: {target} · {target.school.code}"
    english = {
        ScopeKind.DEPARTMENT: "department",
        ScopeKind.SCHOOL: "school",
        ScopeKind.PERSON: "person",
    }[kind]
    return f"{kind.label} / {english}: {target}"
