from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsReviewConfig(AppConfig):
    name = "workflows.accounts_review"
    label = "accounts_review"
    verbose_name = _("Cuentas y accesos")

    def ready(self) -> None:
        from core.diagrams import register_diagram

        from .choices import ReviewStatus
        from .models import ReviewCase

        register_diagram(
            slug="revision-de-cuentas",
            model=ReviewCase,
            field="status",
            title=_("Revisión de cuentas y accesos"),
            initial=ReviewStatus.OPEN,
        )

        # The Bandeja lists open cases next to tickets (in this queue's chip).
        from core.work import ModelWorkItemSource, register_source

        from .choices import QUEUE_CODE
        from .permissions import REVIEWER_ROLES
        from .selectors import review_case_list

        register_source(
            ModelWorkItemSource(
                key="account_review",
                label=_("Revisión de cuenta"),
                selector=review_case_list,
                queue_key=QUEUE_CODE,
                queue_label=_("Cuentas y accesos"),
                due_field="due_at",
                search_fields=("subject_name",),
                claim_message=_("Los casos de cuentas y accesos se deciden desde su página."),
                roles=REVIEWER_ROLES,
            )
        )
