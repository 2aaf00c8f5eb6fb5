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
