from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notificaciones")

    def ready(self) -> None:
        from anymail.signals import tracking

        from core.accounts.hooks import person_email_changed
        from core.processes.hooks import task_due_reminder

        from .receivers import on_anymail_tracking, on_person_email_changed, on_task_due_reminder

        tracking.connect(on_anymail_tracking, dispatch_uid="notifications.anymail_tracking")
        person_email_changed.connect(
            on_person_email_changed, dispatch_uid="notifications.person_email_changed"
        )
        task_due_reminder.connect(
            on_task_due_reminder, dispatch_uid="notifications.task_due_reminder"
        )
