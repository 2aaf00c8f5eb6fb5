from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HrConfig(AppConfig):
    name = "workflows.hr"
    # Also the ``workflow_key`` of the catalogue's trámite that starts the record correction.
    label = "hr"
    verbose_name = _("Recursos humanos docentes")

    def ready(self) -> None:
        from core.accounts.choices import Role
        from core.audit.registry import register_object_type_labels
        from core.demo import register_demo_step
        from core.diagrams import register_flow_diagram
        from core.shell import register_nav_entry, register_panel_entry
        from helpdesk.models import Ticket
        from helpdesk.signals import ticket_created

        from . import demo
        from .flows import LeaveRequestFlow, RecordCorrectionFlow
        from .receivers import start_for_ticket

        register_flow_diagram(slug="licencia-docente", flow_class=LeaveRequestFlow)
        register_flow_diagram(
            slug="correccion-de-expediente-docente", flow_class=RecordCorrectionFlow
        )
        ticket_created.connect(start_for_ticket, sender=Ticket, dispatch_uid="hr.start_for_ticket")
        register_demo_step("hr-leave", layer="workflows", run=demo.seed_leave_requests)

        label = _("Licencias")
        register_nav_entry(
            key="hr-leave",
            label=label,
            url_name="hr:leave_request",
            position=18,
            roles=[Role.TEACHER],
        )
        register_panel_entry(
            roles=[Role.TEACHER, Role.DIRECTOR],
            key="hr-leave",
            label=_("Solicitar licencia"),
            url_name="hr:leave_request",
            description=_("Pida días de licencia con su respaldo y siga su aprobación."),
            position=13,
        )
        register_object_type_labels({"teachers.leave": _("Licencia")})
