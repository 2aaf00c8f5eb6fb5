"""Ship the 14 departments and 44 municipalities of the 2024 reform (data/geography.json)."""

from django.db import migrations


def load_geography(apps, schema_editor):
    from modules.schools.geography import geography_upsert

    geography_upsert(apps.get_model("schools", "Department"), apps.get_model("schools", "Municipality"))


class Migration(migrations.Migration):

    dependencies = [
        ("schools", "0002_school_not_attached_to_itself"),
    ]

    operations = [
        # Reversing keeps the rows: schools, districts and role grants point at them.
        migrations.RunPython(load_geography, migrations.RunPython.noop, elidable=False),
    ]
