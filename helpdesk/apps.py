from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Mesa de ayuda")

    def ready(self) -> None:
        from anymail.signals import inbound

        from core.diagrams import register_diagram

        from .choices import TicketStatus
        from .inbound import on_anymail_inbound
        from .models import Ticket
        from .selectors import ticket_list_for_diagram

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
