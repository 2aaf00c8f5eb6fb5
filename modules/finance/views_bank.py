"""Pages of the school's bank accounts: the treasurer opens the school's accounts and records
each month's reconciliation (the bank statement's balance against the book balance, any
difference explained); the director, the department and auditors read them.

Thin: parse, call one selector or service, render. A refusal shows its reason next to what
was typed and changes nothing; a school outside the actor's scope is a 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.accounts.choices import Role
from core.exceptions import Conflict
from modules.schools.models import School

from . import selectors, services
from .forms_funds import BankAccountForm, ReconciliationForm
from .models import BankAccount
from .views_board import can_act, school_choice
from .views_funds import refuse

# Who opens accounts and records reconciliations from these pages.
BANK_KEEPERS = (Role.TREASURER,)


def _accounts(school: School) -> Any:
    return BankAccount.objects.filter(school=school, is_active=True).order_by("bank", "pk")


@require_GET
@login_required
def bank_home(request: HttpRequest) -> HttpResponse:
    return school_choice(request, "finance:bank", _("Cuentas bancarias"))


def _bank_page(
    request: HttpRequest, school: School, *, status: int = 200, **forms: Any
) -> HttpResponse:
    today = timezone.localdate()
    manage = can_act(request.user, BANK_KEEPERS, school)
    previous = date.fromordinal(date(today.year, today.month, 1).toordinal() - 1)
    rows = selectors.account_rows(school, today)
    active = [row.account for row in rows if row.account.is_active]
    initial = {"month": previous.month, "year": previous.year}
    if len(active) == 1:
        initial["account"] = active[0].pk
    context = {
        "school": school,
        "rows": rows,
        "today": today,
        "manage": manage,
        "account_form": forms.get("account_form") or BankAccountForm(),
        "reconciliation_form": forms.get("reconciliation_form")
        or ReconciliationForm(
            accounts=_accounts(school),
            initial=initial,
        ),
    }
    return render(request, "finance/bank.html", context, status=status)


@require_GET
@login_required
def bank_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _bank_page(request, selectors.finance_school_get(request.user, pk))


@require_POST
@login_required
def account_open(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.finance_school_get(request.user, pk, roles=BANK_KEEPERS)
    form = BankAccountForm(request.POST)
    if form.is_valid():
        try:
            services.bank_account_open(
                actor=request.user, school=school, request=request, **form.cleaned_data
            )
        except (ValidationError, Conflict, PermissionDenied) as error:
            refuse(form, error)
        else:
            messages.success(request, _("Cuenta bancaria registrada."))
            return redirect("finance:bank", pk=pk)
    return _bank_page(request, school, status=400, account_form=form)


@require_POST
@login_required
def reconciliation_record(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.finance_school_get(request.user, pk, roles=BANK_KEEPERS)
    form = ReconciliationForm(request.POST, accounts=_accounts(school))
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = services.reconciliation_record(
                actor=request.user,
                account=data["account"],
                month=date(data["year"], data["month"], 1),
                statement_balance=data["statement_balance"],
                note=data["note"],
                request=request,
            )
        except (ValidationError, Conflict, PermissionDenied) as error:
            refuse(form, error)
        else:
            if row.difference:
                text = _("Conciliación registrada con una diferencia de US$ %(amount)s.")
                messages.warning(request, text % {"amount": row.difference})
            else:
                messages.success(
                    request, _("Conciliación registrada: el banco y los libros coinciden.")
                )
            return redirect("finance:bank", pk=pk)
    return _bank_page(request, school, status=400, reconciliation_form=form)
