"""``manage.py seed_demo``: demo data for the embedded mode (`make run`). DEMO ONLY.

Lives in the top layer because it seeds every layer. Idempotent: each object is looked up by its
natural key (code, DUI, role + scope) and created only when missing, so a second run changes
nothing. Everything runs in one transaction. Refuses to run when ``DEBUG`` is off unless
``--force`` is given, so production is never seeded by accident.

Add the seeding of a new layer as one more ``_seed_*`` step called from ``handle``.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from core.accounts.choices import Role, ScopeKind, Sex
from core.accounts.models import Person, RoleGrant, User
from core.accounts.services import person_create, role_grant, user_create
from helpdesk.models import Queue, Service, Team, Ticket
from helpdesk.services import ticket_create
from modules.schools.catalogue import read_district_file
from modules.schools.choices import SchoolClassification, SchoolSector, Shift, Zone
from modules.schools.geography import DISTRICTS_FILE, geography_upsert
from modules.schools.models import Department, District, Municipality, School, Section
from modules.schools.services import districts_import, school_create, section_create

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
)


DEMO_CITIZEN_DUI = "02026001-0"
DEMO_GUARDIAN_DUI = "02026002-8"
DEMO_TEACHER_DUI = "02026003-6"
DEMO_TECHNICIAN_DUI = "02026004-4"
DEMO_SUPERVISOR_DUI = "02026005-2"
DEMO_HELPDESK_DUIS = (DEMO_CITIZEN_DUI, DEMO_TECHNICIAN_DUI, DEMO_SUPERVISOR_DUI)
DEMO_TEAM_NAME = "Mesa de ayuda (demostración)"
# (service code, answers — None takes the field's first choice —, description)
DEMO_REQUESTS = (
    (
        "certificacion-de-notas",
        {
            "nie": "10000001",
            "nombre_estudiante": "Sofía Marisol Hernández Rivas",
            "codigo_centro": "DEMO-001",
            "grados": "1.º a 3.er grado",
            "anio_desde": 2023,
            "anio_hasta": 2025,
            "finalidad": None,
        },
        "Necesito la certificación de notas para una beca.",
    ),
    (
        "problema-con-siges",
        {"modulo": None},
        "No puedo ver las notas de mi hija en el portal.",
    ),
)


class Command(BaseCommand):
    help = (
        "Load demo data (geography, districts, schools, sections and one account per role). "
        "Idempotent. DEMO ONLY: refuses to run with DEBUG off unless --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (never on a production database).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo solo carga datos de demostración y DEBUG está desactivado; use --force "
                "si de verdad quiere sembrar esta base de datos. / seed_demo only loads demo data "
                "and DEBUG is off; pass --force if you really mean to seed this database."
            )
        self.created: dict[str, int] = {}
        with transaction.atomic():
            self._seed_geography()
            schools = self._seed_schools()
            rows = self._seed_accounts(schools)
            self._seed_helpdesk()
            self._seed_data_corrections()
        total = sum(self.created.values())
        if total:
            detail = ", ".join(f"{name}: {count}" for name, count in self.created.items() if count)
            self.stdout.write(
                self.style.SUCCESS(f"Datos de demostración creados / created: {detail}")
            )
        else:
            self.stdout.write(
                "Los datos de demostración ya existían; no se cambió nada. / "
                "Demo data already present; nothing changed."
            )
        self._print_accounts(rows)

    def _count(self, name: str, amount: int = 1) -> None:
        self.created[name] = self.created.get(name, 0) + amount

    # --- Layer: modules.schools ---------------------------------------------------------------

    def _seed_geography(self) -> None:
        departments, municipalities = geography_upsert(Department, Municipality)
        self._count("departments", departments)
        self._count("municipalities", municipalities)
        rows, errors = read_district_file(DISTRICTS_FILE)
        if errors:
            raise CommandError("\n".join(errors))
        try:
            result = districts_import(rows=rows, source=DISTRICTS_FILE.name)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self._count("districts", result.created + result.updated)

    def _seed_schools(self) -> dict[str, School]:
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
                    district=District.objects.get(
                        municipality=municipality, name=demo.district_name
                    ),
                    address=demo.address,
                    phone=demo.phone,
                    attached_to=schools.get(demo.attached_to),
                )
                self._count("schools")
            schools[demo.code] = school
            for grade, name, shift in demo.sections:
                exists = Section.objects.filter(
                    school=school, school_year=DEMO_SCHOOL_YEAR, grade=grade, name=name, shift=shift
                ).exists()
                if not exists:
                    section_create(
                        school=school,
                        school_year=DEMO_SCHOOL_YEAR,
                        grade=grade,
                        name=name,
                        shift=shift,
                    )
                    self._count("sections")
        return schools

    # --- Layer: helpdesk ------------------------------------------------------------------------

    def _seed_helpdesk(self) -> None:
        """A team serving every shipped queue (the demo technician and supervisor), and two
        requests from the demo citizen so the Bandeja and "Mis trámites" are not empty."""
        by_dui = {user.dui: user for user in User.objects.filter(dui__in=DEMO_HELPDESK_DUIS)}
        team, created = Team.objects.get_or_create(name=DEMO_TEAM_NAME)
        self._count("teams", int(created))
        staff = [by_dui[DEMO_TECHNICIAN_DUI], by_dui[DEMO_SUPERVISOR_DUI]]
        if created or set(team.members.all()) != set(staff):
            team.members.set(staff)
            team.queues.set(Queue.objects.filter(is_active=True))
        citizen = by_dui[DEMO_CITIZEN_DUI]
        if Ticket.objects.filter(requester=citizen).exists():
            return
        for code, answers, description in DEMO_REQUESTS:
            service = Service.objects.prefetch_related("fields").get(code=code)
            data = {
                key: (service.fields.get(key=key).choice_pairs()[0][0] if value is None else value)
                for key, value in answers.items()
            }
            try:
                ticket_create(
                    requester=citizen, service=service, data=data, description=description
                )
            except ValidationError as exc:
                raise CommandError(f"{code}: {exc.messages}") from exc
            self._count("tickets")

    # --- Layer: workflows ---------------------------------------------------------------------

    def _seed_data_corrections(self) -> None:
        """One data correction waiting at each step (see workflows/data_correction/demo.py)."""
        from workflows.data_correction.demo import seed_demo_corrections

        created = seed_demo_corrections(
            technician=DEMO_TECHNICIAN_DUI,
            teacher=DEMO_TEACHER_DUI,
            citizen=DEMO_CITIZEN_DUI,
            guardian=DEMO_GUARDIAN_DUI,
        )
        self._count("data corrections", created)

    # --- Layer: core.accounts -----------------------------------------------------------------

    def _seed_accounts(self, schools: dict[str, School]) -> list[tuple[DemoAccount, str]]:
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
                self._count("users")
            target = self._scope_target(demo, user, schools)
            lookup = {} if demo.scope_kind == ScopeKind.NATIONAL else {demo.scope_kind: target}
            if not RoleGrant.objects.filter(
                user=user, role=demo.role, scope_kind=demo.scope_kind, **lookup
            ).exists():
                role_grant(user=user, role=demo.role, scope_kind=demo.scope_kind, target=target)
                self._count("role grants")
            rows.append((demo, self._scope_label(demo, target)))
        return rows

    def _scope_target(self, demo: DemoAccount, user: User, schools: dict[str, School]) -> Any:
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
                school=schools[school_code], school_year=DEMO_SCHOOL_YEAR, grade=grade, name=name
            )
        if demo.target == "self":
            return user.person
        return self._demo_child()

    def _demo_child(self) -> Person:
        # A minor has no DUI: the demo child is found by name and birth date.
        child = Person.objects.filter(
            dui__isnull=True,
            first_names=DEMO_CHILD["first_names"],
            last_names=DEMO_CHILD["last_names"],
            birth_date=DEMO_CHILD["birth_date"],
        ).first()
        if child is None:
            child = person_create(**DEMO_CHILD)
            self._count("people")
        return child

    @staticmethod
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

    def _print_accounts(self, rows: list[tuple[DemoAccount, str]]) -> None:
        header = ("DUI", "Rol / Role", "Ámbito / Scope", "Contraseña / Password")
        table = [header] + [
            (demo.dui, f"{Role(demo.role).label} / {demo.role}", scope, demo.password)
            for demo, scope in rows
        ]
        widths = [max(len(str(row[column])) for row in table) for column in range(len(header))]
        rule = "  ".join("-" * width for width in widths)
        self.stdout.write("")
        self.stdout.write(
            "Cuentas de demostración (solo para pruebas locales) / "
            "Demo accounts (local testing only):"
        )
        self.stdout.write(rule)
        for index, row in enumerate(table):
            self.stdout.write(
                "  ".join(
                    str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
            if index == 0:
                self.stdout.write(rule)
        self.stdout.write(rule)
