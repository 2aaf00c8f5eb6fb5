"""Deployment check (``check --deploy``): every email provider whose webhooks are served can
actually serve them (its package installed, its signing key set), instead of answering 500 to
every post once deployed."""

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from .conf import notifications_settings

EMAIL_TAG = "email"


@checks.register(EMAIL_TAG, deploy=True)
def check_webhook_providers(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from . import webhook_urls

    served = notifications_settings.webhook_esps
    views: dict[str, list[Any]] = {}
    for pattern in webhook_urls.urlpatterns:
        views.setdefault(webhook_urls._esp_of(pattern), []).append(pattern.callback)
    errors: list[checks.CheckMessage] = []
    for esp in sorted(served):
        if esp not in views:
            errors.append(
                checks.Error(
                    _("«%(esp)s» no es un proveedor de correo que anymail conozca.") % {"esp": esp},
                    hint="SIGES_EMAIL_WEBHOOK_ESPS / EMAIL_BACKEND",
                    id="siges.E004",
                )
            )
            continue
        for view in views[esp]:
            try:
                view.view_class(**view.view_initkwargs)
            except ImproperlyConfigured as exc:
                errors.append(
                    checks.Error(
                        _(
                            "Los webhooks del proveedor de correo «%(esp)s» se atienden pero no "
                            "está configurado: responderían 500."
                        )
                        % {"esp": esp},
                        hint=str(exc).splitlines()[0],
                        id="siges.E005",
                    )
                )
                break
    return errors
