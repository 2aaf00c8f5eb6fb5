from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataCorrectionConfig(AppConfig):
    name = "workflows.data_correction"
    # Also the ``workflow_key`` of the catalogue's trámite that starts this process.
    label = "data_correction"
    verbose_name = _("Corrección de datos personales")

    def ready(self) -> None:
        from core.demo import register_demo_step
        from core.diagrams import register_flow_diagram
        from helpdesk.models import Ticket
        from helpdesk.signals import ticket_created

        from . import demo
        from .flows import DataCorrectionFlow
        from .receivers import start_for_ticket

        # Listed on /diagramas/ with the other trámites; the catalogue links staff to it.
        register_flow_diagram(slug="correccion-de-datos-personales", flow_class=DataCorrectionFlow)

        ticket_created.connect(
            start_for_ticket, sender=Ticket, dispatch_uid="data_correction.start_for_ticket"
        )
        # One correction waiting at each step, so every role with work finds some.
        register_demo_step("data-corrections", layer="workflows", run=demo.seed_data_corrections)
