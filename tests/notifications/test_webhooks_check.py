"""`check --deploy` refuses webhook providers that are served but cannot serve (no signing key,
package missing), and names that anymail does not know."""

import pytest
from django.core import checks
from django.test import override_settings

from notifications.checks import EMAIL_TAG

pytestmark = pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailInsecureWebhookWarning")


def _email_problems() -> list[tuple[str, str]]:
    problems = checks.run_checks(include_deployment_checks=True, tags=[EMAIL_TAG])
    return [(p.id, p.msg) for p in problems]


@override_settings(
    NOTIFICATIONS_WEBHOOK_ESPS=["mailgun"],
    ANYMAIL={"WEBHOOK_SECRET": "siges:secret", "MAILGUN_WEBHOOK_SIGNING_KEY": "clave"},
)
def test_a_configured_provider_passes():
    assert _email_problems() == []


@override_settings(NOTIFICATIONS_WEBHOOK_ESPS=["mailgun"], ANYMAIL={"WEBHOOK_SECRET": "a:b"})
def test_a_provider_without_its_signing_key_is_reported():
    problems = checks.run_checks(include_deployment_checks=True, tags=[EMAIL_TAG])

    assert [(p.id, p.level) for p in problems] == [("siges.E005", checks.ERROR)]
    assert problems[0].msg == (
        "Los webhooks del proveedor de correo «mailgun» se atienden pero no está configurado: "
        "responderían 500."
    )
    assert "MAILGUN_WEBHOOK_SIGNING_KEY" in problems[0].hint


@override_settings(NOTIFICATIONS_WEBHOOK_ESPS=["mailgum"])
def test_an_unknown_provider_name_is_reported():
    assert _email_problems() == [
        ("siges.E004", "«mailgum» no es un proveedor de correo que anymail conozca.")
    ]


@override_settings(NOTIFICATIONS_WEBHOOK_ESPS=["mailgun"], ANYMAIL={"WEBHOOK_SECRET": "a:b"})
def test_the_check_runs_only_with_deploy():
    # (the embedded mode and the tests serve providers they never configure)
    problems = checks.run_checks(include_deployment_checks=False, tags=[EMAIL_TAG])

    assert problems == []
