from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "modules.finance"
    label = "finance"
    verbose_name = _("Finanzas escolares")

    def ready(self) -> None:
        from . import registry

        registry.register()
