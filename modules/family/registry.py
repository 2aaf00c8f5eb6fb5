"""What the family module registers from ``AppConfig.ready()``: its parts of the guardian's
child page, the attendance sheet's default for excused students, the two Bandeja sources of the
school's side, the demo step and the audit labels."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from core.accounts.choices import Role
    from core.audit.registry import register_action_labels, register_object_type_labels
    from core.demo import register_demo_step
    from core.shell import register_panel_entry
    from core.work import ModelWorkItemSource, register_source
    from modules.academics.family import ChildSection, register_child_section
    from modules.academics.sheet_defaults import register_sheet_default

    from . import demo, selectors
    from .views import child_part

    register_child_section(
        ChildSection(
            key="family-messages",
            anchor="mensajes",
            label=_("Mensajes y permisos"),
            template="family/child_part.html",
            context=child_part,
            position=10,
        )
    )
    register_sheet_default("family-permissions", selectors.approved_permissions_on)
    register_demo_step("family", layer="modules", run=demo.seed_family)

    staff = [Role.DIRECTOR, Role.TEACHER]
    families = _("Familias")
    register_panel_entry(
        roles=staff,
        key="family-messages",
        label=_("Mensajes y permisos de familias"),
        url_name="family:school",
        description=_("Lo que escriben las familias y los permisos de inasistencia que piden."),
        position=25,
    )
    register_source(
        ModelWorkItemSource(
            key="family_message",
            label=_("Mensaje de familia"),
            selector=selectors.conversations_waiting_for,
            queue_key="familias",
            queue_label=families,
            due_field="due_at",
            search_fields=("subject", "student__person__last_names"),
            claim_message=_("Los mensajes de las familias se responden desde la conversación."),
            roles=staff,
        )
    )
    register_source(
        ModelWorkItemSource(
            key="absence_permission",
            label=_("Permiso de inasistencia"),
            selector=selectors.permissions_waiting_for,
            queue_key="familias",
            queue_label=families,
            due_field="due_at",
            search_fields=("reason", "student__person__last_names"),
            claim_message=_("Los permisos se aprueban o rechazan desde su propia página."),
            roles=staff,
        )
    )
    register_object_type_labels(
        {
            "family.conversation": _("Conversación con la familia"),
            "family.permissionrequest": _("Permiso de inasistencia"),
        }
    )
    register_action_labels(
        {
            "family.conversation_opened": _("Conversación con el centro iniciada"),
            "family.message_sent": _("Mensaje enviado"),
            "conversation.close": _("Conversación cerrada"),
            "family.permission_requested": _("Permiso de inasistencia pedido"),
            "permissionrequest.approve": _("Permiso de inasistencia aprobado"),
            "permissionrequest.reject": _("Permiso de inasistencia rechazado"),
            "permissionrequest.cancel": _("Permiso de inasistencia cancelado"),
        }
    )
