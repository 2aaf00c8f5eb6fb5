from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "workflows.registration"
    label = "registration"
    verbose_name = _("Registro de cuentas")

    def ready(self) -> None:
        from core.diagrams import register_diagram
        from core.periodic import register_periodic_task
        from workflows.accounts_review.choices import ReviewKind
        from workflows.accounts_review.services import ReviewHandler, register_review_handler

        from .choices import RegistrationStatus
        from .models import RegistrationRequest
        from .services import registration_identity_approve, registration_identity_reject

        register_review_handler(
            ReviewKind.IDENTITY_REVIEW,
            ReviewHandler(
                approve=registration_identity_approve, reject=registration_identity_reject
            ),
        )

        register_diagram(
            slug="registro-de-cuentas",
            model=RegistrationRequest,
            field="status",
            title=_("Registro de cuentas"),
            initial=RegistrationStatus.SUBMITTED,
        )
        register_periodic_task(
            "registration-expire-stale",
            task="workflows.registration.tasks.expire_stale_registrations",
            seconds=600.0,
        )
