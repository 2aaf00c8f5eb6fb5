"""``seed_demo`` gives DEMO-001 a board, its transfers, an approved and executed 2025 budget (the
transparency page has data) and a 2026 budget waiting in the demo finance reviewer's Bandeja."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.work.bandeja import work_queue
from modules.finance.choices import BudgetStatus, PaymentStatus
from modules.finance.models import Board, Budget, Payment
from modules.finance.selectors import transparency

REVIEWER = "02026014-1"
TREASURER = "02026012-5"


@pytest.fixture
def seeded(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", "--force", stdout=StringIO())
    call_command("seed_demo", "--force", stdout=StringIO())  # idempotent


def test_the_demo_school_has_its_finances(seeded, client):
    board = Board.objects.get(school__code="DEMO-001")
    roles = sorted(board.members.values_list("role", flat=True))
    assert roles.count("president") == 1
    assert roles.count("treasurer") == 1
    assert len(roles) == 7
    budgets = dict(
        Budget.objects.filter(school__code="DEMO-001").values_list("fiscal_year_id", "status")
    )
    assert budgets == {2025: BudgetStatus.APPROVED, 2026: BudgetStatus.SUBMITTED}
    assert Payment.objects.filter(status=PaymentStatus.AUTHORISED).count() == 4
    # 2025 also went through an authorised change (a donation), approved again
    assert AuditEvent.objects.filter(action="budget.authorise_change").count() == 1
    assert AuditEvent.objects.filter(action="budget.approve_adjustment").count() == 1

    figures = transparency(2025)
    assert figures.budgeted == Decimal("5300.00")
    assert figures.executed == Decimal("1612.65")
    assert client.get("/transparencia/centros/DEMO-001/").status_code == 200


def test_the_2026_budget_waits_in_the_demo_reviewers_bandeja(seeded):
    bandeja = work_queue(actor=User.objects.get(dui=REVIEWER))
    titles = [(item.title, item.subtitle) for item in bandeja.available.items]

    assert ("DEMO-001 · 2026", "Revisar el presupuesto") in titles
    treasurer_items = work_queue(actor=User.objects.get(dui=TREASURER)).available.items
    assert not [item for item in treasurer_items if item.title == "DEMO-001 · 2026"]
