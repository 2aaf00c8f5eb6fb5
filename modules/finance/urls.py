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
