from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The help-desk catalogue's trámite for teachers' leave (helpdesk/catalogue.py).
LEAVE_SERVICE_CODE = "permiso-o-licencia-docente"


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
        from helpdesk.service_pages import register_service_page
        from helpdesk.signals import ticket_created
        from modules.teachers.leave_sources import register_pending_leave_source

        from . import demo
        from .flows import LeaveRequestFlow, RecordCorrectionFlow
        from .receivers import start_for_ticket
        from .selectors import leave_approved_awaiting_registration

        register_flow_diagram(slug="licencia-docente", flow_class=LeaveRequestFlow)
        register_flow_diagram(
            slug="correccion-de-expediente-docente", flow_class=RecordCorrectionFlow
        )
        ticket_created.connect(start_for_ticket, sender=Ticket, dispatch_uid="hr.start_for_ticket")
        register_demo_step("hr-leave", layer="workflows", run=demo.seed_leave_requests)
        # The catalogue's leave trámite leads to the leave request, never to a generic ticket.
        register_service_page(LEAVE_SERVICE_CODE, "hr:leave_request")
        # Approved leave shows on the record and the staff view before it is registered.
        register_pending_leave_source(leave_approved_awaiting_registration)

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
