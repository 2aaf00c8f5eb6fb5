from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notificaciones")

    def ready(self) -> None:
        from anymail.signals import tracking
        from django.conf import settings

        from core.audit.registry import register_action_labels

        register_action_labels(
            {"notification.retry_requested": _("Reenvío de notificación solicitado")}
        )

        from core.accounts.hooks import person_email_changed, second_factor_changed
        from core.periodic import register_periodic_task
        from core.processes.hooks import task_due_reminder

        from . import checks  # noqa: F401 - registers the deployment check
        from .receivers import (
            on_anymail_tracking,
            on_person_email_changed,
            on_second_factor_changed,
            on_task_due_reminder,
        )

        # Sends the outbox; also kicked after every commit that writes a message, so this is the
        # safety net for a broker that was down or a kick that was lost.
        register_periodic_task(
            "notifications-outbox-relay",
            task="notifications.tasks.outbox_relay",
            seconds=getattr(settings, "SIGES_OUTBOX_RELAY_SECONDS", 30.0),
            expires=25.0,
        )

        tracking.connect(on_anymail_tracking, dispatch_uid="notifications.anymail_tracking")
        person_email_changed.connect(
            on_person_email_changed, dispatch_uid="notifications.person_email_changed"
        )
        second_factor_changed.connect(
            on_second_factor_changed, dispatch_uid="notifications.second_factor_changed"
        )
        task_due_reminder.connect(
            on_task_due_reminder, dispatch_uid="notifications.task_due_reminder"
        )
