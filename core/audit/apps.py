from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "core.audit"
    label = "audit"
    verbose_name = _("Auditoría")

    def ready(self) -> None:
        from django.conf import settings

        from core.accounts.choices import Role
        from core.periodic import register_periodic_task
        from core.shell import register_nav_entry, register_panel_entry

        label = _("Auditoría")
        readers = [Role.AUDITOR, Role.ADMINISTRATOR]
        register_nav_entry(
            key="audit", label=label, url_name="audit:event_list", position=80, roles=readers
        )
        register_panel_entry(
            roles=readers,
            key="audit",
            label=label,
            url_name="audit:event_list",
            description=_("Historial de eventos, verificación y exportación."),
            position=20,
        )
        register_periodic_task(
            "audit-checkpoint",
            task="core.audit.tasks.audit_checkpoint_write",
            seconds=getattr(settings, "SIGES_AUDIT_CHECKPOINT_SECONDS", 3600.0),
        )

        from .labels import register

        # The labels of core's own audit codes; higher apps register theirs the same way.
        register()
