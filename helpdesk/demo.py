"""The help desk's demo data for ``manage.py seed_demo`` (core/demo.py): a team serving every
shipped queue (the demo technician and supervisor), and two requests from the demo citizen so
the Bandeja and "Mis trámites" are not empty. DEMO ONLY; idempotent."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from core.accounts.models import User
from core.demo import DemoContext

from .models import Queue, Service, Team, Ticket
from .services import ticket_create
from .services.config import config_save, config_set_related

DEMO_CITIZEN_DUI = "02026001-0"
DEMO_TECHNICIAN_DUI = "02026004-4"
DEMO_SUPERVISOR_DUI = "02026005-2"
DEMO_HELPDESK_DUIS = (DEMO_CITIZEN_DUI, DEMO_TECHNICIAN_DUI, DEMO_SUPERVISOR_DUI)
DEMO_TEAM_NAME = "Mesa de ayuda (demostración)"
# (service code, answers — None takes the field's first choice —, description)
DEMO_REQUESTS = (
    (
        "certificacion-de-notas",
        {
            "nie": "10000001",
            "nombre_estudiante": "Sofía Marisol Hernández Rivas",
            "codigo_centro": "DEMO-001",
            "grados": "1.º a 3.er grado",
            "anio_desde": 2023,
            "anio_hasta": 2025,
            "finalidad": None,
        },
        "Necesito la certificación de notas para una beca.",
    ),
    (
        "problema-con-siges",
        {"modulo": None},
        "No puedo ver las notas de mi hija en el portal.",
    ),
)


def seed_helpdesk(context: DemoContext) -> None:
    by_dui = {user.dui: user for user in User.objects.filter(dui__in=DEMO_HELPDESK_DUIS)}
    team = Team.objects.filter(name=DEMO_TEAM_NAME).first()
    created = team is None
    if created:
        team = config_save(actor=None, instance=Team(name=DEMO_TEAM_NAME))
        context.count("teams")
    staff = [by_dui[DEMO_TECHNICIAN_DUI], by_dui[DEMO_SUPERVISOR_DUI]]
    if created or set(team.members.all()) != set(staff):
        config_set_related(actor=None, instance=team, field="members", values=staff)
        config_set_related(
            actor=None, instance=team, field="queues", values=Queue.objects.filter(is_active=True)
        )
    citizen = by_dui[DEMO_CITIZEN_DUI]
    if Ticket.objects.filter(requester=citizen).exists():
        return
    for code, answers, description in DEMO_REQUESTS:
        service = Service.objects.prefetch_related("fields").get(code=code)
        data = {
            key: (service.fields.get(key=key).choice_pairs()[0][0] if value is None else value)
            for key, value in answers.items()
        }
        try:
            ticket_create(requester=citizen, service=service, data=data, description=description)
        except ValidationError as exc:
            raise CommandError(f"{code}: {exc.messages}") from exc
        context.count("tickets")
