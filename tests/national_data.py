"""Put back the data the migrations ship (national structure, the 2026 year and calendar, the
withdrawal motives, the NIE counter) when a transactional test has flushed the tables."""

import importlib

from django.apps import apps
from django.db import connection


class _Editor:
    connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def ensure_national_data() -> None:
    from modules.schools.models import Grade
    from modules.students.models import WithdrawalMotive

    if not Grade.objects.exists():
        importlib.import_module("modules.schools.migrations.0005_national_structure").forwards(
            apps, _Editor()
        )
    if not WithdrawalMotive.objects.exists():
        importlib.import_module(
            "modules.students.migrations.0002_nie_sequence_and_motives"
        ).forwards(apps, _Editor())
