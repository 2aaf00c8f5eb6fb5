"""What the finance module registers from ``AppConfig.ready()``: navigation, home panels, the
year-end periodic task, demo data, audit labels and the diagram of the budget lifecycle."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from core.accounts.choices import Role
    from core.audit.registry import register_action_labels, register_object_type_labels
    from core.demo import register_demo_step
    from core.diagrams import register_diagram
    from core.periodic import register_periodic_task
    from core.shell import EVERYONE, register_nav_entry, register_panel_entry

    from . import demo
    from .choices import BudgetStatus
    from .models import Budget

    register_diagram(
        slug="presupuesto-escolar-estados",
        model=Budget,
        field="status",
        title=_("Estados del presupuesto escolar"),
        initial=BudgetStatus.IN_PROGRESS,
    )
    register_demo_step("finance", layer="modules", run=demo.seed_finance)
    register_periodic_task(
        "finance-close-fiscal-years",
        task="modules.finance.tasks.close_ended_fiscal_years",
        seconds=6 * 3600.0,
    )
    # Reminders and escalation of plan reviews and liquidation steps (due.py); idempotent.
    register_periodic_task(
        "finance-review-due-sweep",
        task="modules.finance.tasks.review_due_sweep",
        seconds=300.0,
        expires=240.0,
    )

    finances = _("Finanzas del centro")
    budgets = _("Presupuestos")
    register_nav_entry(
        key="transparency",
        label=_("Transparencia"),
        url_name="finance:transparency",
        position=80,
        audience=EVERYONE,
    )
    register_nav_entry(
        key="school-finances",
        label=finances,
        url_name="finance:mine",
        position=30,
        roles=[Role.TREASURER, Role.DIRECTOR],
    )
    register_nav_entry(
        key="budgets",
        label=budgets,
        url_name="finance:budgets",
        position=31,
        roles=[
            Role.FINANCE_REVIEWER,
            Role.DEPARTMENTAL_OFFICER,
            Role.MINISTRY_OFFICER,
            Role.AUDITOR,
        ],
    )
    register_nav_entry(
        key="transfers",
        label=_("Transferencias"),
        url_name="finance:transfers",
        position=32,
        roles=[Role.MINISTRY_OFFICER, Role.DEPARTMENTAL_OFFICER],
    )
    register_panel_entry(
        roles=[Role.MINISTRY_OFFICER, Role.DEPARTMENTAL_OFFICER],
        key="transferencias",
        label=_("Transferencias del Ministerio"),
        url_name="finance:transfers",
        description=_("Transferencias por año fiscal y su asignación a los centros."),
        position=61,
    )
    register_panel_entry(
        roles=[Role.TREASURER, Role.DIRECTOR],
        key="school-board",
        label=_("Organismo escolar"),
        url_name="finance:board_home",
        description=_("Miembros del CDE o CECE, sus cargos y períodos."),
        position=21,
    )
    register_panel_entry(
        roles=[Role.TREASURER, Role.DIRECTOR],
        key="school-bank",
        label=_("Cuentas bancarias"),
        url_name="finance:bank_home",
        description=_("Saldo según libros y conciliaciones mensuales."),
        position=22,
    )
    register_panel_entry(
        roles=[Role.TREASURER, Role.DIRECTOR],
        key="school-finances",
        label=finances,
        url_name="finance:mine",
        description=_("Presupuesto del año, facturas, pagos con dos firmas y cuentas."),
        position=20,
    )
    # Replaces the "próximamente" entry core registers for the ministry officer.
    register_panel_entry(
        roles=[
            Role.MINISTRY_OFFICER,
            Role.FINANCE_REVIEWER,
            Role.DEPARTMENTAL_OFFICER,
            Role.AUDITOR,
        ],
        key="presupuestos",
        label=budgets,
        url_name="finance:budgets",
        description=_("Presupuestos escolares por año, departamento y estado; exportación."),
        position=60,
    )
    # The department's reviews of purchase plans and liquidations, in the Bandeja.
    from core.work import ModelWorkItemSource, register_source

    from .selectors import liquidations_for, plan_reviews_for

    register_source(
        ModelWorkItemSource(
            key="purchase_plan",
            label=_("Plan de compras"),
            selector=plan_reviews_for,
            queue_key="finanzas-escolares",
            queue_label=_("Finanzas escolares"),
            due_field="due_at",
            claim_message=_("Los planes de compras se revisan desde la página del presupuesto."),
            roles=[Role.FINANCE_REVIEWER],
        )
    )
    register_source(
        ModelWorkItemSource(
            key="liquidation",
            label=_("Liquidación"),
            selector=liquidations_for,
            queue_key="finanzas-escolares",
            queue_label=_("Finanzas escolares"),
            due_field="due_at",
            claim_message=_(
                "Las liquidaciones se evalúan y aprueban desde la página del presupuesto."
            ),
            roles=[Role.FINANCE_REVIEWER, Role.DEPARTMENTAL_OFFICER],
        )
    )
    register_object_type_labels(
        {
            "finance.budget": _("Presupuesto escolar"),
            "finance.payment": _("Pago"),
            "finance.allocation": _("Asignación de transferencia"),
            "finance.transfer": _("Transferencia del Ministerio"),
            "finance.board": _("Organismo de administración escolar"),
            "finance.bankaccount": _("Cuenta bancaria"),
            "finance.fiscalyear": _("Año fiscal"),
            "finance.purchaseplan": _("Plan de compras"),
            "finance.liquidation": _("Liquidación"),
        }
    )
    register_action_labels(
        {
            "finance.transfer_created": _("Transferencia creada"),
            "finance.allocation_created": _("Asignación a centro creada"),
            "finance.board_created": _("Organismo escolar creado"),
            "finance.board_member_added": _("Miembro del organismo agregado"),
            "finance.board_member_term_ended": _("Período de un miembro del organismo terminado"),
            "finance.budget_created": _("Presupuesto creado"),
            "finance.budget_line_added": _("Línea presupuestaria agregada"),
            "finance.budget_line_removed": _("Línea presupuestaria eliminada"),
            "finance.bank_account_opened": _("Cuenta bancaria registrada"),
            "finance.invoice_recorded": _("Factura registrada"),
            "finance.payment_prepared": _("Pago preparado"),
            "finance.reconciliation_recorded": _("Conciliación bancaria registrada"),
            "finance.fiscal_year_closed": _("Año fiscal cerrado"),
            "finance.purchase_plan_created": _("Plan de compras creado"),
            "finance.purchase_item_added": _("Compra planificada agregada"),
            "finance.liquidation_confirmed": _("Liquidación confirmada por el centro"),
            "finance.budget_lines_adjusted": _("Montos ajustados por el revisor"),
            "finance.review_reminded": _("Recordatorio de revisión departamental"),
            "finance.review_escalated": _("Revisión departamental vencida escalada"),
            "purchaseplan.submit": _("Plan de compras enviado a revisión"),
            "purchaseplan.observe": _("Plan de compras observado"),
            "purchaseplan.approve": _("Plan de compras aprobado"),
            "liquidation.evaluate": _("Liquidación evaluada"),
            "liquidation.approve": _("Liquidación aprobada"),
            "allocation.authorise": _("Asignación autorizada"),
            "allocation.mark_transferred": _("Transferencia realizada"),
            "allocation.close": _("Asignación cerrada"),
            "budget.submit": _("Presupuesto presentado"),
            "budget.observe": _("Presupuesto observado"),
            "budget.approve": _("Presupuesto aprobado"),
            "budget.authorise_change": _("Modificación de presupuesto autorizada"),
            "budget.approve_adjustment": _("Modificación de presupuesto aprobada"),
            "budget.close": _("Presupuesto cerrado"),
            "budget.prepared": _("Presupuesto preparado"),
            "budget.returned_to_treasurer": _("Presupuesto devuelto al tesorero"),
            "payment.authorise": _("Pago autorizado"),
        }
    )
