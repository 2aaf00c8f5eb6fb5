from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudentsConfig(AppConfig):
    name = "modules.students"
    label = "students"
    verbose_name = _("Estudiantes y matrícula")

    def ready(self) -> None:
        from core.accounts.choices import Role
        from core.shell import register_nav_entry, register_panel_entry

        label = _("Matrícula")
        register_nav_entry(
            key="enrollment",
            label=label,
            url_name="students:director_home",
            position=45,
            roles=[Role.DIRECTOR],
        )
        register_panel_entry(
            roles=[Role.DIRECTOR],
            key="enrollment",
            label=label,
            url_name="students:director_home",
            description=_("Secciones, matrícula, retiros y traslados de su centro educativo."),
            position=20,
        )

        from .audit_labels import register

        register()

        from core.imports.registry import register_importer

        from .imports import StudentImporter

        register_importer(StudentImporter())
