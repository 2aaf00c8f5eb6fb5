"""The finance pages: public transparency (fixed query counts at two sizes, exports with formula
injection neutralised, the API), scoped budget pages (404 outside, nothing changed) and the
auditors' list with its export."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.accounts.choices import Role, ScopeKind
from modules.finance.models import (
    Budget,
    BudgetLine,
    Category,
    FiscalYear,
    Invoice,
    Payment,
)
from modules.finance.services import department_totals_refresh
from tests.factories import SchoolFactory

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def approved_budget(school, user, categories, *, invoices=2, year=YEAR):
    """An approved budget with paid invoices, written directly (the services are tested
    elsewhere): 1000.00 per expense category used, 10.25 per invoice paid."""
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)
    budget = Budget.objects.create(
        school=school,
        department_id=school.municipality.department_id,
        fiscal_year=fiscal_year,
        prepared_by=user,
        status="aprobado",
    )
    line = BudgetLine.objects.create(
        budget=budget,
        kind="expense",
        source="transfer",
        category=categories["MAT-DIDACT"],
        description="Materiales",
        amount=Decimal("1000.00"),
    )
    for n in range(invoices):
        invoice = Invoice.objects.create(
            budget=budget,
            line=line,
            category=line.category,
            school=school,
            department_id=budget.department_id,
            fiscal_year=fiscal_year,
            kind="invoice",
            supplier_name="Librería",
            supplier_nit="06140507071048",
            number=f"F-{school.pk}-{n}",
            issued_on=date(year, 2, 1),
            amount=Decimal("10.25"),
            recorded_by=user,
        )
        Payment.objects.create(
            invoice=invoice,
            method="petty_cash",
            amount=invoice.amount,
            category=line.category,
            school=school,
            department_id=budget.department_id,
            fiscal_year=fiscal_year,
            prepared_by=user,
            status="authorised",
        )
    department_totals_refresh(year=year, department_id=budget.department_id)
    return budget


# --- Transparency ---------------------------------------------------------------------------


def test_the_national_page_is_public_and_shows_budget_against_execution(
    client, school, treasurer, categories
):
    approved_budget(school, treasurer, categories, invoices=3)

    response = client.get(reverse("finance:transparency"))

    assert response.status_code == 200
    page = response.content.decode()
    # Numbers as SIGES shows them (core/formats): decimal comma
    assert "US$ 1000,00" in page
    assert "US$ 30,75" in page
    assert "3,1 %" in page  # 30.75 of 1000.00
    # Nothing personal: no supplier, no person
    assert "Librería" not in page
    assert treasurer.person.last_names not in page


def _count_queries(client, url, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("view", "expected"),
    [("national", 5), ("department", 5), ("school", 6)],
)
def test_transparency_pages_take_fixed_queries_at_two_sizes(
    client, school, treasurer, categories, django_assert_num_queries, view, expected
):
    def url():
        if view == "national":
            return reverse("finance:transparency")
        if view == "department":
            code = school.municipality.department.code
            return reverse("finance:transparency_department", args=[code])
        return reverse("finance:transparency_school", args=[school.code])

    approved_budget(school, treasurer, categories, invoices=1)
    _count_queries(client, url(), django_assert_num_queries, expected)

    for _ in range(4):
        other = SchoolFactory(municipality=school.municipality)
        approved_budget(other, treasurer, categories, invoices=6)
    approved_budget(SchoolFactory(), treasurer, categories, invoices=6)
    _count_queries(client, url(), django_assert_num_queries, expected)


def test_an_unknown_department_or_school_is_404(client):
    assert client.get(reverse("finance:transparency_department", args=["99"])).status_code == 404
    assert client.get(reverse("finance:transparency_school", args=["NADA"])).status_code == 404
    assert client.get(reverse("finance:transparency") + "?anio=abc").status_code == 200


def test_exports_neutralise_formulas(client, school, treasurer, categories):
    Category.objects.filter(code="MAT-DIDACT").update(name='=HYPERLINK("http://x","y")')
    approved_budget(school, treasurer, categories, invoices=1)
    url = reverse("finance:transparency")

    csv_text = b"".join(client.get(url + "?formato=csv").streaming_content).decode()
    assert "'=HYPERLINK" in csv_text
    assert "\n=HYPERLINK" not in csv_text
    assert ",=HYPERLINK" not in csv_text

    response = client.get(url + "?formato=xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert '\'=HYPERLINK("http://x","y")' in names
    budgeted = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(budgeted['\'=HYPERLINK("http://x","y")'])) == Decimal("1000.00")


def test_the_api_gives_the_same_figures_without_sign_in(client, school, treasurer, categories):
    approved_budget(school, treasurer, categories, invoices=2)

    national = client.get("/api/v1/transparencia/nacional/").json()
    by_school = client.get(f"/api/v1/transparencia/centros/{school.code}/").json()

    assert national["budgeted"] == "1000.00"
    assert national["executed"] == "20.50"
    row = next(r for r in by_school["rows"] if r["code"] == "MAT-DIDACT")
    assert row == {
        "code": "MAT-DIDACT",
        "category": "Materiales didácticos y de oficina",
        "budgeted": "1000.00",
        "executed": "20.50",
        "executed_percent": "2.0",  # 2.05 % rounded half to even
    }
    assert client.get("/api/v1/transparencia/centros/NADA/").status_code == 404


def test_budgets_not_yet_approved_are_not_published(client, school, treasurer, categories):
    budget = approved_budget(school, treasurer, categories, invoices=1)
    Budget.objects.filter(pk=budget.pk).update(status="formulado")
    department_totals_refresh(year=YEAR, department_id=budget.department_id)

    data = client.get("/api/v1/transparencia/nacional/").json()

    assert data["budgets"] == 0


# --- Scoped pages -----------------------------------------------------------------------------


def test_a_budget_outside_the_scope_is_404_and_nothing_changes(
    client, make_user, school, treasurer, far_reviewer, categories, password
):
    budget = approved_budget(school, treasurer, categories, invoices=0)
    Budget.objects.filter(pk=budget.pk).update(status="en_proceso")
    other_treasurer = make_user(
        role=Role.TREASURER, scope_kind=ScopeKind.SCHOOL, target=SchoolFactory()
    )
    lines_before = BudgetLine.objects.count()

    for outsider in (far_reviewer, other_treasurer):
        client.force_login(outsider)
        assert client.get(reverse("finance:budget", args=[budget.pk])).status_code == 404
        response = client.post(
            reverse("finance:line_add", args=[budget.pk]),
            {
                "kind": "expense",
                "source": "own",
                "category": categories["ACT-EDUC"].pk,
                "description": "Intrusa",
                "amount": "5.00",
            },
        )
        assert response.status_code == 404
    assert BudgetLine.objects.count() == lines_before


def test_the_treasurer_adds_a_line_on_the_page(client, school, treasurer, categories):
    budget = approved_budget(school, treasurer, categories, invoices=0)
    Budget.objects.filter(pk=budget.pk).update(status="en_proceso")
    client.force_login(treasurer)

    response = client.post(
        reverse("finance:line_add", args=[budget.pk]),
        {
            "kind": "income",
            "source": "own",
            "category": categories["ING-PROPIOS"].pk,
            "description": "Tienda",
            "amount": "12.01",
        },
    )

    assert response.status_code == 302
    line = BudgetLine.objects.get(description="Tienda")
    assert sum(m.amount for m in line.months.all()) == Decimal("12.01")


def test_bad_input_on_the_page_is_a_400_and_changes_nothing(client, school, treasurer, categories):
    budget = approved_budget(school, treasurer, categories, invoices=0)
    client.force_login(treasurer)
    before = BudgetLine.objects.count()

    # An approved budget: refused with the reason
    response = client.post(
        reverse("finance:line_add", args=[budget.pk]),
        {
            "kind": "income",
            "source": "own",
            "category": categories["ING-PROPIOS"].pk,
            "description": "Tienda",
            "amount": "12.00",
        },
    )
    assert response.status_code == 400
    assert "autorización" in response.content.decode()
    # Garbage
    response = client.post(reverse("finance:line_add", args=[budget.pk]), {"amount": "x"})
    assert response.status_code == 400
    assert BudgetLine.objects.count() == before


def test_auditors_list_and_export_budgets_with_filters(
    client, make_user, school, treasurer, categories
):
    approved_budget(school, treasurer, categories, invoices=0)
    approved_budget(SchoolFactory(code="CE-9001"), treasurer, categories, invoices=0, year=2025)
    auditor = make_user(role=Role.AUDITOR)
    client.force_login(auditor)
    url = reverse("finance:budgets")

    page = client.get(url + "?anio=2026").content.decode()
    assert school.code in page
    assert "CE-9001" not in page

    csv_text = b"".join(client.get(url + "?anio=2025&formato=csv").streaming_content).decode()
    assert "CE-9001" in csv_text
    assert school.code not in csv_text


def test_a_citizen_cannot_list_budgets(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("finance:budgets")).status_code == 403


def test_the_api_answers_before_any_budget_is_approved(client):
    data = client.get("/api/v1/transparencia/nacional/").json()

    assert data == {
        "year": None,
        "budgets": 0,
        "budgeted": "0.00",
        "executed": "0.00",
        "executed_percent": "0.0",
        "rows": [],
    }


# --- Numbers from the query string ------------------------------------------------------------

# "²" and "٢٠٢٥" (Arabic-Indic digits) are digits to str.isdigit(): int("²") failed (a 500) and
# int("٢٠٢٥") is 2025. Only ASCII digits are a year; anything else is ignored like "abc".
NOT_PLAIN_YEARS = ["²", "٢٠٢٥"]


@pytest.fixture
def two_years(school, treasurer, categories):
    approved_budget(SchoolFactory(code="CE-9001"), treasurer, categories, invoices=1, year=2025)
    approved_budget(school, treasurer, categories, invoices=1)


@pytest.mark.parametrize("year", NOT_PLAIN_YEARS)
def test_the_transparency_page_takes_a_year_of_plain_digits_only(client, two_years, year):
    response = client.get(reverse("finance:transparency"), {"anio": year})

    assert response.status_code == 200
    assert response.context["year"] == YEAR  # the latest, as without the filter
    assert client.get(reverse("finance:transparency"), {"anio": "2025"}).context["year"] == 2025


@pytest.mark.parametrize("year", NOT_PLAIN_YEARS)
def test_the_transparency_api_takes_a_year_of_plain_digits_only(client, two_years, year):
    response = client.get("/api/v1/transparencia/nacional/", {"anio": year})

    assert response.status_code == 200
    assert response.json()["year"] == YEAR
    assert client.get("/api/v1/transparencia/nacional/", {"anio": "2025"}).json()["year"] == 2025


@pytest.mark.parametrize("year", NOT_PLAIN_YEARS)
def test_the_budget_list_api_ignores_a_year_that_is_not_plain_digits(
    client, make_user, two_years, year
):
    client.force_login(make_user(role=Role.AUDITOR))

    response = client.get("/api/v1/finanzas/presupuestos/", {"anio": year})

    assert response.status_code == 200
    assert sorted(row["year"] for row in response.json()) == [2025, YEAR]
    only_2025 = client.get("/api/v1/finanzas/presupuestos/", {"anio": "2025"}).json()
    assert [row["year"] for row in only_2025] == [2025]
