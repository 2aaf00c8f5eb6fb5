"""``manage.py import_districts [FILE]``: load the district catalogue (all or nothing)."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from modules.schools.catalogue import read_district_file
from modules.schools.geography import DISTRICTS_FILE
from modules.schools.services import districts_import


class Command(BaseCommand):
    help = (
        "Import or update districts from a CSV file (columns municipality_code, code, name and "
        "optionally department_code). Upserts by code; a file with any bad row imports nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            default=str(DISTRICTS_FILE),
            help="CSV file to import (default: the shipped modules/schools/data/districts.csv)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        rows, errors = read_district_file(path)
        if not errors:
            try:
                result = districts_import(rows=rows, source=path.name)
            except ValidationError as exc:
                errors = exc.messages
        if errors:
            raise CommandError(
                "\n".join([_("No se importó ningún distrito: el archivo tiene errores."), *errors])
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Distritos: %(created)s creados, %(updated)s actualizados, "
                    "%(unchanged)s sin cambios."
                )
                % {
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                }
            )
        )
