"""After the review: an approved budget changes only with the reviewer's explicit, audited
authorisation (pages: authorise with a reason → the school edits its lines → the reviewer
approves the change, guards again), and the year-end task closes it (the budget and process
pages say «Cerrado»)."""

from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.accounts.choices import Role, ScopeKind
from core.audit.models import AuditEvent
from modules.finance.choices import BudgetStatus
from modules.finance.models import Budget, BudgetLine, FiscalYear
from modules.finance.tasks import close_ended_fiscal_years
from workflows.budget.flows import BudgetFlow
from workflows.budget.services import budget_step

from .conftest import YEAR, open_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(opened, treasurer, director, reviewer):
    budget_step(actor=treasurer, task=open_task(opened, BudgetFlow.prepare), data={})
    budget_step(
        actor=director, task=open_task(opened, BudgetFlow.submit), data={"decision": "submit"}
    )
    budget_step(
        actor=reviewer,
        task=open_task(opened, BudgetFlow.review),
        data={"decision": "approve", "comment": ""},
    )
    return opened


def _status(process):
    return Budget.objects.values_list("status", flat=True).get(pk=process.budget_id)


def _add_line(client, process, categories, amount="50.00"):
    return client.post(
        reverse("finance:line_add", args=[process.budget_id]),
        {
            "kind": "expense",
            "source": "own",
            "category": categories["ACT-EDUC"].pk,
            "description": "Festival de lectura",
            "amount": amount,
        },
    )


def test_a_change_needs_the_reviewers_authorisation_then_approval(
    client, approved, treasurer, reviewer, categories
):
    lines = BudgetLine.objects.filter(budget_id=approved.budget_id)
    count = lines.count()

    # Without an authorisation the school cannot edit the approved budget
    client.force_login(treasurer)
    response = _add_line(client, approved, categories)
    assert response.status_code == 400
    assert "autorización expresa" in response.content.decode()
    assert lines.count() == count

    # The reviewer sees the authorisation form; a reason is required
    client.force_login(reviewer)
    page = client.get(reverse("finance:budget", args=[approved.budget_id])).content.decode()
    assert "Autorizar una modificación" in page
    url = reverse("finance:budget_change_authorise", args=[approved.budget_id])
    client.post(url, {"reason": " "})
    assert _status(approved) == BudgetStatus.APPROVED
    client.post(url, {"reason": "Donación de la alcaldía para la biblioteca."})
    assert _status(approved) == BudgetStatus.ADJUSTING
    event = AuditEvent.objects.get(action="budget.authorise_change")
    assert event.actor_id == reviewer.pk
    assert event.payload["reason"] == "Donación de la alcaldía para la biblioteca."

    # The school edits: own spending above own income (250.00) breaks a guard
    client.force_login(treasurer)
    assert _add_line(client, approved, categories, amount="150.01").status_code == 302
    page = client.get(reverse("finance:budget", args=[approved.budget_id])).content.decode()
    assert "Modificación autorizada:" in page
    assert "Aprobar la modificación" not in page  # the school never approves

    # The reviewer's approval is refused with the reason; fixed, it is approved
    client.force_login(reviewer)
    approve = reverse("finance:budget_change_approve", args=[approved.budget_id])
    response = client.post(approve, follow=True)
    assert "saldo negativo" in response.content.decode()
    assert _status(approved) == BudgetStatus.ADJUSTING
    client.force_login(treasurer)
    client.post(
        reverse("finance:line_remove", args=[lines.get(description="Festival de lectura").pk])
    )
    _add_line(client, approved, categories, amount="150.00")
    client.force_login(reviewer)
    client.post(approve)
    assert _status(approved) == BudgetStatus.APPROVED
    assert AuditEvent.objects.filter(action="budget.approve_adjustment").count() == 1


def test_outsiders_cannot_authorise_or_approve_a_change(
    client, approved, treasurer, director, far_reviewer
):
    authorise = reverse("finance:budget_change_authorise", args=[approved.budget_id])
    approve = reverse("finance:budget_change_approve", args=[approved.budget_id])
    for outsider in (treasurer, director, far_reviewer):
        client.force_login(outsider)
        assert client.post(authorise, {"reason": "Cambio"}).status_code == 404
        assert client.post(approve).status_code == 404
    assert _status(approved) == BudgetStatus.APPROVED
    assert not AuditEvent.objects.filter(action="budget.authorise_change").exists()


def test_the_year_end_task_closes_the_budget_and_the_pages_say_so(
    client, approved, treasurer, make_user
):
    auditor = make_user(role=Role.AUDITOR, scope_kind=ScopeKind.NATIONAL)
    # Still the fiscal year: nothing to close
    during = datetime(YEAR, 12, 31, 12, 0, tzinfo=ZoneInfo("America/El_Salvador"))
    with mock.patch("django.utils.timezone.now", return_value=during):
        assert close_ended_fiscal_years() == 0
    assert _status(approved) == BudgetStatus.APPROVED

    after = datetime(YEAR + 1, 1, 2, 6, 0, tzinfo=ZoneInfo("America/El_Salvador"))
    with mock.patch("django.utils.timezone.now", return_value=after):
        assert close_ended_fiscal_years() == 1
        assert close_ended_fiscal_years() == 0  # safe to run twice
    assert _status(approved) == BudgetStatus.CLOSED
    assert FiscalYear.objects.get(year=YEAR).closed_at == after
    assert AuditEvent.objects.filter(action="budget.close").count() == 1

    client.force_login(treasurer)
    page = client.get(reverse("finance:budget", args=[approved.budget_id])).content.decode()
    assert "<strong>Cerrado</strong>" in page
    client.force_login(auditor)
    page = client.get(reverse("process:detail", args=[approved.pk])).content.decode()
    assert "Cerrado" in page
