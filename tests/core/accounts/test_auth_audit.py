"""Authentication events in the audit chain, without full DUIs or passwords in any payload."""

import json

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from core.audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD

from .helpers import api_login, web_login

pytestmark = pytest.mark.django_db

UNKNOWN_DUI = "12345678-4"


def _masked(dui: str) -> str:
    return "*****" + dui[-4:]


def test_web_login_is_audited_on_the_users_chain(client, user):
    web_login(client, user.dui, DEFAULT_PASSWORD, ip="10.1.2.3")

    event = AuditEvent.objects.get(action="auth.login")
    assert event.chain_key == f"accounts.user:{user.pk}"
    assert event.object_type == "accounts.user"
    assert event.object_id == str(user.pk)
    assert event.actor_id == user.pk
    assert event.ip_address == "10.1.2.3"
    assert event.payload == {"channel": "web"}


def test_logout_is_audited(client, user):
    client.force_login(user)

    client.post(reverse("accounts:logout"))

    event = AuditEvent.objects.get(action="auth.logout")
    assert event.chain_key == f"accounts.user:{user.pk}"
    assert event.actor_id == user.pk


def test_wrong_password_for_a_known_dui_goes_on_that_users_chain(client, user):
    web_login(client, user.dui, "mala-clave")

    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.chain_key == f"accounts.user:{user.pk}"
    assert event.actor_id is None  # whoever typed it is not known to be the user
    assert event.payload == {"dui": _masked(user.dui), "channel": "web"}


def test_unknown_dui_goes_on_the_auth_unknown_chain(client):
    web_login(client, UNKNOWN_DUI, "mala-clave")
    web_login(client, "12345678-5", "mala-clave")

    events = list(AuditEvent.objects.filter(action="auth.login_failed").order_by("seq"))
    assert [(e.chain_key, e.object_type, e.seq) for e in events] == [
        ("auth:unknown", "auth", 1),
        ("auth:unknown", "auth", 2),
    ]
    assert events[0].payload == {"dui": _masked(UNKNOWN_DUI), "channel": "web"}
    assert events[1].prev_hash == events[0].hash


def test_api_login_and_logout_are_audited_with_their_channel(client, user):
    token = api_login(client, user.dui, DEFAULT_PASSWORD).json()["token"]
    api_login(client, user.dui, "mala-clave")
    client.post(reverse("v1:auth-logout"), HTTP_AUTHORIZATION=f"Token {token}")

    assert list(
        AuditEvent.objects.filter(action__startswith="auth.")
        .order_by("pk")
        .values_list("action", "payload")
    ) == [
        ("auth.login", {"channel": "api"}),
        ("auth.login_failed", {"dui": _masked(user.dui), "channel": "api"}),
        ("auth.logout", {"channel": "api"}),
    ]


@override_settings(AXES_FAILURE_LIMIT=2)
def test_lockout_of_an_unknown_dui_is_audited_on_the_unknown_chain(client):
    for _ in range(3):
        web_login(client, UNKNOWN_DUI, "mala-clave", ip="10.9.9.9")

    assert list(
        AuditEvent.objects.filter(chain_key="auth:unknown").values_list("action", flat=True)
    ) == ["auth.login_failed", "auth.locked_out", "auth.locked_out"]


@override_settings(AXES_FAILURE_LIMIT=2)
def test_no_payload_ever_holds_a_full_dui_or_a_password(make_user):
    spaced = "  clave secreta con espacios  "
    account = make_user(password=spaced)
    other = make_user()
    browser, app = Client(), Client()
    web_login(browser, account.dui, spaced)
    browser.post(reverse("accounts:logout"))
    web_login(browser, account.dui.replace("-", ""), "clave-equivocada-1")
    web_login(browser, UNKNOWN_DUI, "clave-equivocada-2")
    web_login(browser, other.dui, "clave-equivocada-3", ip="10.7.7.7")
    web_login(browser, other.dui, "clave-equivocada-4", ip="10.7.7.7")
    web_login(browser, other.dui, DEFAULT_PASSWORD, ip="10.7.7.7")
    api_login(app, account.dui, spaced)
    api_login(app, account.dui, "clave-equivocada-5")

    payloads = json.dumps(list(AuditEvent.objects.values_list("payload", flat=True)))
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"auth.login", "auth.logout", "auth.login_failed", "auth.locked_out"} <= actions
    for dui in (account.dui, other.dui, UNKNOWN_DUI):
        assert dui not in payloads
        assert dui.replace("-", "") not in payloads
        assert dui[:8] not in payloads
    for secret in (spaced.strip(), DEFAULT_PASSWORD, "clave-equivocada"):
        assert secret not in payloads


def test_admin_login_is_audited_with_the_admin_channel(client, make_user):
    admin_user = make_user(role="administrator")
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])

    response = client.post(
        reverse("admin:login"),
        {"username": admin_user.dui, "password": DEFAULT_PASSWORD},
    )

    assert response.status_code == 302
    assert AuditEvent.objects.get(action="auth.login").payload == {"channel": "admin"}
