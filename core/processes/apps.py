from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessesConfig(AppConfig):
    name = "core.processes"
    label = "processes"
    verbose_name = _("Procesos")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings

        from core.periodic import register_periodic_task
        from core.shell import register_nav_entry, register_panel_entry

        from .selectors import PROCESS_AUDITOR_ROLES

        # Reminders and escalations of human process tasks by their due time; idempotent.
        register_periodic_task(
            "processes-task-due-sweep",
            task="core.processes.tasks.task_due_sweep",
            seconds=getattr(settings, "SIGES_PROCESS_DUE_SWEEP_SECONDS", 300.0),
            expires=240.0,
        )
        processes = _("Procesos")
        register_nav_entry(
            key="processes",
            label=processes,
            url_name="process:list",
            position=70,
            roles=PROCESS_AUDITOR_ROLES,
        )
        register_panel_entry(
            roles=PROCESS_AUDITOR_ROLES,
            key="processes",
            label=processes,
            url_name="process:list",
            description=_("Cada trámite en curso o terminado, con su diagrama y su recorrido."),
            position=30,
        )
