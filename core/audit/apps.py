from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "core.audit"
    label = "audit"
    verbose_name = _("Auditoría")

    def ready(self) -> None:
        from .labels import register

        # The labels of core's own audit codes; higher apps register theirs the same way.
        register()
