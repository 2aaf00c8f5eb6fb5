"""The custom monthly split of a new budget line, and the query counts of the budget page and
the budget list at two sizes (the count does not grow with the data)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from core.accounts.choices import Role
from modules.finance.models import Budget, BudgetLine, BudgetLineMonth, FiscalYear, Invoice
from modules.finance.money import spread_monthly
from tests.factories import SchoolFactory

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def open_budget(school, treasurer, *, status="en_proceso", year=YEAR):
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)
    return Budget.objects.create(
        school=school,
        department_id=school.municipality.department_id,
        fiscal_year=fiscal_year,
        prepared_by=treasurer,
        status=status,
    )


def add_line(budget, category, amount="1200.00"):
    line = BudgetLine.objects.create(
        budget=budget,
        kind=category.kind,
        source="transfer",
        category=category,
        description=f"Línea {category.code}",
        amount=Decimal(amount),
    )
    BudgetLineMonth.objects.bulk_create(
        BudgetLineMonth(line=line, month=month, amount=part)
        for month, part in spread_monthly(line.amount).items()
    )
    return line


def line_post(amount="100.00", split="custom", **months):
    data = {
        "kind": "expense",
        "source": "own",
        "description": "Excursión",
        "amount": amount,
        "split": split,
    }
    data.update({f"month_{m}": v for m, v in months.items()})
    return data


# --- The monthly split --------------------------------------------------------------------------


def test_the_split_is_automatic_by_default(client, treasurer, school, categories):
    budget = open_budget(school, treasurer)
    client.force_login(treasurer)
    data = line_post(split="", amount="100.00")
    data["category"] = categories["ACT-EDUC"].pk

    response = client.post(reverse("finance:line_add", args=[budget.pk]), data)

    assert response.status_code == 302
    months = dict(BudgetLineMonth.objects.values_list("month", "amount"))
    assert months == spread_monthly(Decimal("100.00"))


def test_a_custom_split_is_kept_month_by_month(client, treasurer, school, categories):
    budget = open_budget(school, treasurer)
    client.force_login(treasurer)
    data = line_post(amount="100.00", **{"3": "60.00", "9": "40.00"})
    data["category"] = categories["ACT-EDUC"].pk

    response = client.post(reverse("finance:line_add", args=[budget.pk]), data)

    assert response.status_code == 302
    months = dict(BudgetLineMonth.objects.values_list("month", "amount"))
    assert months == {3: Decimal("60.00"), 9: Decimal("40.00")}


def test_a_split_that_does_not_add_up_is_refused_keeping_what_was_typed(
    client, treasurer, school, categories
):
    budget = open_budget(school, treasurer)
    client.force_login(treasurer)
    data = line_post(amount="100.00", **{"1": "50.00", "2": "40.00"})
    data["category"] = categories["ACT-EDUC"].pk

    response = client.post(reverse("finance:line_add", args=[budget.pk]), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "La distribución mensual suma 90.00 y la línea 100.00." in page
    assert 'name="month_1" value="50.00"' in page
    assert 'name="month_2" value="40.00"' in page
    assert 'value="Excursión"' in page
    assert "US$ <output data-month-total>90,00</output>" in page
    assert not BudgetLine.objects.exists()


def test_a_negative_month_is_refused(client, treasurer, school, categories):
    budget = open_budget(school, treasurer)
    client.force_login(treasurer)
    data = line_post(amount="10.00", **{"1": "-5.00", "2": "15.00"})
    data["category"] = categories["ACT-EDUC"].pk

    response = client.post(reverse("finance:line_add", args=[budget.pk]), data)

    assert response.status_code == 400
    assert not BudgetLine.objects.exists()


# --- Query counts -------------------------------------------------------------------------------


def _expense_categories(categories):
    return [c for c in categories.values() if c.kind == "expense"]


@pytest.mark.parametrize("size", [2, 20])
def test_the_budget_page_takes_fixed_queries_while_editing(
    client, treasurer, school, categories, django_assert_num_queries, size
):
    budget = open_budget(school, treasurer)
    expense = _expense_categories(categories)
    for n in range(size):
        add_line(budget, expense[n % len(expense)])
    client.force_login(treasurer)
    url = reverse("finance:budget", args=[budget.pk])
    client.get(url)

    with django_assert_num_queries(EDITING_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count("Línea ") >= size


@pytest.mark.parametrize("size", [2, 20])
def test_the_budget_page_takes_fixed_queries_while_executing(
    client, treasurer, school, categories, django_assert_num_queries, size
):
    from modules.finance.models import BankAccount

    BankAccount.objects.create(school=school, bank="Banco", number="1-2")
    budget = open_budget(school, treasurer, status="aprobado")
    expense = _expense_categories(categories)
    lines = [add_line(budget, expense[n % len(expense)]) for n in range(size)]
    for n, line in enumerate(lines):
        Invoice.objects.create(
            budget=budget,
            line=line,
            category=line.category,
            school=school,
            department_id=budget.department_id,
            fiscal_year_id=YEAR,
            kind="invoice",
            supplier_name="Librería",
            supplier_nit="06140507071048",
            number=f"F-{n}",
            issued_on=date(YEAR, 2, 1),
            amount=Decimal("10.00"),
            recorded_by=treasurer,
        )
    client.force_login(treasurer)
    url = reverse("finance:budget", args=[budget.pk])
    client.get(url)

    with django_assert_num_queries(EXECUTING_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count("Preparar el pago") == size


@pytest.mark.parametrize("size", [3, 30])
def test_the_budget_list_takes_fixed_queries(
    client, make_user, treasurer, django_assert_num_queries, size
):
    reviewer = make_user(role=Role.FINANCE_REVIEWER)
    for _ in range(size):
        open_budget(SchoolFactory(), treasurer, status="formulado")
    client.force_login(reviewer)
    url = reverse("finance:budgets")
    client.get(url)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
    assert len(re.findall(r'href="/finanzas/presupuestos/\d+/"', response.content.decode())) == size


# Whatever the number of lines or invoices. One of them reads the reviewer's adjustments, which
# the school sees on the page (modules/finance/review_views.py, review_context).
EDITING_QUERIES = 17
EXECUTING_QUERIES = 17
LIST_QUERIES = 5
