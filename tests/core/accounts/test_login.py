"""Web login by DUI + password, and logout (docs/security.md §1.1 and §2)."""

import re
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from core.accounts.middleware import LAST_ACTIVITY_KEY, LOGIN_AT_KEY
from tests.factories import DEFAULT_PASSWORD

from .helpers import FORMAT_ERROR, web_login

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
PROFILE = reverse("accounts:profile")
LOGOUT = reverse("accounts:logout")
GENERIC_ERROR = "DUI o contraseña incorrectos."
UNKNOWN_DUI = "12345678-4"  # valid check digit, no account
WRONG_CHECK_DUI = "12345678-5"  # plausible shape, wrong check digit


def test_login_page_renders_in_spanish_with_dui_and_password_fields(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="dui"' in html
    assert 'type="password"' in html
    assert 'autocomplete="current-password"' in html
    assert "Ingresar a SIGES" in html


def test_right_dui_and_password_log_in_and_redirect_home(client, user):
    response = web_login(client, user.dui, DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(user.pk)
    user.refresh_from_db()
    assert user.last_login is not None


def test_dui_without_hyphen_and_with_spaces_logs_in(client, user):
    response = web_login(client, f"  {user.dui.replace('-', '')} ", DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_password_is_not_trimmed(client, make_user):
    spaced = "  una frase con espacios  "
    account = make_user(password=spaced)

    trimmed = web_login(client, account.dui, spaced.strip())
    exact = web_login(client, account.dui, spaced)

    assert trimmed.status_code == 200
    assert trimmed.context["form"].errors == {"__all__": [GENERIC_ERROR]}
    assert exact.status_code == 302


def _comparable(response, typed_dui: str) -> str:
    """The page minus what legitimately differs: the CSRF token and the echoed DUI."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
    html = re.sub(r'<meta name="csrf-token" content="[^"]+">', "CSRF", html)
    return html.replace(f'value="{typed_dui}"', 'value="DUI"')


def test_unknown_dui_wrong_check_digit_and_wrong_password_get_the_same_page(client, user):
    unknown = web_login(client, UNKNOWN_DUI, DEFAULT_PASSWORD)
    wrong_check = web_login(client, WRONG_CHECK_DUI, DEFAULT_PASSWORD)
    wrong_password = web_login(client, user.dui, "otra-clave-distinta")

    for response in (unknown, wrong_check, wrong_password):
        assert response.status_code == 200
        assert response.context["form"].errors == {"__all__": [GENERIC_ERROR]}
        assert response.content.decode().count(GENERIC_ERROR) == 1
    assert _comparable(unknown, UNKNOWN_DUI) == _comparable(wrong_password, user.dui)
    assert _comparable(wrong_check, WRONG_CHECK_DUI) == _comparable(wrong_password, user.dui)
    assert Session.objects.count() == 0  # nothing written: no session, no login time
    user.refresh_from_db()
    assert user.last_login is None


def test_inactive_account_gets_the_same_answer(client, user):
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = web_login(client, user.dui, DEFAULT_PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].errors == {"__all__": [GENERIC_ERROR]}


@override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
)
@pytest.mark.parametrize("case", ["unknown", "wrong_check", "wrong_password", "inactive"])
def test_the_password_hasher_runs_once_in_every_failure(client, make_user, case):
    """Equal work in every case, so timing does not tell an unknown DUI from a wrong password."""
    account = make_user()  # hashed with Argon2, like production
    if case == "inactive":
        account.is_active = False
        account.save(update_fields=["is_active"])
    dui, password = {
        "unknown": (UNKNOWN_DUI, DEFAULT_PASSWORD),
        "wrong_check": (WRONG_CHECK_DUI, DEFAULT_PASSWORD),
        "wrong_password": (account.dui, "otra-clave-distinta"),
        "inactive": (account.dui, DEFAULT_PASSWORD),
    }[case]
    with (
        mock.patch.object(
            Argon2PasswordHasher, "encode", autospec=True, side_effect=Argon2PasswordHasher.encode
        ) as encode,
        mock.patch.object(
            Argon2PasswordHasher, "verify", autospec=True, side_effect=Argon2PasswordHasher.verify
        ) as verify,
    ):
        response = web_login(client, dui, password)

    assert response.context["form"].errors == {"__all__": [GENERIC_ERROR]}
    assert encode.call_count + verify.call_count == 1


def test_syntactically_invalid_dui_is_a_field_error(client, user):
    response = web_login(client, "no-es-un-dui", DEFAULT_PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].errors == {"dui": [FORMAT_ERROR]}


def test_login_rotates_the_session_key(client, user):
    """Session fixation: a key planted before login is not the key used after it."""
    session = client.session
    session["planted"] = "yes"
    session.save()
    planted_key = session.session_key
    client.cookies["sessionid"] = planted_key

    web_login(client, user.dui, DEFAULT_PASSWORD)

    new_key = client.cookies["sessionid"].value
    assert new_key != planted_key
    assert not Session.objects.filter(session_key=planted_key).exists()
    assert client.session[SESSION_KEY] == str(user.pk)


def test_login_stores_the_login_time_for_the_absolute_timeout(client, user):
    before = timezone.now().timestamp()

    web_login(client, user.dui, DEFAULT_PASSWORD)

    after = timezone.now().timestamp()
    session = client.session
    assert before <= session[LOGIN_AT_KEY] <= after
    assert before <= session[LAST_ACTIVITY_KEY] <= after


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/cuentas/perfil/", "/cuentas/perfil/"),
        ("https://evil.example/robar", "/"),
        ("//evil.example/robar", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_next_redirect_stays_on_this_site(client, user, next_url, expected):
    response = web_login(client, user.dui, DEFAULT_PASSWORD, next=next_url)

    assert response.status_code == 302
    assert response["Location"] == expected


def test_next_from_the_query_string_is_carried_into_the_form(client):
    response = client.get(LOGIN, {"next": "/cuentas/perfil/"})

    assert '<input type="hidden" name="next" value="/cuentas/perfil/">' in response.content.decode()


def test_signed_in_user_visiting_login_goes_home(client, user):
    client.force_login(user)

    response = client.get(LOGIN)

    assert response.status_code == 302
    assert response["Location"] == "/"


# --- Logout ----------------------------------------------------------------------------------


def test_logout_needs_post(client, user):
    client.force_login(user)

    response = client.get(LOGOUT)

    assert response.status_code == 405
    assert client.session[SESSION_KEY] == str(user.pk)


def test_logout_without_csrf_token_is_refused(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(LOGOUT)

    assert response.status_code == 403
    assert client.get(PROFILE).status_code == 200


def test_logout_ends_the_session_and_the_old_key_no_longer_works(user):
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    web_login(client, user.dui, DEFAULT_PASSWORD, csrfmiddlewaretoken=token)
    old_key = client.cookies["sessionid"].value
    token = client.cookies["csrftoken"].value  # login rotates the CSRF token too

    response = client.post(LOGOUT, {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not Session.objects.filter(session_key=old_key).exists()
    replay = Client()
    replay.cookies["sessionid"] = old_key
    replayed = replay.get(PROFILE)
    assert replayed.status_code == 302
    assert replayed["Location"].startswith(LOGIN)


def test_logout_shows_a_spanish_confirmation(client, user):
    client.force_login(user)

    response = client.post(LOGOUT, follow=True)

    assert "Cerró su sesión." in response.content.decode()


def test_a_signed_in_session_loads_the_user_with_the_person_in_one_query(
    client, user, django_assert_num_queries
):
    """The login page records the DUI backend, whose ``get_user`` joins the person: pages,
    audit events and notifications name the actor without a query of their own."""
    from django.contrib.auth import BACKEND_SESSION_KEY, get_user

    web_login(client, user.dui, DEFAULT_PASSWORD)
    session = client.session  # read here: the query below is the user's alone
    assert session[BACKEND_SESSION_KEY] == "core.accounts.backends.DuiBackend"
    request = mock.Mock(session=session)
    with django_assert_num_queries(1):
        loaded = get_user(request)
        assert loaded.pk == user.pk
        assert loaded.person.full_name == user.person.full_name


def test_a_deactivated_account_loses_its_session(client, user):
    from django.contrib.auth import get_user

    web_login(client, user.dui, DEFAULT_PASSWORD)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not get_user(mock.Mock(session=client.session)).is_authenticated
