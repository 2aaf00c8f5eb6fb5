"""The school's bank account pages: the treasurer opens accounts and records each month's
reconciliation against the book balance; the director reads; outside the scope is a 404 with
nothing changed."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from core.accounts.choices import Role, ScopeKind
from core.audit.models import AuditEvent
from modules.finance.models import BankAccount, BankReconciliation, Payment

from .test_pages import approved_budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(school):
    return BankAccount.objects.create(
        school=school, bank="Banco Agrícola", number="001-234-5", opening_balance=Decimal("1000.00")
    )


@pytest.fixture
def other_treasurer(make_user, other_school):
    return make_user(role=Role.TREASURER, scope_kind=ScopeKind.SCHOOL, target=other_school)


def a_cheque(account, treasurer, categories, amount="10.25", on=None):
    """An authorised cheque of ``amount`` drawn on ``account``."""
    budget = approved_budget(account.school, treasurer, categories, invoices=1)
    payment = Payment.objects.get(invoice__budget=budget)
    Payment.objects.filter(pk=payment.pk).update(
        method="cheque",
        account=account,
        cheque_number="101",
        amount=Decimal(amount),
        paid_on=on or date(2026, 2, 15),
    )
    return payment


def reconcile(client, school, account, **data):
    return client.post(
        reverse("finance:reconciliation_record", args=[school.pk]),
        {"account": account.pk, "month": "2", "year": "2026", "note": "", **data},
    )


def test_the_treasurer_opens_an_account(client, treasurer, school):
    client.force_login(treasurer)

    response = client.post(
        reverse("finance:account_open", args=[school.pk]),
        {"bank": "Banco Hipotecario", "number": "00-120-77", "opening_balance": "250.00"},
    )

    assert response.status_code == 302
    account = BankAccount.objects.get()
    assert (account.school, account.number, account.opening_balance) == (
        school,
        "00-120-77",
        Decimal("250.00"),
    )
    assert AuditEvent.objects.filter(action="finance.bank_account_opened").count() == 1


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("00-ABC", "El número de cuenta solo lleva dígitos y guiones."),
        ("001-234-5", "Esa cuenta ya está registrada."),
    ],
)
def test_a_bad_account_is_refused_keeping_what_was_typed(
    client, treasurer, school, account, number, message
):
    client.force_login(treasurer)

    response = client.post(
        reverse("finance:account_open", args=[school.pk]),
        {"bank": "Banco Agrícola", "number": number, "opening_balance": "5.00"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'value="{number}"' in page
    assert BankAccount.objects.count() == 1


def test_the_page_shows_the_book_balance(client, treasurer, school, account, categories):
    a_cheque(account, treasurer, categories, "120.50")
    client.force_login(treasurer)

    page = client.get(reverse("finance:bank", args=[school.pk])).content.decode()

    assert "US$ 1000,00" in page
    assert "US$ 879,50" in page


def test_a_matching_reconciliation_is_recorded(client, treasurer, school, account, categories):
    a_cheque(account, treasurer, categories, "120.50")
    client.force_login(treasurer)

    response = reconcile(client, school, account, statement_balance="879.50")

    assert response.status_code == 302
    row = BankReconciliation.objects.get()
    assert (row.month, row.book_balance, row.difference) == (
        date(2026, 2, 1),
        Decimal("879.50"),
        Decimal("0.00"),
    )
    assert AuditEvent.objects.filter(action="finance.reconciliation_recorded").count() == 1


def test_a_difference_needs_an_explanation(client, treasurer, school, account):
    client.force_login(treasurer)

    refused = reconcile(client, school, account, statement_balance="990.00")
    explained = reconcile(
        client, school, account, statement_balance="990.00", note="Comisión bancaria de febrero"
    )

    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Explique la diferencia entre el banco y los libros." in page
    assert 'value="990.00"' in page
    assert explained.status_code == 302
    row = BankReconciliation.objects.get()
    assert row.difference == Decimal("-10.00")
    assert row.note == "Comisión bancaria de febrero"


def test_a_month_is_reconciled_once(client, treasurer, school, account):
    client.force_login(treasurer)
    reconcile(client, school, account, statement_balance="1000.00")

    response = reconcile(client, school, account, statement_balance="1000.00")

    assert response.status_code == 400
    assert "Ese mes ya está conciliado." in response.content.decode()
    assert BankReconciliation.objects.count() == 1


def test_an_account_of_another_school_cannot_be_chosen(client, treasurer, school, other_school):
    foreign = BankAccount.objects.create(school=other_school, bank="B", number="9")
    client.force_login(treasurer)

    response = reconcile(client, school, foreign, statement_balance="0.00")

    assert response.status_code == 400
    assert not BankReconciliation.objects.exists()


def test_the_director_reads_but_does_not_record(client, director, school, account):
    BankReconciliation.objects.create(
        account=account,
        month=date(2026, 1, 1),
        statement_balance=Decimal("995.00"),
        book_balance=Decimal("1000.00"),
        difference=Decimal("-5.00"),
        note="Comisión",
        recorded_by=director,
    )
    client.force_login(director)

    page = client.get(reverse("finance:bank", args=[school.pk])).content.decode()
    opened = client.post(
        reverse("finance:account_open", args=[school.pk]),
        {"bank": "X", "number": "1", "opening_balance": "0"},
    )
    recorded = reconcile(client, school, account, statement_balance="1000.00")

    assert "Comisión" in page
    assert "Registrar la conciliación" not in page
    assert "Registrar una cuenta bancaria" not in page
    assert (opened.status_code, recorded.status_code) == (404, 404)
    assert BankAccount.objects.count() == 1
    assert BankReconciliation.objects.count() == 1


def test_an_auditor_reads_the_accounts(client, make_user, school, account):
    client.force_login(make_user(role=Role.AUDITOR))

    response = client.get(reverse("finance:bank", args=[school.pk]))

    assert response.status_code == 200
    assert account.number in response.content.decode()


def test_another_schools_treasurer_gets_404_and_nothing_changes(
    client, other_treasurer, school, account
):
    client.force_login(other_treasurer)

    page = client.get(reverse("finance:bank", args=[school.pk]))
    opened = client.post(
        reverse("finance:account_open", args=[school.pk]),
        {"bank": "X", "number": "1", "opening_balance": "0"},
    )
    recorded = reconcile(client, school, account, statement_balance="1000.00")

    assert (page.status_code, opened.status_code, recorded.status_code) == (404, 404, 404)
    assert BankAccount.objects.count() == 1
    assert not BankReconciliation.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="finance.").exists()


def test_the_bank_page_takes_fixed_queries(
    client, treasurer, school, account, categories, django_assert_num_queries
):
    client.force_login(treasurer)
    url = reverse("finance:bank", args=[school.pk])
    client.get(url)
    with django_assert_num_queries(8):
        client.get(url)
    for n in range(5):
        extra = BankAccount.objects.create(school=school, bank="B", number=f"77{n}")
        BankReconciliation.objects.create(
            account=extra,
            month=date(2026, 1, 1),
            statement_balance=0,
            book_balance=0,
            difference=0,
            recorded_by=treasurer,
        )
    with django_assert_num_queries(8):
        client.get(url)
