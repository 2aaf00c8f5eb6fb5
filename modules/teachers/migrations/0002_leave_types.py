"""The shipped catalogue of leave types (docs/domain.md §11). Frozen here on purpose: later edits
of the catalogue are made by administrators, not by changing this migration."""

from django.db import migrations

# (code, name, maximum days or None, needs evidence)
LEAVE_TYPES = [
    ("enfermedad", "Enfermedad", None, True),
    ("maternidad", "Maternidad", 112, True),
    ("paternidad", "Paternidad", 3, True),
    ("duelo", "Duelo", 3, True),
    ("personal", "Asuntos personales", 5, False),
    ("mision_oficial", "Misión oficial", None, True),
    ("estudios", "Estudios o beca", None, True),
]


def forward(apps, schema_editor):
    leave_type = apps.get_model("teachers", "LeaveType")
    for position, (code, name, max_days, evidence) in enumerate(LEAVE_TYPES, start=1):
        leave_type.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "max_days": max_days,
                "requires_evidence": evidence,
                "position": position * 10,
            },
        )


def backward(apps, schema_editor):
    apps.get_model("teachers", "LeaveType").objects.filter(
        code__in=[row[0] for row in LEAVE_TYPES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("teachers", "0001_teachers_staff_and_timetable")]

    operations = [migrations.RunPython(forward, backward)]
