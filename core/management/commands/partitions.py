"""``manage.py partitions``: the school-year partitions of the tables that grow by the day
(core/partitions.py). ``list`` shows them, ``ensure`` creates the coming years now (the periodic
task does it daily), ``detach --table T --year Y`` takes a past year out of the live table,
``archive --table T --year Y --to DIR`` writes it to a compressed CSV file and drops it."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from core.partitions import (
    DEFAULT_YEARS_AHEAD,
    PartitionError,
    attached_years,
    is_partitioned,
    partition_archive,
    partition_detach,
    partitioned_tables,
    partitions_ensure,
)


class Command(BaseCommand):
    help = "Lists, creates ahead, detaches or archives the school-year partitions (PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "ensure", "detach", "archive"])
        parser.add_argument("--table", help="The partitioned table (detach, archive).")
        parser.add_argument("--year", type=int, help="The past school year (detach, archive).")
        parser.add_argument("--to", help="Directory of the archive file (archive).")
        parser.add_argument("--years-ahead", type=int, default=DEFAULT_YEARS_AHEAD)
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        using = options["database"]
        action = options["action"]
        if connections[using].vendor != "postgresql":
            self.stdout.write("Sin particiones: solo PostgreSQL particiona las tablas.")
            return
        try:
            if action == "list":
                self._list(using)
            elif action == "ensure":
                created = partitions_ensure(years_ahead=options["years_ahead"], using=using)
                self.stdout.write(
                    "Creadas: " + ", ".join(created) if created else "Nada que crear."
                )
            else:
                if not options["table"] or not options["year"]:
                    raise CommandError("Indique --table y --year.")
                if action == "detach":
                    name = partition_detach(
                        table=options["table"], year=options["year"], using=using
                    )
                    self.stdout.write(f"Desprendida: {name}")
                else:
                    if not options["to"]:
                        raise CommandError("Indique el directorio del archivo con --to.")
                    path = partition_archive(
                        table=options["table"],
                        year=options["year"],
                        directory=Path(options["to"]),
                        using=using,
                    )
                    self.stdout.write(f"Archivada en {path}")
        except PartitionError as exc:
            raise CommandError(str(exc)) from exc

    def _list(self, using: str) -> None:
        with connections[using].cursor() as cursor:
            for entry in partitioned_tables():
                if not is_partitioned(cursor, entry.table):
                    self.stdout.write(f"{entry.table}: sin particionar (migración pendiente)")
                    continue
                years = ", ".join(str(y) for y in attached_years(cursor, entry.table))
                self.stdout.write(f"{entry.table} ({entry.column}): {years}")
