from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "workflows.budget"
    label = "budget"
    verbose_name = _("Presupuesto escolar")

    def ready(self) -> None:
        from core.demo import register_demo_step
        from core.diagrams import register_flow_diagram
        from modules.finance.hooks import register_review_holder

        from . import demo
        from .flows import BudgetFlow
        from .selectors import holds_review

        register_flow_diagram(slug="presupuesto-escolar", flow_class=BudgetFlow)
        # Only the reviewer holding the review task may adjust the budget's line amounts.
        register_review_holder(holds_review)
        # After the finance module's step: the board, transfer and categories exist.
        register_demo_step("budget-process", layer="workflows", run=demo.seed_budget_process)
