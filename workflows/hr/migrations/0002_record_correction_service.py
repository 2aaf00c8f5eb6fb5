"""Add the catalogue's "Corrección de expediente docente" trámite, in the human-resources queue,
pointed at this app's process. Frozen here on purpose: later catalogue edits are made by
administrators and must not change what this migration did."""

from django.db import migrations

SERVICE_CODE = "correccion-de-expediente-docente"
QUEUE_CODE = "recursos-humanos"
SLA_CODE = "tramite-5-dias"
WORKFLOW_KEY = "hr"
NAME = "Corrección de expediente docente"
DESCRIPTION = (
    "Corrección del NIP, la especialidad o el nivel y la categoría del escalafón en su "
    "expediente docente. Recursos humanos de su departamento aplica el cambio."
)
# (key, label, type, required, choices, help text), in form order.
FIELDS = [
    (
        "dato",
        "Dato a corregir",
        "choice",
        True,
        [
            ["nip", "NIP"],
            ["especialidad", "Especialidad"],
            ["nivel", "Nivel del escalafón"],
            ["categoria", "Categoría del escalafón"],
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
        "El nivel es 1 o 2; la categoría, un número del 1 al 6.",
    ),
    ("respaldo", "Documento de respaldo (acuerdo, título o constancia)", "file", True, [], ""),
]


def forward(apps, schema_editor):
    queue_model = apps.get_model("helpdesk", "Queue")
    sla_model = apps.get_model("helpdesk", "SlaPolicy")
    service_model = apps.get_model("helpdesk", "Service")
    field_model = apps.get_model("helpdesk", "ServiceField")
    queue = queue_model.objects.filter(code=QUEUE_CODE).first()
    policy = sla_model.objects.filter(code=SLA_CODE).first()
    if queue is None or policy is None or service_model.objects.filter(code=SERVICE_CODE).exists():
        return  # the catalogue was not loaded, or the trámite already exists
    service = service_model.objects.create(
        code=SERVICE_CODE,
        name=NAME,
        description=DESCRIPTION,
        queue=queue,
        sla_policy=policy,
        workflow_key=WORKFLOW_KEY,
        any_citizen=False,
        allowed_roles=["teacher", "director"],
        order=service_model.objects.count() * 10 + 10,
    )
    for position, (key, label, field_type, required, choices, help_text) in enumerate(
        FIELDS, start=1
    ):
        field_model.objects.create(
            service=service,
            key=key,
            label=label,
            field_type=field_type,
            required=required,
            choices=choices,
            help_text=help_text,
            order=position * 10,
        )


def backward(apps, schema_editor):
    apps.get_model("helpdesk", "Service").objects.filter(
        code=SERVICE_CODE, workflow_key=WORKFLOW_KEY
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hr", "0001_leave_requests_and_record_corrections"),
        ("helpdesk", "0006_servicefield_school_type"),
    ]

    operations = [migrations.RunPython(forward, backward)]
