from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TitlesConfig(AppConfig):
    name = "workflows.titles"
    # Also the ``workflow_key`` of the catalogue's "reposición de título".
    label = "titles"
    verbose_name = _("Emisión de títulos")

    def ready(self) -> None:
        from core.accounts.choices import Role
        from core.audit.registry import register_action_labels
        from core.demo import register_demo_step
        from core.diagrams import register_flow_diagram
        from core.shell import register_nav_entry, register_panel_entry
        from helpdesk.models import Ticket
        from helpdesk.signals import ticket_created

        from . import demo
        from .flows import TitleFlow
        from .receivers import start_for_ticket

        register_flow_diagram(slug="emision-de-titulos", flow_class=TitleFlow)
        ticket_created.connect(
            start_for_ticket, sender=Ticket, dispatch_uid="titles.start_for_ticket"
        )
        titles = _("Títulos")
        register_nav_entry(
            key="titulos", label=titles, url_name="titles:home", position=45,
            roles=[Role.REGISTRAR],
        )  # fmt: skip
        register_nav_entry(
            key="titulos-solicitudes",
            label=titles,
            url_name="titles:list",
            position=46,
            roles=[Role.AUDITOR, Role.MINISTRY_OFFICER, Role.DEPARTMENTAL_OFFICER],
        )
        register_panel_entry(
            roles=[Role.REGISTRAR],
            key="titulos",
            label=titles,
            url_name="titles:home",
            description=_("Solicitar los títulos de los graduados y seguir su entrega."),
            position=20,
        )
        register_panel_entry(
            roles=[Role.DEPARTMENTAL_OFFICER, Role.MINISTRY_OFFICER, Role.AUDITOR],
            key="titulos",
            label=titles,
            url_name="titles:list",
            description=_("Solicitudes de títulos: verificación, firmas, impresión y entrega."),
            position=40,
        )
        register_action_labels(
            {
                "title_request.received_department": _("Títulos recibidos en la departamental"),
                "title_request.received_school": _("Títulos recibidos en el centro"),
                "title_request.exported": _("Solicitudes de títulos exportadas"),
            }
        )
        register_demo_step("titles", layer="workflows", run=demo.seed_titles)
