"""Point the catalogue's "Corrección de datos personales" at this process and give its form the
answers the process reads (databases loaded before the process existed; new databases already
get them from helpdesk/catalogue.py). Frozen here on purpose: later catalogue edits must not
change what this migration did."""

from django.db import migrations

SERVICE_CODE = "correccion-de-datos-personales"
WORKFLOW_KEY = "data_correction"
DESCRIPTION = (
    "Corrección de nombres, apellidos, fecha de nacimiento o sexo en su propio registro o en el "
    "de un estudiante a su cargo."
)
# (key, label, type, required, choices, help text), in form order.
FIELDS = [
    (
        "registro",
        "Registro a corregir",
        "choice",
        True,
        [
            ["propio", "Mis propios datos"],
            ["docente", "Mis datos como docente"],
            ["responsable", "Mis datos como madre, padre o responsable"],
            ["estudiante", "Un estudiante a mi cargo"],
        ],
        "",
    ),
    ("nombre_estudiante", "Nombre completo del estudiante (si es un estudiante)", "text", False, [], ""),
    ("nie", "NIE (si es un estudiante)", "nie", False, [], ""),
    ("dui", "DUI (si es una persona adulta)", "dui", False, [], ""),
    (
        "codigo_centro",
        "Código del centro educativo (del estudiante o del docente)",
        "text",
        False,
        [],
        "",
    ),
    (
        "dato",
        "Dato a corregir",
        "choice",
        True,
        [
            ["nombres", "Nombres"],
            ["apellidos", "Apellidos"],
            ["nacimiento", "Fecha de nacimiento"],
            ["sexo", "Sexo"],
        ],
        "",
    ),
    ("valor_actual", "Cómo aparece ahora", "text", True, [], ""),
    (
        "valor_correcto",
        "Cómo debe aparecer",
        "text",
        True,
        [],
        "Fechas como 14/03/2016; sexo como Femenino o Masculino.",
    ),
    ("respaldo", "Documento de respaldo (partida de nacimiento o DUI)", "file", True, [], ""),
]


def forward(apps, schema_editor):
    service_model = apps.get_model("helpdesk", "Service")
    field_model = apps.get_model("helpdesk", "ServiceField")
    service = service_model.objects.filter(code=SERVICE_CODE).first()
    if service is None or service.workflow_key not in ("", WORKFLOW_KEY):
        return  # removed, or deliberately pointed elsewhere by an administrator
    service.workflow_key = WORKFLOW_KEY
    service.description = DESCRIPTION
    service.save(update_fields=["workflow_key", "description"])
    for position, (key, label, field_type, required, choices, help_text) in enumerate(
        FIELDS, start=1
    ):
        field_model.objects.update_or_create(
            service=service,
            key=key,
            defaults={
                "label": label,
                "field_type": field_type,
                "required": required,
                "choices": choices,
                "help_text": help_text,
                "order": position * 10,
            },
        )


def backward(apps, schema_editor):
    service_model = apps.get_model("helpdesk", "Service")
    service_model.objects.filter(code=SERVICE_CODE, workflow_key=WORKFLOW_KEY).update(
        workflow_key=""
    )


class Migration(migrations.Migration):
    dependencies = [
        ("data_correction", "0001_initial"),
        ("helpdesk", "0005_stored_search_documents"),
    ]

    operations = [migrations.RunPython(forward, backward)]
