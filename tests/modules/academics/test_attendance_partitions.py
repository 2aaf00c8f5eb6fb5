"""Attendance partitioned by school year on PostgreSQL (migration 0003, core/partitions.py): the
tables are partitioned parents, a recorded day lands in its year's partition, the next year's
partitions are created ahead once, and a finished year detaches from the live tables."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from core.partitions import PartitionError, attached_years, partition_detach, partitions_ensure
from modules.academics.models import AttendanceDay, AttendanceRecord
from modules.academics.services import Mark, attendance_record

from .conftest import CLASS_DAY, enroll

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

DAY_TABLE = AttendanceDay._meta.db_table
ROW_TABLE = AttendanceRecord._meta.db_table


def _partition_of(table, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def _years(table):
    with connection.cursor() as cursor:
        return attached_years(cursor, table)


def test_the_attendance_tables_are_partitioned_with_a_composite_key():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relkind FROM pg_class WHERE relname IN (%s, %s) ORDER BY relname",
            [DAY_TABLE, ROW_TABLE],
        )
        assert cursor.fetchall() == [(DAY_TABLE, "p"), (ROW_TABLE, "p")]
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype = 'f' AND confrelid = %s::regclass",
            [ROW_TABLE, DAY_TABLE],
        )
        assert cursor.fetchall() == [
            (
                f"FOREIGN KEY (day_id, date) REFERENCES {DAY_TABLE}(id, date) "
                "DEFERRABLE INITIALLY DEFERRED",
            )
        ]
    # The migration created the current year and the next one.
    assert {2026, 2027} <= set(_years(DAY_TABLE))
    assert _years(DAY_TABLE) == _years(ROW_TABLE)


def test_a_recorded_day_lands_in_its_year(section, teacher):
    first, second = enroll(section, 2)

    header = attendance_record(
        actor=teacher, section=section, day=CLASS_DAY, marks={second.pk: Mark("absent")}
    )

    assert _partition_of(DAY_TABLE, header.pk) == f"{DAY_TABLE}_y2026"
    rows = AttendanceRecord.objects.filter(day=header).order_by("enrollment_id")
    assert [(r.enrollment_id, r.date, r.presence) for r in rows] == [
        (first.pk, CLASS_DAY, "present"),
        (second.pk, CLASS_DAY, "absent"),
    ]
    assert {_partition_of(ROW_TABLE, r.pk) for r in rows} == {f"{ROW_TABLE}_y2026"}


def test_a_row_dated_apart_from_its_day_is_refused(section, teacher):
    (only,) = enroll(section, 1)
    header = attendance_record(actor=teacher, section=section, day=CLASS_DAY, marks={})
    before = AttendanceRecord.objects.count()

    connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceRecord.objects.create(
            day=header, date=date(2026, 3, 3), enrollment=only, presence="present"
        )

    assert AttendanceRecord.objects.count() == before


def test_next_years_are_created_ahead_once():
    created = partitions_ensure(years_ahead=1, today=date(2027, 12, 1))

    assert created == [f"{DAY_TABLE}_y2028", f"{ROW_TABLE}_y2028"]
    assert partitions_ensure(years_ahead=1, today=date(2027, 12, 2)) == []
    assert 2028 in _years(DAY_TABLE)
    assert 2028 in _years(ROW_TABLE)


def test_a_finished_year_detaches_from_the_live_tables(section, teacher):
    enroll(section, 3)
    attendance_record(actor=teacher, section=section, day=CLASS_DAY, marks={})

    # The headers' year cannot go while live rows still point at it: nothing changes.
    with pytest.raises(PartitionError, match="desprenda antes"):
        partition_detach(table=DAY_TABLE, year=2026, today=date(2027, 2, 1))
    assert 2026 in _years(DAY_TABLE)
    assert AttendanceDay.objects.count() == 1

    # Rows first, then headers.
    partition_detach(table=ROW_TABLE, year=2026, today=date(2027, 2, 1))
    partition_detach(table=DAY_TABLE, year=2026, today=date(2027, 2, 1))

    assert not AttendanceDay.objects.exists()
    assert not AttendanceRecord.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {ROW_TABLE}_y2026")  # noqa: S608
        assert cursor.fetchone()[0] == 3
    assert 2026 not in _years(ROW_TABLE)
