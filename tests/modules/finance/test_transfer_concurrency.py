"""Two officers allocating the last of a transfer at once, on PostgreSQL (real threads released
by a barrier): the transfer's row is locked while allocating, so the allocations never add up
to more than its total. SQLite has no row locks, so this runs on PostgreSQL only."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.accounts.choices import Role
from core.accounts.models import User
from modules.finance.models import Allocation, FiscalYear, Transfer
from modules.finance.services import allocation_create
from modules.schools.models import School
from tests.concurrency import race
from tests.factories import SchoolFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_allocations_at_once_never_exceed_the_transfer(make_user):
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=2026)
    transfer = Transfer.objects.create(
        fiscal_year=fiscal_year,
        name="Funcionamiento",
        total=Decimal("6000.00"),
        school_ceiling=Decimal("5000.00"),
    )
    first = SchoolFactory()
    schools = [first, SchoolFactory(municipality=first.municipality)]
    officers = [make_user(role=Role.MINISTRY_OFFICER) for _ in schools]

    def allocate(officer: User, school: School):
        # Each thread reads its own copies, as two requests would.
        return lambda: allocation_create(
            actor=User.objects.get(pk=officer.pk),
            transfer=Transfer.objects.get(pk=transfer.pk),
            school=School.objects.select_related("municipality").get(pk=school.pk),
            amount="4000.00",
        )

    outcomes = race([allocate(o, s) for o, s in zip(officers, schools, strict=True)])

    assert outcomes.count("ok") == 1
    refused = next(o for o in outcomes if o != "ok")
    assert isinstance(refused, ValidationError)
    assert "Supera lo que queda de la transferencia" in str(refused)
    assert Allocation.objects.count() == 1
    assert Allocation.objects.get().amount == Decimal("4000.00")
