from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Mesa de ayuda")

    def ready(self) -> None:
        from anymail.signals import inbound

        from .inbound import on_anymail_inbound

        # Replies by email and mail to queue addresses (helpdesk/inbound.py).
        inbound.connect(on_anymail_inbound, dispatch_uid="helpdesk.anymail_inbound")

        # Tickets are work in the Bandeja; supervisors assign it to their technicians.
        from core.work import register_assignees, register_source

        from .work import TicketSource, assignable_technicians

        register_source(TicketSource())
        register_assignees(assignable_technicians)

        # The requester of a ticket may open the page of the process the ticket follows.
        from core.processes.selectors import register_participant_rule

        from .selectors import is_ticket_requester_of_process

        register_participant_rule(is_ticket_requester_of_process)
