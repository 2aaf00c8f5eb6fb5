"""Ship the SLA policies, queues and trámites of helpdesk/catalogue.py (creates missing rows only)."""

from django.db import migrations


def load(apps, schema_editor):
    from helpdesk.catalogue import load_catalogue

    load_catalogue(apps)


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
