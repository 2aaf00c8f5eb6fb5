"""Migrating attendance back before its partitioning (PostgreSQL) keeps every row in ordinary
tables, and migrating forward partitions them again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from modules.academics.models import AttendanceDay, AttendanceRecord
from modules.academics.services import attendance_record

from .conftest import CLASS_DAY, enroll

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])


def _latest():
    """The app's newest migration (not 0003 itself: going back to 0002 unapplies every later
    one, and leaving them unapplied would fail later tests that check for pending ones)."""
    (leaf,) = MigrationExecutor(connection).loader.graph.leaf_nodes("academics")
    return leaf


def _kinds():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relkind FROM pg_class WHERE relname IN (%s, %s) ORDER BY relname",
            [AttendanceDay._meta.db_table, AttendanceRecord._meta.db_table],
        )
        return [kind for _name, kind in cursor.fetchall()]


def _rows():
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, day_id, enrollment_id, presence FROM {AttendanceRecord._meta.db_table} "  # noqa: S608
            "ORDER BY id"
        )
        return cursor.fetchall()


def test_going_back_keeps_the_rows_and_forward_partitions_again(section, teacher):
    enroll(section, 3)
    attendance_record(actor=teacher, section=section, day=CLASS_DAY, marks={})
    before = _rows()

    try:
        _migrate(("academics", "0002_promotion_rules"))
        assert _kinds() == ["r", "r"]
        assert _rows() == before
    finally:
        _migrate(_latest())

    assert _kinds() == ["p", "p"]
    assert _rows() == before
    assert AttendanceRecord.objects.filter(date=CLASS_DAY).count() == 3
