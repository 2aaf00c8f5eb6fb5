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
        # Every app config exists by the time any ready() runs; renaming here keeps
        # INSTALLED_APPS listing the apps by their plain names.
        for label, verbose_name in THIRD_PARTY_SECTION_NAMES.items():
            try:
                apps.get_app_config(label).verbose_name = verbose_name
            except LookupError:
                continue
