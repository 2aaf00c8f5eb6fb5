from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Mesa de ayuda")

    def ready(self) -> None:
        from anymail.signals import inbound

        from core.diagrams import register_diagram

        from .audit_labels import register as register_audit_labels

        # Opening a ticket reads its service from a cache that catalogue changes retire.
        from .catalogue_cache import connect as connect_catalogue_cache
        from .choices import TicketStatus
        from .inbound import on_anymail_inbound
        from .models import Ticket
        from .selectors import ticket_list_for_diagram

        connect_catalogue_cache()
        # Replies by email and mail to queue addresses (helpdesk/inbound.py).
        inbound.connect(on_anymail_inbound, dispatch_uid="helpdesk.anymail_inbound")
        # Every trámite is a case: its lifecycle, and each case's path, on /diagramas/.
        register_diagram(
            slug="casos-de-la-mesa-de-ayuda",
            model=Ticket,
            field="status",
            title=_("Casos de la mesa de ayuda"),
            initial=TicketStatus.NEW,
            instance_scope=ticket_list_for_diagram,
        )

        # Tickets are work in the Bandeja; supervisors assign it to their technicians.
        from core.work import register_assignees, register_source

        from .work import TicketSource, assignable_technicians

        register_source(TicketSource())
        register_assignees(assignable_technicians)

        self._register_shell()

        from django.conf import settings

        from core.demo import register_demo_step
        from core.periodic import register_periodic_task

        from . import demo

        # SLA warnings, breaches, escalation and auto-close; idempotent, so overlaps are harmless.
        register_periodic_task(
            "helpdesk-sla-sweep",
            task="helpdesk.tasks.sla_sweep",
            seconds=getattr(settings, "SIGES_HELPDESK_SLA_SWEEP_SECONDS", 300.0),
            expires=240.0,
        )
        register_demo_step("helpdesk", layer="helpdesk", run=demo.seed_helpdesk)

        # The requester of a ticket may open the page of the process the ticket follows.
        from core.processes.selectors import register_participant_rule

        from .selectors import is_ticket_requester_of_process

        register_participant_rule(is_ticket_requester_of_process)

        # Spanish names of the help desk's audit codes; case numbers find their history.
        register_audit_labels()

    def _register_shell(self) -> None:
        from core.accounts.choices import Role
        from core.shell import EVERYONE, register_nav_entry, register_panel_entry

        from .permissions import STAFF_ROLES

        catalogue, mine = _("Trámites"), _("Mis trámites")
        requesters = [Role.CITIZEN, Role.GUARDIAN]
        register_nav_entry(
            key="catalogue",
            label=catalogue,
            url_name="helpdesk:catalogue",
            position=20,
            audience=EVERYONE,
        )
        register_nav_entry(
            key="my-tickets",
            label=mine,
            url_name="helpdesk:my_tickets",
            position=30,
            roles=requesters,
        )
        register_nav_entry(
            key="ticket-search",
            label=_("Buscar casos"),
            url_name="helpdesk:search",
            position=50,
            roles=STAFF_ROLES,
        )
        register_nav_entry(
            key="reports",
            label=_("Reportes"),
            url_name="helpdesk:reports",
            position=60,
            roles=[Role.SUPERVISOR, Role.ADMINISTRATOR],
        )
        register_panel_entry(
            roles=requesters,
            key="catalogue",
            label=catalogue,
            url_name="helpdesk:catalogue",
            description=_("Catálogo de trámites: solicite el que necesita."),
            position=10,
        )
        register_panel_entry(
            roles=requesters,
            key="my-tickets",
            label=mine,
            url_name="helpdesk:my_tickets",
            description=_("Solicitudes y su seguimiento."),
            position=20,
        )
        register_panel_entry(
            roles=STAFF_ROLES,
            key="ticket-search",
            label=_("Buscar casos"),
            url_name="helpdesk:search",
            description=_("Por número, asunto o lo que dice la solicitud."),
            position=30,
        )
        register_panel_entry(
            roles=[Role.SUPERVISOR, Role.ADMINISTRATOR],
            key="reports",
            label=_("Reportes"),
            url_name="helpdesk:reports",
            description=_("Casos pendientes por cola, plazos cumplidos y carga del equipo."),
            position=40,
        )
