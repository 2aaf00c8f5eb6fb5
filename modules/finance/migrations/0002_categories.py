from django.db import migrations

from modules.finance.catalogue import categories_load


def load(apps, schema_editor):
    categories_load(apps)


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_school_finances")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
