"""The staff second factor (docs/security.md §1.7): enrolment on "Seguridad de la cuenta", the
two-step login, recovery codes, replay, throttling, the API token and the admin pathways."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.accounts import twostep
from core.accounts.twofactor import recovery_code_digest, totp_enrol_start
from core.audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD

from .helpers import actions, mark_client_reauthenticated, totp_code, totp_device, web_login

pytestmark = pytest.mark.django_db

SECURITY = "/cuentas/seguridad/"
CODE_URL = "/cuentas/ingresar/codigo/"


@pytest.fixture
def technician(make_user):
    return make_user(role="technician")


def devices(user) -> tuple:
    """Everything the second factor stores for ``user``."""
    return (
        list(TOTPDevice.objects.filter(user=user).values("key", "confirmed", "last_t")),
        sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)),
    )


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1000000:06d}"


def recovery_codes_of(response) -> list[str]:
    shown = re.findall(r"<li><code>([a-z2-7-]{19})</code></li>", response.content.decode())
    return [code.replace("-", "") for code in shown]


# --- Enrolment --------------------------------------------------------------------------------


def test_the_urls_are_named():
    assert reverse("accounts:security") == SECURITY
    assert reverse("accounts:login_code") == CODE_URL


def test_enrolling_shows_a_qr_code_then_confirming_gives_ten_recovery_codes(client, technician):
    client.force_login(technician)

    start = client.get(SECURITY)
    assert 'value="enrol"' in start.content.decode()
    client.post(SECURITY, {"accion": "enrol"})
    page = client.get(SECURITY).content.decode()
    device = TOTPDevice.objects.get(user=technician)
    assert device.confirmed is False
    assert 'src="data:image/svg+xml;base64,' in page
    assert "<script" not in page.split("<main")[-1]  # nothing inline (CSP)
    assert re.search(r'class="otp-secret">([A-Z2-7]{4} ){7}[A-Z2-7]{4}<', page)

    done = client.post(SECURITY, {"accion": "confirm", "code": totp_code(device)})

    assert done.status_code == 200
    codes = recovery_codes_of(done)
    assert len(codes) == len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed is True
    # Only a keyed digest of each code is stored, never the code itself
    static = StaticDevice.objects.get(user=technician)
    stored = devices(technician)[1]
    assert sorted(recovery_code_digest(static.pk, code) for code in codes) == stored
    assert not set(codes) & set(stored)
    assert actions(action__startswith="auth.otp") == ["auth.otp_enrol_started", "auth.otp_enrolled"]
    # Shown once: the page afterwards only counts them.
    later = client.get(SECURITY).content.decode()
    assert codes[0] not in later
    assert "<dt>Códigos de recuperación sin usar</dt><dd>10</dd>" in later


def test_a_wrong_confirmation_code_enrols_nothing(client, technician):
    client.force_login(technician)
    client.post(SECURITY, {"accion": "enrol"})
    device = TOTPDevice.objects.get(user=technician)

    response = client.post(SECURITY, {"accion": "confirm", "code": wrong(totp_code(device))})

    assert response.status_code == 400
    assert "El código no es correcto" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert not StaticDevice.objects.filter(user=technician).exists()
    assert "auth.otp_enrolled" not in actions()
    assert "auth.otp_failed" in actions()


@pytest.mark.parametrize("role", ["citizen", "guardian"])
def test_citizens_and_guardians_cannot_enrol(client, make_user, role):
    person = make_user(role=role)
    client.force_login(person)
    before = AuditEvent.objects.exclude(action="access.denied").count()

    assert client.get(SECURITY).status_code == 403
    assert client.post(SECURITY, {"accion": "enrol"}).status_code == 403
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert AuditEvent.objects.exclude(action="access.denied").count() == before
    with pytest.raises(PermissionDenied):  # the service refuses too
        totp_enrol_start(user=person)
    assert not TOTPDevice.objects.filter(user=person).exists()


def test_the_profile_links_staff_to_the_security_page(client, technician, make_user):
    client.force_login(technician)
    assert SECURITY in client.get("/cuentas/perfil/").content.decode()
    client.force_login(make_user(role="citizen"))
    assert SECURITY not in client.get("/cuentas/perfil/").content.decode()


def test_enrolling_again_is_refused_while_an_app_is_active(client, technician):
    totp_device(technician)
    client.force_login(technician)
    before = devices(technician)

    response = client.post(SECURITY, {"accion": "enrol"}, follow=True)

    assert "ya tiene una aplicación de autenticación activa" in response.content.decode()
    assert devices(technician) == before


def test_removing_and_new_codes_need_a_step_up(client, technician):
    totp_device(technician)
    client.force_login(technician)
    client.post(SECURITY, {"accion": "confirm"})  # nothing pending: harmless
    before = devices(technician)

    for action in ("remove", "regenerate"):
        response = client.post(SECURITY, {"accion": action})
        assert response.status_code == 302
        assert response["Location"].startswith("/cuentas/reautenticar/?next=")
        assert devices(technician) == before

    mark_client_reauthenticated(client, technician)
    fresh = client.post(SECURITY, {"accion": "regenerate"})
    assert len(recovery_codes_of(fresh)) == 10
    gone = client.post(SECURITY, {"accion": "remove"})
    assert gone.status_code == 302
    assert devices(technician) == ([], [])
    assert AuditEvent.objects.filter(action="auth.otp_removed").get().actor_id == technician.pk


# --- The two-step login -----------------------------------------------------------------------


def test_without_an_app_the_login_is_one_step(client, technician):
    response = web_login(client, technician.dui, DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_with_an_app_the_password_alone_does_not_sign_in(client, technician):
    totp_device(technician)

    response = web_login(client, technician.dui, DEFAULT_PASSWORD, next="/bandeja/")

    assert response.status_code == 302
    assert response["Location"] == CODE_URL
    assert not signed_in(client)
    assert "auth.login" not in actions()
    # Pages behind the login still send it to the login page.
    assert client.get("/cuentas/perfil/")["Location"].startswith(reverse("accounts:login"))


def test_the_right_code_signs_in_and_goes_on(client, technician):
    device = totp_device(technician)
    web_login(client, technician.dui, DEFAULT_PASSWORD, next="/bandeja/")
    key_before = client.session.session_key

    response = client.post(CODE_URL, {"code": totp_code(device)})

    assert response.status_code == 302
    assert response["Location"] == "/bandeja/"
    assert signed_in(client)
    assert client.session.session_key != key_before
    assert twostep.PENDING_KEY not in client.session
    assert actions(action__in=["auth.otp_verified", "auth.login"]) == [
        "auth.otp_verified",
        "auth.login",
    ]


def test_a_wrong_code_is_refused_audited_and_throttled(client, technician):
    device = totp_device(technician)
    web_login(client, technician.dui, DEFAULT_PASSWORD)

    response = client.post(CODE_URL, {"code": wrong(totp_code(device))})

    assert response.status_code == 400
    assert not signed_in(client)
    event = AuditEvent.objects.filter(action="auth.otp_failed").get()
    assert event.payload == {"step": "login", "channel": "web", "reason": "code"}
    # The right code right after a wrong one must wait (django-otp's throttle).
    throttled = client.post(CODE_URL, {"code": totp_code(device)})
    assert throttled.status_code == 400
    assert "Demasiados códigos incorrectos. Espere 1 segundo" in throttled.content.decode()
    assert not signed_in(client)


def test_five_wrong_codes_drop_the_pending_login(client, technician):
    device = totp_device(technician)
    web_login(client, technician.dui, DEFAULT_PASSWORD)
    TOTPDevice.throttling_enabled = False  # count the page's own limit, not the device's
    try:
        for _ in range(twostep.PENDING_LOGIN_MAX_FAILURES):
            last = client.post(CODE_URL, {"code": wrong(totp_code(device))})
    finally:
        del TOTPDevice.throttling_enabled
    assert last.status_code == 302
    assert last["Location"] == reverse("accounts:login")

    response = client.post(CODE_URL, {"code": totp_code(device)})

    assert response["Location"] == reverse("accounts:login")
    assert not signed_in(client)


def test_a_code_is_never_accepted_twice(client, technician):
    device = totp_device(technician)
    code = totp_code(device)
    web_login(client, technician.dui, DEFAULT_PASSWORD)
    assert client.post(CODE_URL, {"code": code}).status_code == 302

    other = Client()
    web_login(other, technician.dui, DEFAULT_PASSWORD)
    replay = other.post(CODE_URL, {"code": code})

    assert replay.status_code == 400
    assert not signed_in(other)


def test_a_recovery_code_works_once(client, technician):
    totp_device(technician)
    from core.accounts.twofactor import _replace_recovery_codes

    codes = _replace_recovery_codes(technician)
    web_login(client, technician.dui, DEFAULT_PASSWORD)

    response = client.post(CODE_URL, {"code": codes[0].upper()}, follow=True)

    assert signed_in(client)
    assert "Le quedan 9" in response.content.decode()
    assert codes[0] not in devices(technician)[1]
    assert AuditEvent.objects.filter(action="auth.otp_verified").get().payload["method"] == (
        "recovery"
    )
    again = Client()
    web_login(again, technician.dui, DEFAULT_PASSWORD)
    assert again.post(CODE_URL, {"code": codes[0]}).status_code == 400
    assert not signed_in(again)


def test_the_code_page_without_a_password_first_goes_back_to_the_login(client, technician):
    totp_device(technician)

    response = client.post(CODE_URL, {"code": "123456"})

    assert response["Location"] == reverse("accounts:login")
    assert not signed_in(client)
    assert Session.objects.filter().count() <= 1


def test_a_pending_login_expires(client, technician, monkeypatch):
    device = totp_device(technician)
    web_login(client, technician.dui, DEFAULT_PASSWORD)
    session = client.session
    session[twostep.PENDING_KEY] = {
        **session[twostep.PENDING_KEY],
        "at": session[twostep.PENDING_KEY]["at"] - twostep.PENDING_LOGIN_SECONDS - 1,
    }
    session.save()

    response = client.post(CODE_URL, {"code": totp_code(device)})

    assert response["Location"] == reverse("accounts:login")
    assert not signed_in(client)
    device.refresh_from_db()
    assert device.last_t == -1  # the code was not even spent


# --- The API token ----------------------------------------------------------------------------


def token(client, dui, password, **extra):
    return client.post(
        reverse("v1:auth-token"),
        {"dui": dui, "password": password, **extra},
        content_type="application/json",
    )


def test_the_api_token_needs_the_code_too(client, technician):
    from knox.models import AuthToken

    device = totp_device(technician)

    missing = token(client, technician.dui, DEFAULT_PASSWORD)
    bad = token(client, technician.dui, DEFAULT_PASSWORD, otp=wrong(totp_code(device)))

    assert (missing.status_code, missing.json()["code"]) == (400, "otp_required")
    assert (bad.status_code, bad.json()["code"]) == (400, "otp_invalid")
    assert AuthToken.objects.count() == 0
    assert "auth.login" not in actions()
    assert AuditEvent.objects.filter(action="auth.otp_failed").get().payload["channel"] == "api"

    device.throttling_failure_count = 0
    device.save()
    ok = token(client, technician.dui, DEFAULT_PASSWORD, otp=totp_code(device))
    assert ok.status_code == 200
    assert "token" in ok.json()
    assert AuthToken.objects.filter(user=technician).count() == 1


def test_the_api_token_without_an_app_ignores_otp(client, technician):
    assert token(client, technician.dui, DEFAULT_PASSWORD).status_code == 200


def test_a_wrong_password_never_reaches_the_code(client, technician):
    device = totp_device(technician)

    response = token(client, technician.dui, "wrong-password", otp=totp_code(device))

    assert response.json()["code"] == "invalid_login"
    device.refresh_from_db()
    assert device.last_t == -1


# --- The admin --------------------------------------------------------------------------------


@pytest.fixture
def staff_admin(make_user):
    from core.accounts.services import user_update_access

    user = make_user(role="administrator")
    user_update_access(user=user, actor=None, is_staff=True, is_superuser=True)
    return user


def test_the_admin_login_asks_for_the_code(client, staff_admin):
    device = totp_device(staff_admin)
    url = reverse("admin:login")
    assert 'name="otp"' in client.get(url).content.decode()

    without = client.post(url, {"username": staff_admin.dui, "password": DEFAULT_PASSWORD})
    wrong_code = client.post(
        url,
        {
            "username": staff_admin.dui,
            "password": DEFAULT_PASSWORD,
            "otp": wrong(totp_code(device)),
        },
    )

    assert without.status_code == wrong_code.status_code == 200
    assert "escriba el código" in without.content.decode()
    assert not signed_in(client)
    device.throttling_failure_count = 0
    device.save()
    ok = client.post(
        url, {"username": staff_admin.dui, "password": DEFAULT_PASSWORD, "otp": totp_code(device)}
    )
    assert ok.status_code == 302
    assert signed_in(client)


def test_an_administrator_can_remove_a_lost_phone(client, staff_admin, technician):
    totp_device(technician)
    client.force_login(staff_admin)

    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "remove_second_factor", "_selected_action": [technician.pk]},
    )

    assert devices(technician) == ([], [])
    event = AuditEvent.objects.filter(action="auth.otp_removed").get()
    assert event.actor_id == staff_admin.pk
    assert event.payload == {"by_administrator": True}


def test_the_admin_does_not_show_secrets(client, staff_admin):
    client.force_login(staff_admin)

    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_code_page_cannot_be_reached_by_a_locked_out_client(client, technician):
    totp_device(technician)
    for _ in range(2):
        web_login(client, technician.dui, "wrong-wrong")

    response = web_login(client, technician.dui, DEFAULT_PASSWORD)

    assert response.status_code == 429
    assert twostep.PENDING_KEY not in client.session
