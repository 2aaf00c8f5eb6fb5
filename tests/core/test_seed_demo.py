"""``manage.py seed_demo``: idempotent demo data with one working account per role."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from core.accounts.dui import normalize_dui
from core.accounts.models import Person, RoleGrant, User
from core.audit.models import AuditEvent
from modules.schools.demo import DEMO_ACCOUNTS
from modules.schools.models import Department, District, Municipality, School, Section

MODELS = (Department, Municipality, District, School, Section, Person, User, RoleGrant, AuditEvent)

# The design: role → (scope kind, what the scope points at).
EXPECTED_GRANTS = {
    "02026001-0": ("citizen", "person", "Carmen Elena Rivas Molina"),
    "02026002-8": ("guardian", "person", "Sofía Marisol Hernández Rivas"),
    "02026003-6": ("teacher", "section", "DEMO-001 4.º grado A 2026"),
    "02026004-4": ("technician", "national", ""),
    "02026005-2": ("supervisor", "national", ""),
    "02026006-0": ("director", "school", "DEMO-001"),
    "02026007-8": ("departmental_officer", "department", "San Salvador"),
    "02026008-6": ("ministry_officer", "national", ""),
    "02026009-4": ("auditor", "national", ""),
    "02026010-9": ("administrator", "national", ""),
    "02026011-7": ("registrar", "school", "DEMO-001"),
    "02026012-5": ("treasurer", "school", "DEMO-001"),
    "02026013-3": ("hr_officer", "department", "San Salvador"),
    "02026014-1": ("finance_reviewer", "department", "San Salvador"),
    "02026015-9": ("title_authenticator", "national", ""),
    "02026016-7": ("print_centre", "national", ""),
}


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def describe(grant: RoleGrant) -> tuple[str, str, str]:
    target = ""
    if grant.scope_kind == "person":
        target = grant.person.full_name
    elif grant.scope_kind == "section":
        section = grant.section
        target = f"{section.school.code} {section.grade} {section.name} {section.school_year}"
    elif grant.scope_kind == "department":
        target = grant.department.name
    elif grant.scope_kind == "school":
        target = grant.school.code
    return (grant.role, grant.scope_kind, target)


def test_refuses_to_run_with_debug_off_without_force(db, settings):
    settings.DEBUG = False
    before = counts()

    with pytest.raises(CommandError, match="--force"):
        seed()

    assert counts() == before
    assert not User.objects.filter(dui__in=EXPECTED_GRANTS).exists()


def test_runs_with_debug_on_without_force(db, settings):
    settings.DEBUG = True

    seed()

    assert User.objects.filter(dui__in=EXPECTED_GRANTS).count() == len(EXPECTED_GRANTS)


def test_second_run_creates_nothing(db):
    first_output = seed("--force")
    after_first = counts()

    second_output = seed("--force")

    assert counts() == after_first
    assert "schools: 8" in first_output
    assert "nothing changed" in second_output
    # the account table is printed every time
    for output in (first_output, second_output):
        assert "Contraseña / Password" in output
        assert "02026010-9" in output
        assert "demo-administrator-2026" in output


def test_seeds_the_geography_schools_and_2026_sections(db):
    seed("--force")

    assert Department.objects.count() == 14
    assert Municipality.objects.count() == 44
    assert District.objects.count() == 262
    schools = School.objects.filter(code__startswith="DEMO-")
    per_department = {
        name: schools.filter(municipality__department__name=name).count()
        for name in ("San Salvador", "La Libertad")
    }
    assert per_department == {"San Salvador": 4, "La Libertad": 4}
    assert all(school.district.municipality_id == school.municipality_id for school in schools)
    assert School.objects.get(code="DEMO-002").attached_to.code == "DEMO-001"
    # Every section is of 2026 but the one 2025 graduating section the titles step adds to
    # DEMO-001 (workflows/titles/demo.py).
    assert set(Section.objects.values_list("school_year", flat=True)) == {2025, 2026}
    graduating = Section.objects.get(school_year=2025)
    assert (graduating.school.code, graduating.grade.name) == (
        "DEMO-001",
        "2.º año de bachillerato",
    )
    assert Section.objects.filter(school__in=schools, school_year=2026).count() == 21
    assert all(school.sections.exists() for school in schools)


def test_every_demo_user_has_exactly_the_designed_role_and_scope(db):
    seed("--force")

    users = User.objects.filter(dui__in=EXPECTED_GRANTS)
    assert users.count() == len(EXPECTED_GRANTS) == len(DEMO_ACCOUNTS)
    for user in users:
        grants = [describe(grant) for grant in user.role_grants.all()]
        assert grants == [EXPECTED_GRANTS[user.dui]], user.dui
        # only the administrator reaches the Django admin
        is_admin = user.dui == "02026010-9"
        assert (user.is_staff, user.is_superuser) == (is_admin, is_admin), user.dui


def test_every_demo_user_can_log_in_with_dui_and_password(db):
    seed("--force")

    for number, account in enumerate(DEMO_ACCOUNTS, start=1):
        # One address per account: the wrong-password checks must not add up to an axes lockout.
        request = RequestFactory().post("/cuentas/ingresar/", REMOTE_ADDR=f"10.0.0.{number}")
        user = authenticate(request=request, dui=account.dui, password=account.password)
        assert user is not None, account.role
        assert user.dui == account.dui
        wrong = authenticate(request=request, dui=account.dui, password="no-es-la-clave-2026")
        assert wrong is None, account.role


def test_demo_duis_are_valid_and_passwords_meet_the_policy(db):
    for account in DEMO_ACCOUNTS:
        assert normalize_dui(account.dui) == account.dui
        assert len(account.password) >= 15
        validate_password(account.password)
    assert len({account.password for account in DEMO_ACCOUNTS}) == len(DEMO_ACCOUNTS)


def test_the_demo_technician_finds_the_citizens_requests_in_the_bandeja(db, client):
    from django.urls import reverse

    from helpdesk.models import Team, Ticket

    seed("--force")
    seed("--force")  # idempotent: still two requests, one team

    citizen = User.objects.get(dui="02026001-0")
    technician = User.objects.get(dui="02026004-4")
    # Her two general requests (the demo data correction is a process: see its own test)
    tickets = Ticket.objects.filter(requester=citizen).exclude(
        service__code="correccion-de-datos-personales"
    )
    assert tickets.count() == 2
    assert Team.objects.filter(members=technician).count() == 1
    client.force_login(technician)
    response = client.get(reverse("work:bandeja"))
    assert response.status_code == 200
    page = response.content.decode()
    for ticket in tickets:
        assert ticket.number in page


@pytest.mark.parametrize(
    ("dui", "has_bandeja"),
    [
        ("02026003-6", True),  # teacher
        ("02026006-0", True),  # director
        ("02026007-8", True),  # departmental officer
        ("02026008-6", True),  # ministry officer
        ("02026001-0", False),  # citizen
        ("02026002-8", False),  # guardian
        ("02026009-4", False),  # auditor
    ],
)
def test_demo_accounts_with_work_roles_have_a_bandeja_and_the_others_do_not(
    db, client, dui, has_bandeja
):
    from django.urls import reverse

    seed("--force")
    client.force_login(User.objects.get(dui=dui))

    response = client.get(reverse("work:bandeja"))
    home = client.get("/").content.decode()

    assert response.status_code == (200 if has_bandeja else 403)
    assert (f'href="{reverse("work:bandeja")}"' in home) is has_bandeja
