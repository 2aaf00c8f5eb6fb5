"""Production refuses to boot with weak secrets, and `check --deploy` reports them."""

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from tests.core.test_security_headers import PROD_ENV, prod_settings_loader

STRONG_AUDIT_KEY = "audit-signing-key-" + "Zq81" * 8


@pytest.fixture
def load_prod_settings(monkeypatch):
    with prod_settings_loader(monkeypatch) as load:
        yield load


def test_prod_boots_with_strong_distinct_secrets(load_prod_settings):
    prod = load_prod_settings(PROD_ENV)

    assert prod.ANYMAIL["WEBHOOK_SECRET"] == "user:secret"
    assert len(prod.SIGES_AUDIT_SIGNING_KEY) >= 32


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ANYMAIL_WEBHOOK_SECRET": ""}, "ANYMAIL_WEBHOOK_SECRET must be user:password"),
        ({"ANYMAIL_WEBHOOK_SECRET": "only-a-user"}, "ANYMAIL_WEBHOOK_SECRET must be user:password"),
        ({"ANYMAIL_WEBHOOK_SECRET": "user:"}, "ANYMAIL_WEBHOOK_SECRET must be user:password"),
        ({"SIGES_AUDIT_SIGNING_KEY": "x"}, "at least 32 characters"),
        ({"SIGES_AUDIT_SIGNING_KEY": "k" * 31}, "at least 32 characters"),
        (
            {"SIGES_AUDIT_SIGNING_KEY": PROD_ENV["DJANGO_SECRET_KEY"]},
            "must differ from DJANGO_SECRET_KEY",
        ),
    ],
)
def test_prod_refuses_to_boot_with_a_weak_secret(load_prod_settings, overrides, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        load_prod_settings({**PROD_ENV, **overrides})


def _siges_errors() -> list[tuple[str, str]]:
    problems = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    return [(p.id, p.msg) for p in problems if p.id.startswith("siges.")]


@override_settings(
    SECRET_KEY="s" * 50,
    SIGES_AUDIT_SIGNING_KEY=STRONG_AUDIT_KEY,
    ANYMAIL={"WEBHOOK_SECRET": "siges:long-random-password"},
)
def test_deploy_check_passes_with_strong_secrets():
    assert _siges_errors() == []


@override_settings(SECRET_KEY="s" * 50, SIGES_AUDIT_SIGNING_KEY="s" * 50, ANYMAIL={})
def test_deploy_check_reports_each_weak_secret_in_spanish_with_an_english_hint():
    problems = [
        p
        for p in checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
        if p.id.startswith("siges.")
    ]

    assert [(p.id, p.level) for p in problems] == [
        ("siges.E002", checks.ERROR),
        ("siges.E003", checks.ERROR),
    ]
    assert problems[0].msg == "SIGES_AUDIT_SIGNING_KEY debe ser distinta de DJANGO_SECRET_KEY."
    assert problems[0].hint == "SIGES_AUDIT_SIGNING_KEY must differ from DJANGO_SECRET_KEY."
    assert problems[1].msg.startswith("ANYMAIL_WEBHOOK_SECRET debe tener la forma")


@override_settings(SIGES_AUDIT_SIGNING_KEY="1", ANYMAIL={"WEBHOOK_SECRET": "a:b"})
def test_deploy_check_reports_a_short_audit_key():
    assert [code for code, _msg in _siges_errors()] == ["siges.E001"]


def test_the_secret_checks_are_deployment_only():
    # A plain `check` (development) does not run them: the embedded mode has no webhook secret.
    problems = checks.run_checks(include_deployment_checks=False, tags=[checks.Tags.security])

    assert [p.id for p in problems if p.id.startswith("siges.")] == []
