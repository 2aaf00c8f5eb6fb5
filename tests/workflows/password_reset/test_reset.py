"""Password reset: pages and API, no enumeration, one-time links, sessions and tokens ended."""

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.urls import reverse
from knox.models import AuthToken

from core.accounts.models import User
from notifications.models import OutboxMessage
from tests.factories import DEFAULT_PASSWORD, make_dui
from tests.workflows.registration.helpers import (
    NEW_PASSWORD,
    actions,
    emails,
    last_link,
    link_parts,
    without_csrf,
)
from workflows.password_reset.models import PasswordResetRequest

pytestmark = pytest.mark.django_db

REQUEST = "/recuperar-acceso/"
REQUESTED = "/recuperar-acceso/enviado/"


def ask(client: Client, identifier: str):
    return client.post(REQUEST, {"identifier": identifier})


def set_password(
    client: Client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None
):
    return client.post(path, {"password": password, "password_confirmation": confirm or password})


@pytest.fixture
def account(make_user):
    return make_user(dui=make_dui(44_000_001), email="carlos@example.sv")


def test_unknown_account_gets_the_same_answer_and_nothing_is_sent(client, account):
    known = ask(client, account.dui)
    known_page = client.get(known["Location"])
    sent_before = OutboxMessage.objects.count()
    requests_before = PasswordResetRequest.objects.count()

    unknown_dui = ask(client, make_dui(44_999_999))
    unknown_email = ask(client, "nadie@example.sv")
    garbage = ask(client, "no es nada")

    for response in (unknown_dui, unknown_email, garbage):
        assert (response.status_code, response["Location"]) == (302, REQUESTED)
        assert without_csrf(client.get(response["Location"])) == without_csrf(known_page)
    assert OutboxMessage.objects.count() == sent_before
    assert PasswordResetRequest.objects.count() == requests_before


def test_happy_path_by_dui_changes_the_password_and_ends_every_session(client, account):
    other_browser = Client()
    other_browser.post(
        reverse("accounts:login"), {"dui": account.dui, "password": DEFAULT_PASSWORD}
    )
    old_session = other_browser.cookies["sessionid"].value
    assert other_browser.get(reverse("accounts:profile")).status_code == 200
    AuthToken.objects.create(user=account)
    AuthToken.objects.create(user=account)

    requested = ask(client, account.dui)
    path = last_link("password_reset_link")
    form = client.get(path)
    done = set_password(client, path)

    assert requested["Location"] == REQUESTED
    assert emails("password_reset_link")[0].to_address == "carlos@example.sv"
    assert form.status_code == 200
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset:done")
    account.refresh_from_db()
    assert not account.check_password(DEFAULT_PASSWORD)
    assert account.check_password(NEW_PASSWORD)
    login_request = RequestFactory().post(reverse("accounts:login"))
    assert authenticate(login_request, dui=account.dui, password=DEFAULT_PASSWORD) is None
    assert authenticate(login_request, dui=account.dui, password=NEW_PASSWORD) == account
    # The other browser's session no longer authenticates (and is flushed on its next use).
    denied = other_browser.get(reverse("accounts:profile"))
    assert denied.status_code == 302
    assert denied["Location"].startswith(reverse("accounts:login"))
    assert not Session.objects.filter(session_key=old_session).exists()
    assert AuthToken.objects.filter(user=account).count() == 0
    [notice] = emails("password_changed")
    assert notice.to_address == "carlos@example.sv"
    assert "fue cambiada" in notice.subject
    assert OutboxMessage.objects.filter(template="password_changed", channel="in_app").count() == 1
    reset = PasswordResetRequest.objects.get()
    assert (reset.status, reset.token_used_at is not None) == ("completed", True)
    assert actions(object_type="password_reset.passwordresetrequest") == [
        "passwordresetrequest.requested",
        "passwordresetrequest.send_link",
        "passwordresetrequest.complete",
    ]
    assert "account.password_changed" in actions(
        object_type="accounts.user", object_id=str(account.pk)
    )


def test_request_by_email_address(client, account):
    ask(client, "  CARLOS@example.sv ")

    assert emails("password_reset_link")[0].recipient_id == account.person_id


def test_reused_link_is_refused_and_the_password_stays(client, account):
    ask(client, account.dui)
    path = last_link("password_reset_link")
    set_password(client, path)

    again = set_password(client, path, password="una tercera frase distinta")

    assert again.status_code == 400
    assert "Este enlace ya fue utilizado." in again.content.decode()
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)


def test_expired_link_is_refused_and_the_request_expires(client, account, settings):
    settings.SIGES_PASSWORD_RESET_LINK_TTL = timedelta(0)
    ask(client, account.dui)
    path = last_link("password_reset_link")

    shown = client.get(path)
    response = set_password(client, path)

    assert shown.status_code == 400
    assert response.status_code == 400
    assert "El enlace venció" in response.content.decode()
    assert PasswordResetRequest.objects.get().status == "expired"
    account.refresh_from_db()
    assert account.check_password(DEFAULT_PASSWORD)


def test_new_password_follows_the_same_rules(client, account):
    ask(client, account.dui)
    path = last_link("password_reset_link")

    weak = set_password(client, path, password="12345678")
    mismatch = set_password(client, path, confirm="otra cosa completamente")

    assert weak.status_code == 400
    assert mismatch.status_code == 400
    assert "Las contraseñas no coinciden." in mismatch.content.decode()
    assert PasswordResetRequest.objects.get().status == "email_sent"
    account.refresh_from_db()
    assert account.check_password(DEFAULT_PASSWORD)


def test_a_new_request_supersedes_the_previous_link(client, account):
    ask(client, account.dui)
    first = last_link("password_reset_link")
    ask(client, account.dui)
    second = last_link("password_reset_link")

    assert set_password(client, first).status_code == 400
    assert set_password(client, second).status_code == 302
    assert list(PasswordResetRequest.objects.order_by("pk").values_list("status", flat=True)) == [
        "expired",
        "completed",
    ]


def test_inactive_accounts_are_treated_as_unknown(client, account):
    User.objects.filter(pk=account.pk).update(is_active=False)

    response = ask(client, account.dui)

    assert response["Location"] == REQUESTED
    assert PasswordResetRequest.objects.count() == 0
    assert emails("password_reset_link") == []


def test_api_request_and_complete(client, account):
    unknown = client.post(
        reverse("v1:password-reset-request"),
        {"identifier": make_dui(44_999_998)},
        content_type="application/json",
    )
    known = client.post(
        reverse("v1:password-reset-request"),
        {"identifier": account.dui},
        content_type="application/json",
    )
    public_id, token = link_parts(last_link("password_reset_link"))
    weak = client.post(
        reverse("v1:password-reset-complete"),
        {"public_id": public_id, "token": token, "new_password": "12345678"},
        content_type="application/json",
    )
    done = client.post(
        reverse("v1:password-reset-complete"),
        {"public_id": public_id, "token": token, "new_password": NEW_PASSWORD},
        content_type="application/json",
    )
    reused = client.post(
        reverse("v1:password-reset-complete"),
        {"public_id": public_id, "token": token, "new_password": "una frase nueva otra vez"},
        content_type="application/json",
    )

    assert (unknown.status_code, unknown.json()) == (known.status_code, known.json())
    assert known.status_code == 202
    assert weak.status_code == 400
    assert "new_password" in weak.json()
    assert done.status_code == 200
    assert (reused.status_code, reused.json()["code"]) == (400, "used")
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)


def test_api_login_with_the_new_password_after_reset(client, account):
    ask(client, account.dui)
    set_password(client, last_link("password_reset_link"))

    old = client.post(
        reverse("v1:auth-token"),
        {"dui": account.dui, "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    new = client.post(
        reverse("v1:auth-token"),
        {"dui": account.dui, "password": NEW_PASSWORD},
        content_type="application/json",
    )

    assert old.status_code in (400, 401)
    assert new.status_code == 200
