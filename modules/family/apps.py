from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilyConfig(AppConfig):
    name = "modules.family"
    label = "family"
    verbose_name = _("Mensajes y permisos de familia")

    def ready(self) -> None:
        from . import registry

        registry.register()
