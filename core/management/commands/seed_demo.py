"""``manage.py seed_demo``: demo data for the embedded mode (`make run`). DEMO ONLY.

Runs the demo-data steps the apps register (``core.demo``), lowest layer first, in one
transaction. Idempotent: each step creates only what is missing, so a second run changes
nothing. Refuses to run when ``DEBUG`` is off unless ``--force`` is given, so production is
never seeded by accident. A new layer adds its seeding with ``register_demo_step`` from its
``AppConfig.ready()``.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from core.demo import DemoContext, demo_steps


class Command(BaseCommand):
    help = (
        "Load demo data (geography, districts, schools, sections and one account per role). "
        "Idempotent. DEMO ONLY: refuses to run with DEBUG off unless --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (never on a production database).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo solo carga datos de demostración y DEBUG está desactivado; use --force "
                "si de verdad quiere sembrar esta base de datos. / seed_demo only loads demo data "
                "and DEBUG is off; pass --force if you really mean to seed this database."
            )
        context = DemoContext()
        with transaction.atomic():
            for step in demo_steps():
                step.run(context)
        if sum(context.created.values()):
            detail = ", ".join(
                f"{name}: {count}" for name, count in context.created.items() if count
            )
            self.stdout.write(
                self.style.SUCCESS(f"Datos de demostración creados / created: {detail}")
            )
        else:
            self.stdout.write(
                "Los datos de demostración ya existían; no se cambió nada. / "
                "Demo data already present; nothing changed."
            )
        self._print_accounts(context.data.get("accounts", []))

    def _print_accounts(self, rows: list[tuple[str, str, str, str]]) -> None:
        if not rows:
            return
        header = ("DUI", "Rol / Role", "Ámbito / Scope", "Contraseña / Password")
        table = [header, *rows]
        widths = [max(len(str(row[column])) for row in table) for column in range(len(header))]
        rule = "  ".join("-" * width for width in widths)
        self.stdout.write("")
        self.stdout.write(
            "Cuentas de demostración (solo para pruebas locales) / "
            "Demo accounts (local testing only):"
        )
        self.stdout.write(rule)
        for index, row in enumerate(table):
            self.stdout.write(
                "  ".join(
                    str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
            if index == 0:
                self.stdout.write(rule)
        self.stdout.write(rule)
