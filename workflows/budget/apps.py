from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "workflows.budget"
    label = "budget"
    verbose_name = _("Presupuesto escolar")

    def ready(self) -> None:
        from core.demo import register_demo_step
        from core.diagrams import register_flow_diagram

        from . import demo
        from .flows import BudgetFlow

        register_flow_diagram(slug="presupuesto-escolar", flow_class=BudgetFlow)
        # After the finance module's step: the board, transfer and categories exist.
        register_demo_step("budget-process", layer="workflows", run=demo.seed_budget_process)
