from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PasswordResetConfig(AppConfig):
    name = "workflows.password_reset"
    label = "password_reset"
    verbose_name = _("Recuperación de contraseña")

    def ready(self) -> None:
        from core.diagrams import register_diagram
        from core.periodic import register_periodic_task
        from workflows.accounts_review.choices import ReviewKind
        from workflows.accounts_review.services import ReviewHandler, register_review_handler

        from .choices import ResetStatus
        from .models import PasswordResetRequest
        from .services import reset_recovery_approve, reset_recovery_reject

        register_review_handler(
            ReviewKind.ACCESS_RECOVERY,
            ReviewHandler(approve=reset_recovery_approve, reject=reset_recovery_reject),
        )

        register_diagram(
            slug="recuperacion-de-contrasena",
            model=PasswordResetRequest,
            field="status",
            title=_("Recuperación de contraseña"),
            initial=ResetStatus.REQUESTED,
        )
        register_periodic_task(
            "password-reset-expire-stale",
            task="workflows.password_reset.tasks.expire_stale_password_resets",
            seconds=600.0,
        )
