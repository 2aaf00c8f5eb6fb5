from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "SIGES"

    def ready(self) -> None:
        from core.work import FlowTaskSource, register_source

        # Every human task of every viewflow flow is work (core/work/flow_tasks.py).
        register_source(FlowTaskSource())
