"""Brute-force protection with django-axes: by IP and by DUI+IP, never by DUI alone."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db.models import F
from django.test import Client, override_settings
from knox.models import AuthToken

from core.audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, make_dui

from .helpers import actions, api_login, web_login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_small_limit")]

LIMIT = 3
IP, OTHER_IP = "10.0.0.1", "10.0.0.2"
LOCKED_TEXT = "Demasiados intentos fallidos de ingreso."


@pytest.fixture
def _small_limit():
    with override_settings(AXES_FAILURE_LIMIT=LIMIT):
        yield


def _fail_with_different_duis(client: Client, *, ip: str, login=web_login):
    return [login(client, make_dui(50_000_000 + i), "mala-clave", ip=ip) for i in range(LIMIT)]


def _fail_on_one_dui(client: Client, dui: str, *, ip: str, login=web_login):
    return [login(client, dui, "mala-clave", ip=ip) for _ in range(LIMIT)]


def _age_attempts(by: datetime.timedelta) -> None:
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - by)


def test_configuration_locks_by_ip_and_by_dui_plus_ip_never_by_dui_alone():
    assert settings.AXES_LOCKOUT_PARAMETERS == ["ip_address", ["username", "ip_address"]]
    assert "username" not in settings.AXES_LOCKOUT_PARAMETERS
    assert settings.AXES_COOLOFF_TIME
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_failures_with_different_duis_lock_the_ip(client, user):
    responses = _fail_with_different_duis(client, ip=IP)

    assert [r.status_code for r in responses] == [200] * (LIMIT - 1) + [429]
    # Now even the right password of another account is refused from that IP.
    refused = web_login(client, user.dui, DEFAULT_PASSWORD, ip=IP)
    assert refused.status_code == 429
    assert LOCKED_TEXT in refused.content.decode()
    assert refused["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME * 3600))
    assert SESSION_KEY not in client.session
    # Another IP is not affected.
    elsewhere = web_login(Client(), user.dui, DEFAULT_PASSWORD, ip=OTHER_IP)
    assert elsewhere.status_code == 302


def test_failures_on_one_dui_lock_dui_and_ip_but_not_the_dui_elsewhere(user):
    attacker = Client()
    responses = _fail_on_one_dui(attacker, user.dui, ip=IP)
    assert responses[-1].status_code == 429

    locked_here = web_login(Client(), user.dui, DEFAULT_PASSWORD, ip=IP)
    owner_elsewhere = Client()
    from_other_ip = web_login(owner_elsewhere, user.dui, DEFAULT_PASSWORD, ip=OTHER_IP)

    assert locked_here.status_code == 429
    assert from_other_ip.status_code == 302  # the citizen is never locked out by DUI alone
    assert owner_elsewhere.session[SESSION_KEY] == str(user.pk)


def test_spellings_of_one_dui_count_under_one_key(client, user):
    bare = user.dui.replace("-", "")

    web_login(client, bare, "mala-clave", ip=IP)
    web_login(client, f" {user.dui} ", "mala-clave", ip=IP)

    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {user.dui}
    assert AccessAttempt.objects.get().failures_since_start == 2


def test_while_locked_the_right_password_is_refused_and_nothing_else_is_written(client, user):
    _fail_on_one_dui(client, user.dui, ip=IP)
    sessions_before = Session.objects.count()
    audit_before = AuditEvent.objects.count()

    refused_web = web_login(Client(), user.dui, DEFAULT_PASSWORD, ip=IP)
    refused_api = api_login(Client(), user.dui, DEFAULT_PASSWORD, ip=IP)

    assert refused_web.status_code == 429
    assert refused_api.status_code == 429
    user.refresh_from_db()
    assert user.last_login is None
    assert Session.objects.count() == sessions_before
    assert AuthToken.objects.count() == 0
    # Only the lockout itself is recorded: one audit event per refused attempt.
    new_actions = list(
        AuditEvent.objects.order_by("pk")[audit_before:].values_list("action", flat=True)
    )
    assert new_actions == ["auth.locked_out", "auth.locked_out"]


def test_after_the_cool_off_the_user_can_log_in_again(client, user):
    _fail_on_one_dui(client, user.dui, ip=IP)
    assert web_login(Client(), user.dui, DEFAULT_PASSWORD, ip=IP).status_code == 429

    _age_attempts(datetime.timedelta(hours=settings.AXES_COOLOFF_TIME, seconds=1))
    owner = Client()
    response = web_login(owner, user.dui, DEFAULT_PASSWORD, ip=IP)

    assert response.status_code == 302
    assert owner.session[SESSION_KEY] == str(user.pk)


def test_just_before_the_cool_off_ends_the_lock_holds(client, user):
    _fail_on_one_dui(client, user.dui, ip=IP)

    _age_attempts(datetime.timedelta(hours=settings.AXES_COOLOFF_TIME, seconds=-30))

    assert web_login(Client(), user.dui, DEFAULT_PASSWORD, ip=IP).status_code == 429


def test_success_resets_the_failure_count(client, user):
    for _ in range(LIMIT - 1):
        web_login(client, user.dui, "mala-clave", ip=IP)

    assert web_login(Client(), user.dui, DEFAULT_PASSWORD, ip=IP).status_code == 302
    assert not AccessAttempt.objects.filter(username=user.dui, ip_address=IP).exists()


# --- The API token path is covered by the same counters ---------------------------------------


def test_api_failures_lock_the_api_with_a_json_429(client, user):
    responses = _fail_on_one_dui(client, user.dui, ip=IP, login=api_login)

    assert [r.status_code for r in responses] == [400] * (LIMIT - 1) + [429]
    locked = api_login(client, user.dui, DEFAULT_PASSWORD, ip=IP)
    assert locked.status_code == 429
    body = locked.json()
    assert body["code"] == "locked_out"
    assert body["detail"].startswith(LOCKED_TEXT)
    assert AuthToken.objects.count() == 0
    assert api_login(Client(), user.dui, DEFAULT_PASSWORD, ip=OTHER_IP).status_code == 200


def test_web_and_api_failures_share_one_counter(client, user):
    web_login(client, user.dui, "mala-clave", ip=IP)
    api_login(client, user.dui, "mala-clave", ip=IP)
    last = web_login(client, user.dui, "mala-clave", ip=IP)

    assert last.status_code == 429


def test_lockout_is_audited_once_per_event(client, user):
    _fail_on_one_dui(client, user.dui, ip=IP)

    assert actions()[-LIMIT:] == ["auth.login_failed"] * (LIMIT - 1) + ["auth.locked_out"]
    event = AuditEvent.objects.get(action="auth.locked_out")
    assert event.chain_key == f"accounts.user:{user.pk}"
    assert event.ip_address == IP
    assert event.payload == {"dui": "*****" + user.dui[-4:], "channel": "web", "failures": LIMIT}


def test_logging_in_with_ones_own_account_does_not_reset_the_ip_counter(make_user):
    """An attacker holding one valid account must not be able to wipe the IP's failures by
    logging in between guesses at other citizens' DUIs."""
    attacker_account = make_user()
    attacker = Client()
    victims = [make_user() for _ in range(LIMIT)]

    for victim in victims[: LIMIT - 1]:
        web_login(attacker, victim.dui, "adivinanza", ip=IP)
    assert web_login(Client(), attacker_account.dui, DEFAULT_PASSWORD, ip=IP).status_code == 302
    last_guess = web_login(attacker, victims[-1].dui, "adivinanza", ip=IP)

    assert last_guess.status_code == 429
