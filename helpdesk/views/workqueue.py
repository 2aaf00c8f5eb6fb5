"""Old help-desk addresses of the work pages, kept so bookmarks and sent links still work: the
Bandeja moved to ``core.work`` (``work:bandeja``) and the generic task page to
``core.processes`` (``process:task``)."""

from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    path(
        "mesa/bandeja/",
        RedirectView.as_view(pattern_name="work:bandeja", query_string=True),
        name="workqueue",
    ),
    path(
        "mesa/tareas/<int:pk>/",
        RedirectView.as_view(pattern_name="process:task"),
        name="workqueue_task",
    ),
]
