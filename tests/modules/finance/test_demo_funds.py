"""``seed_demo`` gives the transfer page allocations in several states, and DEMO-001 a board
with members and a bank account with one reconciliation."""

from io import StringIO

import pytest
from django.core.management import call_command

from modules.finance.models import Allocation, BankReconciliation, Board


@pytest.mark.django_db
def test_the_demo_has_allocations_in_several_states_and_a_reconciliation(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", "--force", stdout=StringIO())
    call_command("seed_demo", "--force", stdout=StringIO())  # idempotent

    states = dict(
        Allocation.objects.filter(transfer__fiscal_year_id=2026).values_list(
            "school__code", "status"
        )
    )
    assert states == {
        "DEMO-001": "transferred",
        "DEMO-002": "requested",
        "DEMO-003": "authorised",
        "DEMO-005": "closed",
    }
    assert Board.objects.get(school__code="DEMO-001").members.count() == 7
    reconciliation = BankReconciliation.objects.get()
    assert reconciliation.difference == -4.5
    assert reconciliation.note
