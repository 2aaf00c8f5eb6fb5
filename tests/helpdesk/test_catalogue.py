"""The shipped catalogue (migration 0002): docs/domain.md §8 trámites with forms, queues, SLAs."""

from django.apps import apps
from django.core.management import call_command

from helpdesk.catalogue import load_catalogue
from helpdesk.forms import build_service_form
from helpdesk.models import Queue, Service, SlaPolicy

EXPECTED_SERVICES = {
    "registro-de-cuenta",
    "recuperacion-de-contrasena",
    "reposicion-de-titulo",
    "certificacion-de-notas",
    "equivalencia-de-estudios",
    "solicitud-de-matricula",
    "traslado-entre-centros",
    "correccion-de-datos-personales",
    "autenticacion-de-documentos",
    "permiso-o-licencia-docente",
}


def test_the_migration_ships_the_trámites_with_queues_and_slas(db):
    services = Service.objects.select_related("queue", "sla_policy").prefetch_related("fields")
    assert {s.code for s in services} >= EXPECTED_SERVICES
    for service in services:
        service.full_clean()
        assert service.fields.count() >= 3, service.code
        for field in service.fields.all():
            field.full_clean()
        # Every form can be built (and so rendered and validated).
        assert list(build_service_form(service)().fields) == [f.key for f in service.fields.all()]
    accounts = Queue.objects.get(code="cuentas-y-accesos")
    assert accounts.name == "Cuentas y accesos"
    assert Service.objects.get(code="registro-de-cuenta").queue == accounts
    assert Service.objects.get(code="registro-de-cuenta").workflow_key == "registration"
    assert Queue.objects.count() >= 5
    assert Queue.objects.get(code="soporte-tecnologico").escalation_queue.code == (
        "soporte-segundo-nivel"
    )


def test_loading_again_creates_nothing_and_keeps_admin_edits(db):
    policy = SlaPolicy.objects.get(code="estandar")
    policy.name = "Estándar (editada)"
    policy.save()
    Service.objects.filter(code="registro-de-cuenta").update(is_active=False)

    assert load_catalogue(apps) == {"policies": 0, "queues": 0, "services": 0}
    call_command("helpdesk_load_catalogue", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert SlaPolicy.objects.get(code="estandar").name == "Estándar (editada)"
    assert Service.objects.get(code="registro-de-cuenta").is_active is False


def test_loading_into_an_empty_catalogue_recreates_it(db):
    Service.objects.all().delete()
    created = load_catalogue(apps)
    assert created == {"policies": 0, "queues": 0, "services": Service.objects.count()}
    assert Service.objects.count() >= 10
