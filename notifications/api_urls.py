from django.urls import path

from . import api

urlpatterns = [
    path("notifications/", api.InboxListApi.as_view(), name="notifications-list"),
    path(
        "notifications/unread-count/",
        api.InboxUnreadCountApi.as_view(),
        name="notifications-unread-count",
    ),
    path("notifications/read-all/", api.InboxReadAllApi.as_view(), name="notifications-read-all"),
    path("notifications/<int:pk>/read/", api.InboxReadApi.as_view(), name="notifications-read"),
]
