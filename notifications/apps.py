from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notificaciones")

    def ready(self) -> None:
        from anymail.signals import tracking

        from core.accounts.hooks import person_email_changed

        from . import checks  # noqa: F401 - registers the deployment check
        from .receivers import on_anymail_tracking, on_person_email_changed

        tracking.connect(on_anymail_tracking, dispatch_uid="notifications.anymail_tracking")
        person_email_changed.connect(
            on_person_email_changed, dispatch_uid="notifications.person_email_changed"
        )
