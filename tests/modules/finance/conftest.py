"""Fixtures of school finances: a school in a department, its treasurer and director, a
departmental finance reviewer, and the school's transfer allocation for the fiscal year."""

from decimal import Decimal

import pytest
from django.apps import apps as django_apps

from core.accounts.choices import Role, ScopeKind
from modules.finance.catalogue import categories_load
from modules.finance.models import Allocation, Category, FiscalYear, Transfer
from tests.factories import DepartmentFactory, SchoolFactory

YEAR = 2026
TRANSFER = Decimal("3000.00")


@pytest.fixture
def categories(db):
    categories_load(django_apps)
    return {c.code: c for c in Category.objects.all()}


@pytest.fixture
def school(db):
    return SchoolFactory(code="CE-7701")


@pytest.fixture
def other_school(db):
    return SchoolFactory(code="CE-8802")


@pytest.fixture
def treasurer(make_user, school):
    return make_user(role=Role.TREASURER, scope_kind=ScopeKind.SCHOOL, target=school)


@pytest.fixture
def director(make_user, school):
    return make_user(role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=school)


@pytest.fixture
def reviewer(make_user, school):
    return make_user(
        role=Role.FINANCE_REVIEWER,
        scope_kind=ScopeKind.DEPARTMENT,
        target=school.municipality.department,
    )


@pytest.fixture
def far_reviewer(make_user):
    return make_user(
        role=Role.FINANCE_REVIEWER, scope_kind=ScopeKind.DEPARTMENT, target=DepartmentFactory()
    )


@pytest.fixture
def allocation(db, school):
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=YEAR)
    transfer = Transfer.objects.create(
        fiscal_year=fiscal_year,
        name="Funcionamiento",
        total=Decimal("1000000000.00"),
        school_ceiling=Decimal("5000.00"),
    )
    return Allocation.objects.create(
        transfer=transfer,
        school=school,
        department_id=school.municipality.department_id,
        amount=TRANSFER,
    )


def add_lines(actor, budget, categories, *, transfer_expense="3000.00", own_expense="100.00"):
    """A balanced budget: the whole transfer spent, own income above own spending."""
    from modules.finance.services import budget_line_add

    rows = [
        ("income", "transfer", "ING-TRANSF", "Transferencia", str(TRANSFER)),
        ("income", "own", "ING-PROPIOS", "Tienda escolar", "250.00"),
        ("expense", "transfer", "MAT-DIDACT", "Materiales", "1000.00"),
        ("expense", "own", "ACT-EDUC", "Actividades", own_expense),
    ]
    if transfer_expense:
        rest = Decimal(transfer_expense) - Decimal("1000.00")
        if rest:
            rows.append(("expense", "transfer", "MANTENIM", "Mantenimiento", str(rest)))
    for kind, source, code, description, amount in rows:
        budget_line_add(
            actor=actor,
            budget=budget,
            kind=kind,
            source=source,
            category=categories[code],
            description=description,
            amount=amount,
        )
