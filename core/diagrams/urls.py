from django.urls import path

from .views import diagram_detail_view, diagram_dot_view, diagram_index_view, diagram_instance_view

app_name = "diagrams"
urlpatterns = [
    path("", diagram_index_view, name="index"),
    path("<slug:slug>/", diagram_detail_view, name="detail"),
    path("<slug:slug>/diagrama.gv", diagram_dot_view, name="dot"),
    path("<slug:slug>/<str:object_id>/", diagram_instance_view, name="instance"),
]
