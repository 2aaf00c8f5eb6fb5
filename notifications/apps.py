from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notificaciones")

    def ready(self) -> None:
        from anymail.signals import tracking

        from .receivers import on_anymail_tracking

        tracking.connect(on_anymail_tracking, dispatch_uid="notifications.anymail_tracking")
