"""The NIE source and the withdrawal-motive catalogue (docs/domain.md §1, §4).

PostgreSQL gets a real sequence, ``students_nie_seq``, starting at 10,000,000: ``nextval`` never
hands a number out twice, even when the transaction that took it rolls back or the student is
deleted. Other databases (SQLite in development and tests) get one ``NieCounter`` row that the
allocation service increments atomically.
"""

from django.db import migrations

NIE_START = 10_000_000

# (code, name, kind): 23 coded motives and «otras».
MOTIVES = (
    ("01", "Cambio de domicilio", "transfer"),
    ("02", "Cambio de centro educativo", "transfer"),
    ("03", "Migración fuera del país", "dropout"),
    ("04", "Bajo rendimiento académico", "dropout"),
    ("05", "Los padres o responsables no desean que continúe", "dropout"),
    ("06", "Dificultades económicas", "dropout"),
    ("07", "Inseguridad en la zona", "dropout"),
    ("08", "Acoso escolar", "dropout"),
    ("09", "Embarazo", "dropout"),
    ("10", "Trabajo", "dropout"),
    ("11", "Enfermedad", "dropout"),
    ("12", "Fallecimiento", "dropout"),
    ("13", "Distancia al centro educativo o falta de transporte", "dropout"),
    ("14", "Desastre natural o emergencia", "dropout"),
    ("15", "Discapacidad sin la atención necesaria", "dropout"),
    ("16", "Cuidado de familiares o tareas del hogar", "dropout"),
    ("17", "Falta de interés del estudiante", "dropout"),
    ("18", "Consumo de drogas", "dropout"),
    ("19", "Internamiento o conflicto con la ley", "dropout"),
    ("20", "Unión o matrimonio temprano", "dropout"),
    ("21", "Violencia intrafamiliar", "dropout"),
    ("22", "Cambio de sección dentro del centro educativo", "section_change"),
    ("23", "Cambio de turno dentro del centro educativo", "section_change"),
    ("99", "Otras", "dropout"),
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE SEQUENCE IF NOT EXISTS students_nie_seq START WITH {NIE_START} "
            f"MINVALUE 1 NO CYCLE"
        )
    else:
        apps.get_model("students", "NieCounter").objects.create(pk=1, last_value=NIE_START - 1)
    WithdrawalMotive = apps.get_model("students", "WithdrawalMotive")
    for position, (code, name, kind) in enumerate(MOTIVES, start=1):
        WithdrawalMotive.objects.create(code=code, name=name, kind=kind, position=position)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS students_nie_seq")
    apps.get_model("students", "NieCounter").objects.all().delete()
    apps.get_model("students", "WithdrawalMotive").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("students", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
