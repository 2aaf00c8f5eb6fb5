from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "SIGES"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deployment checks
