from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "core.accounts"
    label = "accounts"
    verbose_name = _("Cuentas y personas")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (audits logins and failed logins)
