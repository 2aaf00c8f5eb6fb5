from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "modules.schools"
    label = "schools"
    verbose_name = _("Centros educativos y geografía")

    def ready(self) -> None:
        from .audit_labels import register

        register()
