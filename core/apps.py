from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _

# Admin section names of third-party apps that ship no Spanish name of their own.
THIRD_PARTY_SECTION_NAMES = {
    "axes": _("Intentos de ingreso"),
    "knox": _("Tokens de la API"),
    "viewflow": _("Procesos y tareas"),
}


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "SIGES"

    def ready(self) -> None:
        from django.conf import settings

        from core.accounts.choices import WORK_ROLES, Role
        from core.diagrams.access import DIAGRAM_ROLES
        from core.periodic import register_periodic_task
        from core.shell import register_nav_entry, register_panel_entry
        from core.work import FlowTaskSource, register_source

        from . import checks  # noqa: F401 - registers the deployment checks

        # Partitions of the tables that grow by the day, created ahead (core/partitions.py).
        register_periodic_task(
            "partitions-ensure",
            task="core.tasks.partitions_ensure",
            seconds=getattr(settings, "SIGES_PARTITIONS_ENSURE_SECONDS", 86400.0),
            expires=3600.0,
        )

        # Every human task of every viewflow flow is work (core/work/flow_tasks.py).
        register_source(FlowTaskSource())

        bandeja = _("Bandeja")
        register_nav_entry(
            key="bandeja", label=bandeja, url_name="work:bandeja", position=40, roles=WORK_ROLES
        )
        register_panel_entry(
            roles=WORK_ROLES,
            key="bandeja",
            label=bandeja,
            url_name="work:bandeja",
            description=_("Lo que tiene asignado y lo que puede tomar, de todas sus funciones."),
            position=5,
        )
        # The drawings of every trámite (core/diagrams), for the roles that may open them.
        register_panel_entry(
            roles=DIAGRAM_ROLES,
            key="diagrams",
            label=_("Diagramas de los trámites"),
            url_name="diagrams:index",
            description=_("Los pasos y estados de cada trámite, dibujados."),
            position=50,
        )
        administration = _("Administración")
        register_nav_entry(
            key="admin",
            label=administration,
            url_name="admin:index",
            position=90,
            roles=[Role.ADMINISTRATOR],
            requires_staff=True,
        )
        register_panel_entry(
            roles=[Role.ADMINISTRATOR],
            key="admin",
            label=administration,
            url_name="admin:index",
            description=_("Catálogo de servicios, colas, equipos, políticas de atención y roles."),
            position=10,
        )

        # Every app config exists by the time any ready() runs; renaming here keeps
        # INSTALLED_APPS listing the apps by their plain names.
        for label, verbose_name in THIRD_PARTY_SECTION_NAMES.items():
            try:
                apps.get_app_config(label).verbose_name = verbose_name
            except LookupError:
                continue
