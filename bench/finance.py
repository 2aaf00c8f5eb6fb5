"""School finances at national scale: ``python -m bench generate-finance`` fills a fiscal year
(an approved budget with ten lines, about 30 invoices each paid with both signatures) for every
school of the database — the academic generator's 6,000, or a standalone set of ``--schools``
created here — streamed with COPY; ``python -m bench run-finance`` times the national and one
department's transparency pages and the national budget-against-execution totals.

Deterministic for a given ``--seed``. Amounts are whole cents (``Decimal``), never floats.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.db import connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .generate import (
    NULL,
    STAFF_PASSWORD,
    BenchError,
    CopyTable,
    check_migrations,
    dui_with_check,
    reserve_ids,
)
from .run import Operation, RunOptions, measure, p95, print_table

STANDALONE_PREFIX = "BF"
STANDALONE_SCHOOLS = 6_000
INVOICES_PER_SCHOOL = 30
BENCH_USER_DUI_BODY = "90000401"
NIT = "06140507071048"  # a valid supplier NIT (python-stdnum), the same for every invoice
EXPENSE_CODES = ("MAT-DIDACT", "SERV-BASIC", "MANTENIM", "LIMPIEZA", "MOBILIARIO", "ACT-EDUC")


@dataclass
class FinanceOptions:
    year: int = 2026
    schools: int = STANDALONE_SCHOOLS
    invoices: int = INVOICES_PER_SCHOOL
    seed: int = 2026


def _cents(value: int) -> str:
    return str(Decimal(value) / 100)


def _bench_user() -> Any:
    from core.accounts.models import User
    from core.accounts.services import user_create

    dui = dui_with_check(BENCH_USER_DUI_BODY)
    user = User.objects.filter(dui=dui).first()
    if user is None:
        user = user_create(
            dui=dui,
            password=STAFF_PASSWORD,
            first_names="Tesorería",
            last_names="Banco",
        )
    return user


def _standalone_schools(cursor: Any, count: int, rng: random.Random) -> None:
    from modules.schools.models import Municipality, School

    municipalities = list(Municipality.objects.values_list("pk", flat=True))
    start = reserve_ids(cursor, School._meta.db_table, count)
    table = CopyTable(
        cursor,
        School,
        [
            "id",
            "code",
            "name",
            "sector",
            "classification",
            "zone",
            "municipality_id",
            "address",
            "phone",
            "is_active",
        ],
    )
    table.load(
        "\t".join(
            [
                str(start + n),
                f"{STANDALONE_PREFIX}{n:05d}",
                f"Centro Escolar de banco {n}",
                "public",
                "centro_escolar",
                "urban" if n % 3 else "rural",
                str(rng.choice(municipalities)),
                "",
                "",
                "t",
            ]
        )
        for n in range(count)
    )


def generate_finance(options: FinanceOptions, out: IO[str] = sys.stdout) -> dict[str, int]:
    from django.apps import apps

    from modules.finance.catalogue import categories_load
    from modules.finance.models import (
        Allocation,
        Budget,
        BudgetLine,
        Category,
        FiscalYear,
        Invoice,
        Payment,
        Transfer,
    )
    from modules.finance.services import transparency_totals_rebuild
    from modules.schools.models import School

    check_migrations("default")
    rng = random.Random(options.seed)
    started = time.perf_counter()
    counts: dict[str, int] = {}
    with transaction.atomic(), connections["default"].cursor() as cursor:
        categories_load(apps)
        if Budget.objects.filter(fiscal_year_id=options.year).exists():
            raise BenchError(f"El año fiscal {options.year} ya tiene presupuestos.")
        if not School.objects.exists():
            _standalone_schools(cursor, options.schools, rng)
            counts["schools (standalone)"] = options.schools
        schools = list(
            School.objects.filter(is_active=True).values_list("pk", "municipality__department_id")
        )
        user = _bench_user()
        fiscal_year, _ = FiscalYear.objects.get_or_create(year=options.year)
        transfer = Transfer.objects.create(
            fiscal_year=fiscal_year,
            name="Funcionamiento (banco)",
            total=Decimal("1000000000.00"),
            school_ceiling=Decimal("9000"),
        )
        category = {c.code: c.pk for c in Category.objects.all()}
        now = timezone.now().isoformat()
        n = len(schools)
        lines_per_school = 2 + len(EXPENSE_CODES)
        allocation0 = reserve_ids(cursor, Allocation._meta.db_table, n)
        budget0 = reserve_ids(cursor, Budget._meta.db_table, n)
        line0 = reserve_ids(cursor, BudgetLine._meta.db_table, n * lines_per_school)
        invoice0 = reserve_ids(cursor, Invoice._meta.db_table, n * options.invoices)
        payment0 = reserve_ids(cursor, Payment._meta.db_table, n * options.invoices)

        allocations, budgets, lines, invoices, payments = [], [], [], [], []
        line_id, invoice_id = line0, invoice0
        for index, (school_id, department_id) in enumerate(schools):
            budget_id = budget0 + index
            transfer_cents = rng.randrange(200_000, 800_000)
            allocations.append(
                "\t".join(
                    [
                        str(allocation0 + index),
                        "transferred",
                        str(transfer.pk),
                        str(school_id),
                        str(department_id),
                        _cents(transfer_cents),
                        f"{options.year}-02-01",
                    ]
                )
            )
            budgets.append(
                "\t".join(
                    [
                        str(budget_id),
                        "aprobado",
                        str(school_id),
                        str(department_id),
                        str(options.year),
                        str(user.pk),
                        str(user.pk),
                        str(user.pk),
                        now,
                        now,
                        "",
                        "",
                    ]
                )
            )
            # Income: the transfer and some own income; expenses share the transfer.
            school_lines = [
                ("income", "transfer", "ING-TRANSF", transfer_cents),
                ("income", "own", "ING-PROPIOS", rng.randrange(10_000, 90_000)),
            ]
            weights = [rng.randrange(1, 10) for _ in EXPENSE_CODES]
            left = transfer_cents
            for position, code in enumerate(EXPENSE_CODES):
                part = (
                    left
                    if position == len(EXPENSE_CODES) - 1
                    else transfer_cents * weights[position] // sum(weights)
                )
                left -= part
                school_lines.append(("expense", "transfer", code, part))
            expense_ids = []
            for kind, source, code, cents in school_lines:
                lines.append(
                    "\t".join(
                        [
                            str(line_id),
                            str(budget_id),
                            kind,
                            source,
                            str(category[code]),
                            code.lower(),
                            _cents(cents),
                        ]
                    )
                )
                if kind == "expense":
                    expense_ids.append((line_id, category[code], cents))
                line_id += 1
            for number in range(options.invoices):
                expense_line, category_id, line_cents = expense_ids[number % len(expense_ids)]
                cents = max(1, line_cents // (options.invoices * 2) - rng.randrange(0, 500))
                invoices.append(
                    "\t".join(
                        [
                            str(invoice_id),
                            str(budget_id),
                            str(expense_line),
                            str(category_id),
                            str(school_id),
                            str(department_id),
                            str(options.year),
                            "invoice",
                            "Proveedor de banco, S.A. de C.V.",
                            NIT,
                            f"B{number:04d}",
                            f"{options.year}-{1 + number % 11:02d}-15",
                            _cents(cents),
                            str(user.pk),
                            now,
                        ]
                    )
                )
                # Nine in ten invoices are already paid with both signatures.
                if number % 10:
                    payments.append(
                        "\t".join(
                            [
                                str(payment0 + len(payments)),
                                "authorised",
                                str(invoice_id),
                                "petty_cash",
                                NULL,
                                "",
                                _cents(cents),
                                str(category_id),
                                str(school_id),
                                str(department_id),
                                str(options.year),
                                str(user.pk),
                                NULL,
                                f"{options.year}-{1 + number % 11:02d}-20",
                                now,
                            ]
                        )
                    )
                invoice_id += 1
        loads = (
            (
                Allocation,
                [
                    "id",
                    "status",
                    "transfer_id",
                    "school_id",
                    "department_id",
                    "amount",
                    "transferred_on",
                ],
                allocations,
            ),
            (
                Budget,
                [
                    "id",
                    "status",
                    "school_id",
                    "department_id",
                    "fiscal_year_id",
                    "prepared_by_id",
                    "submitted_by_id",
                    "approved_by_id",
                    "created_at",
                    "updated_at",
                    "review_comment",
                    "change_reason",
                ],
                budgets,
            ),
            (
                BudgetLine,
                ["id", "budget_id", "kind", "source", "category_id", "description", "amount"],
                lines,
            ),
            (
                Invoice,
                [
                    "id",
                    "budget_id",
                    "line_id",
                    "category_id",
                    "school_id",
                    "department_id",
                    "fiscal_year_id",
                    "kind",
                    "supplier_name",
                    "supplier_nit",
                    "number",
                    "issued_on",
                    "amount",
                    "recorded_by_id",
                    "created_at",
                ],
                invoices,
            ),
            (
                Payment,
                [
                    "id",
                    "status",
                    "invoice_id",
                    "method",
                    "account_id",
                    "cheque_number",
                    "amount",
                    "category_id",
                    "school_id",
                    "department_id",
                    "fiscal_year_id",
                    "prepared_by_id",
                    "authorised_by_id",
                    "paid_on",
                    "created_at",
                ],
                payments,
            ),
        )
        for model, columns, rows in loads:
            CopyTable(cursor, model, columns).load(rows)
            counts[model._meta.db_table] = len(rows)
        # The transparency pages read the department totals the services keep: build them.
        counts["departments totalled"] = transparency_totals_rebuild(year=options.year)
    with connections["default"].cursor() as cursor:  # VACUUM: outside the transaction
        for model, _columns, _rows in loads:
            cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
    seconds = time.perf_counter() - started
    for table, count in counts.items():
        print(f"  {table}: {count:,}", file=out)
    print(f"Generated in {seconds:.1f} s", file=out)
    return counts


def run_finance(options: RunOptions, year: int, out: IO[str] = sys.stdout) -> None:
    from modules.finance import selectors
    from modules.finance.models import Budget

    check_migrations("default")
    budget = Budget.objects.filter(fiscal_year_id=year).select_related("department").first()
    if budget is None:
        raise BenchError(f"No hay presupuestos de {year}: ejecute «generate-finance» primero.")
    department = budget.department
    client = Client()
    national = reverse("finance:transparency") + f"?anio={year}"
    by_department = (
        reverse("finance:transparency_department", args=[department.code]) + f"?anio={year}"
    )
    operations = [
        Operation("national", "Transparency, national page", lambda i: client.get(national)),
        Operation(
            "department",
            f"Transparency, department {department.code} page",
            lambda i: client.get(by_department),
        ),
        Operation(
            "api-national",
            "Transparency API, national",
            lambda i: client.get(f"/api/v1/transparencia/nacional/?anio={year}"),
        ),
    ]
    results = [measure(op, options, "default") for op in operations]
    print_table(results, out, None)
    times = []
    for _ in range(options.repeat):
        started = time.perf_counter()
        totals = selectors.transparency(year)
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"National budget-against-execution totals ({totals.budgets:,} budgets, "
        f"US$ {totals.budgeted:,} budgeted, US$ {totals.executed:,} executed): "
        f"median {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms",
        file=out,
    )
    # What the totals cost from the source rows (every budget line and payment of the year):
    # the rebuild of every department, inside a transaction rolled back afterwards.
    from django.db import transaction as db_transaction

    from modules.finance.services import transparency_totals_rebuild

    times = []
    for _ in range(max(3, options.repeat // 10)):
        started = time.perf_counter()
        with db_transaction.atomic():
            transparency_totals_rebuild(year=year)
            db_transaction.set_rollback(True)
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"Recomputing them from every budget line and payment (all 14 departments): "
        f"median {statistics.median(times):.1f} ms",
        file=out,
    )
