from django.urls import path

from . import views

app_name = "family"

urlpatterns = [
    path("", views.school_overview, name="school"),
    path("hijos/<int:student_id>/mensaje/", views.conversation_new, name="conversation_new"),
    path("hijos/<int:student_id>/permiso/", views.permission_new, name="permission_new"),
    path("conversaciones/<int:pk>/", views.conversation, name="conversation"),
    path("conversaciones/<int:pk>/cerrar/", views.conversation_close, name="conversation_close"),
    path("permisos/<int:pk>/", views.permission, name="permission"),
    path("permisos/<int:pk>/documento/", views.permission_document, name="permission_document"),
    path("permisos/<int:pk>/cancelar/", views.permission_cancel, name="permission_cancel"),
]
