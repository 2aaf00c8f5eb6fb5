from django.urls import path

from . import views

app_name = "finance"

urlpatterns = [
    path("finanzas/", views.mine, name="mine"),
    path("finanzas/presupuestos/", views.budget_list, name="budgets"),
    path("finanzas/presupuestos/<int:pk>/", views.budget_detail, name="budget"),
    path("finanzas/presupuestos/<int:pk>/lineas/", views.line_add, name="line_add"),
    path("finanzas/lineas/<int:pk>/eliminar/", views.line_remove, name="line_remove"),
    path("finanzas/presupuestos/<int:pk>/facturas/", views.invoice_add, name="invoice_add"),
    path("finanzas/facturas/<int:pk>/pago/", views.payment_prepare, name="payment_prepare"),
    path("finanzas/pagos/<int:pk>/autorizar/", views.payment_authorise, name="payment_authorise"),
    path("finanzas/presupuestos/<int:pk>/plan/", views.plan_create, name="plan_create"),
    path("finanzas/planes/<int:pk>/compras/", views.plan_item_add, name="plan_item_add"),
    path("finanzas/planes/<int:pk>/enviar/", views.plan_submit, name="plan_submit"),
    path("finanzas/planes/<int:pk>/revisar/", views.plan_review, name="plan_review"),
    path(
        "finanzas/presupuestos/<int:pk>/liquidacion/",
        views.liquidation_confirm,
        name="liquidation_confirm",
    ),
    path(
        "finanzas/liquidaciones/<int:pk>/evaluar/",
        views.liquidation_evaluate,
        name="liquidation_evaluate",
    ),
    path(
        "finanzas/liquidaciones/<int:pk>/aprobar/",
        views.liquidation_approve,
        name="liquidation_approve",
    ),
    path("transparencia/", views.transparency_national, name="transparency"),
    path(
        "transparencia/departamentos/<str:code>/",
        views.transparency_department,
        name="transparency_department",
    ),
    path(
        "transparencia/centros/<str:code>/", views.transparency_school, name="transparency_school"
    ),
]

# The department's review actions on the budget page (review_views.py).
from . import review_views  # noqa: E402

urlpatterns += [
    path(
        "finanzas/presupuestos/<int:pk>/ajustar/", review_views.budget_adjust, name="budget_adjust"
    ),
    path(
        "finanzas/presupuestos/<int:pk>/autorizar-modificacion/",
        review_views.budget_change_authorise,
        name="budget_change_authorise",
    ),
    path(
        "finanzas/presupuestos/<int:pk>/aprobar-modificacion/",
        review_views.budget_change_approve,
        name="budget_change_approve",
    ),
]

# Ministry transfers and their allocation; the school board; bank accounts (own view modules).
from . import views_bank, views_board, views_funds  # noqa: E402

urlpatterns += [
    path("finanzas/transferencias/", views_funds.transfer_list, name="transfers"),
    path("finanzas/transferencias/nueva/", views_funds.transfer_create, name="transfer_create"),
    path("finanzas/transferencias/<int:pk>/", views_funds.transfer_detail, name="transfer"),
    path(
        "finanzas/transferencias/<int:pk>/asignaciones/",
        views_funds.allocation_create,
        name="allocation_create",
    ),
    path(
        "finanzas/asignaciones/<int:pk>/avanzar/",
        views_funds.allocation_advance,
        name="allocation_advance",
    ),
    path("finanzas/organismo/", views_board.board_home, name="board_home"),
    path("finanzas/centros/<int:pk>/organismo/", views_board.board_page, name="board"),
    path(
        "finanzas/centros/<int:pk>/organismo/nuevo/", views_board.board_create, name="board_create"
    ),
    path("finanzas/organismos/<int:pk>/miembros/", views_board.member_add, name="board_member_add"),
    path("finanzas/miembros/<int:pk>/terminar/", views_board.member_end, name="board_member_end"),
    path("finanzas/cuentas/", views_bank.bank_home, name="bank_home"),
    path("finanzas/centros/<int:pk>/cuentas/", views_bank.bank_page, name="bank"),
    path("finanzas/centros/<int:pk>/cuentas/nueva/", views_bank.account_open, name="account_open"),
    path(
        "finanzas/centros/<int:pk>/conciliaciones/",
        views_bank.reconciliation_record,
        name="reconciliation_record",
    ),
]
