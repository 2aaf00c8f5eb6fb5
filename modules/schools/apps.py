from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "modules.schools"
    label = "schools"
    verbose_name = _("Centros educativos y geografía")

    def ready(self) -> None:
        from core.accounts.choices import Role
        from core.demo import register_demo_step
        from core.shell import EVERYONE, register_nav_entry, register_panel_entry

        from . import demo

        label = _("Centros educativos")
        register_nav_entry(
            key="schools",
            label=label,
            url_name="schools:directory",
            position=10,
            audience=EVERYONE,
        )
        register_panel_entry(
            roles=[Role.MINISTRY_OFFICER, Role.DEPARTMENTAL_OFFICER, Role.CITIZEN],
            key="schools",
            label=label,
            url_name="schools:directory",
            description=_("Directorio de centros educativos."),
            position=40,
        )
        # The demo accounts are seeded here because their scopes point at these schools.
        register_demo_step("geography", layer="modules", run=demo.seed_geography)
        register_demo_step("schools", layer="modules", run=demo.seed_schools)
        register_demo_step("accounts", layer="modules", run=demo.seed_accounts)

        from .audit_labels import register

        register()

        from core.imports.registry import register_importer

        from .imports import SchoolImporter, SectionImporter

        register_importer(SchoolImporter())
        register_importer(SectionImporter())
