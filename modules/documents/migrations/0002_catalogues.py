"""The title definitions and the motive catalogues, shipped as data (docs/domain.md, "Titles").
Frozen here on purpose: later edits go through new migrations or the admin."""

from django.db import migrations

# (code, name, degree printed on the title, final grade code, position)
DEFINITIONS = [
    ("BG", "Bachillerato General", "Bachiller General", "BG2", 10),
    (
        "BTV",
        "Bachillerato Técnico Vocacional",
        "Bachiller Técnico Vocacional",
        "BT3",
        20,
    ),
]

# (kind, code, name)
MOTIVES = [
    ("exclusion", "NO_APROBADO", "No aprobó el último grado del bachillerato"),
    ("exclusion", "DOCUMENTOS", "Documentos de estudios previos incompletos"),
    ("exclusion", "DATOS", "Datos personales por corregir antes de emitir"),
    ("exclusion", "PAES", "Requisito de prueba de egreso pendiente"),
    ("exclusion", "OTRO", "Otro motivo (detallado en la observación)"),
    ("reprint", "ERROR_IMPRESION", "Error de impresión"),
    ("reprint", "ERROR_DATOS", "Error en los datos del título"),
    ("reprint", "DETERIORO", "Deterioro antes de la entrega"),
    ("annulment", "ERROR_EMISION", "Emitido por error"),
    ("annulment", "FRAUDE", "Documentos o estudios fraudulentos"),
    ("annulment", "RESOLUCION", "Por resolución administrativa o judicial"),
]


def load(apps, schema_editor):
    definition_model = apps.get_model("documents", "TitleDefinition")
    motive_model = apps.get_model("documents", "Motive")
    grade_model = apps.get_model("schools", "Grade")
    for code, name, degree, grade_code, position in DEFINITIONS:
        grade = grade_model.objects.filter(code=grade_code).first()
        if grade is None:
            continue
        definition_model.objects.get_or_create(
            code=code,
            defaults={"name": name, "degree": degree, "grade": grade, "position": position},
        )
    for position, (kind, code, name) in enumerate(MOTIVES, start=1):
        motive_model.objects.get_or_create(
            kind=kind, code=code, defaults={"name": name, "position": position * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
