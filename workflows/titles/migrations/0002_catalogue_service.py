"""Point the catalogue's "Reposición de título de bachiller" at this process and ask for the
published resolution's number (databases loaded before the process existed; new databases get
both from helpdesk/catalogue.py). Frozen here on purpose."""

from django.db import migrations

SERVICE_CODE = "reposicion-de-titulo"
WORKFLOW_KEY = "titles"
FIELD = {
    "key": "numero_resolucion",
    "label": "Número de la resolución publicada",
    "field_type": "text",
    "required": True,
    "choices": [],
    "help_text": "La resolución que autoriza la reposición, por ejemplo 2026-0153.",
}


def forward(apps, schema_editor):
    service_model = apps.get_model("helpdesk", "Service")
    field_model = apps.get_model("helpdesk", "ServiceField")
    service = service_model.objects.filter(code=SERVICE_CODE).first()
    if service is None or service.workflow_key not in ("", WORKFLOW_KEY):
        return  # removed, or deliberately pointed elsewhere by an administrator
    service.workflow_key = WORKFLOW_KEY
    service.save(update_fields=["workflow_key"])
    if not field_model.objects.filter(service=service, key=FIELD["key"]).exists():
        # After the motive, before the optional evidence.
        motive = field_model.objects.filter(service=service, key="motivo").first()
        order = (motive.order + 5) if motive is not None else 1000
        field_model.objects.create(service=service, order=order, **FIELD)


def backward(apps, schema_editor):
    service_model = apps.get_model("helpdesk", "Service")
    service_model.objects.filter(code=SERVICE_CODE, workflow_key=WORKFLOW_KEY).update(
        workflow_key=""
    )


class Migration(migrations.Migration):
    dependencies = [
        ("titles", "0001_initial"),
        ("helpdesk", "0006_servicefield_school_type"),
    ]

    operations = [migrations.RunPython(forward, backward)]
