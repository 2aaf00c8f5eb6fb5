from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    """The top layer: trámite processes, and the demo data that needs every layer below."""

    name = "workflows"
    verbose_name = _("Trámites")

    def ready(self) -> None:
        from .audit_labels import register

        register()
