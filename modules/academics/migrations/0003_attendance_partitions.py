"""Attendance grows by the day (about 240 million rows a year nationally): on PostgreSQL the
section-day headers and the students' rows are partitioned by school year (core/partitions.py,
docs/architecture.md §12). Each row now carries its day's date, the partition key; elsewhere
(SQLite) the tables stay ordinary tables."""

from django.db import migrations, models

from core.partitions import PartitionedLink, partition_by_year_operation

COPY_DATES = """
UPDATE academics_attendancerecord SET date = (
    SELECT d.date FROM academics_attendanceday d WHERE d.id = academics_attendancerecord.day_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("academics", "0002_promotion_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="attendancerecord",
            name="date",
            field=models.DateField(null=True, verbose_name="fecha"),
        ),
        migrations.RunSQL(COPY_DATES, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="attendancerecord",
            name="date",
            field=models.DateField(verbose_name="fecha"),
        ),
        partition_by_year_operation(
            ("academics_attendanceday", "date"),
            ("academics_attendancerecord", "date"),
            links=[
                PartitionedLink(
                    child="academics_attendancerecord",
                    fk_column="day_id",
                    child_column="date",
                    parent="academics_attendanceday",
                    parent_column="date",
                )
            ],
        ),
    ]
