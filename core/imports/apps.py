from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "core.imports"
    label = "imports"
    verbose_name = _("Importaciones")

    def ready(self) -> None:
        from core.periodic import register_periodic_task
        from core.shell import register_nav_entry, register_panel_entry

        from .access import IMPORT_ROLES

        label = _("Importaciones")
        register_nav_entry(
            key="imports", label=label, url_name="imports:home", position=85, roles=IMPORT_ROLES
        )
        register_panel_entry(
            roles=IMPORT_ROLES,
            key="imports",
            label=label,
            url_name="imports:home",
            description=_("Carga masiva de centros, secciones y estudiantes desde CSV o Excel."),
            position=60,
        )

        register_periodic_task(
            "imports-sweep", task="core.imports.tasks.import_sweep", seconds=600, expires=600
        )

        from .audit_labels import register

        register()
