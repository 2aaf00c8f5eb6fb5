"""Idle and absolute session timeouts (SessionTimeoutMiddleware)."""

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.accounts.middleware import LAST_ACTIVITY_KEY, LOGIN_AT_KEY
from core.audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD

from .helpers import web_login

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
LOGIN = reverse("accounts:login")
EXPIRED = "Su sesión expiró por seguridad. Ingrese de nuevo para continuar."


def _travel(seconds: float):
    """Move the clock the middleware reads forward by ``seconds``."""
    target = timezone.now() + datetime.timedelta(seconds=seconds)
    return mock.patch("django.utils.timezone.now", return_value=target)


@pytest.fixture
def signed_in(user) -> Client:
    client = Client()
    response = web_login(client, user.dui, DEFAULT_PASSWORD)
    assert response.status_code == 302
    return client


def test_idle_session_expires_and_redirects_to_login_with_a_message(signed_in, user):
    old_key = signed_in.cookies["sessionid"].value

    with _travel(settings.SESSION_IDLE_TIMEOUT + 60):
        response = signed_in.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fcuentas%2Fperfil%2F"
    assert not Session.objects.filter(session_key=old_key).exists()
    login_page = signed_in.get(response["Location"])
    assert EXPIRED in login_page.content.decode()
    assert SESSION_KEY not in signed_in.session
    event = AuditEvent.objects.get(action="auth.session_expired")
    assert event.chain_key == f"accounts.user:{user.pk}"
    assert event.payload == {"reason": "idle"}


def test_activity_within_the_idle_limit_keeps_the_session_alive(signed_in, user):
    step = settings.SESSION_IDLE_TIMEOUT - 60

    with _travel(step):
        first = signed_in.get(PROFILE)
    with _travel(2 * step):  # longer than the limit since login, not since the last request
        second = signed_in.get(PROFILE)

    assert first.status_code == 200
    assert second.status_code == 200
    assert not AuditEvent.objects.filter(action="auth.session_expired").exists()


def test_a_request_refreshes_an_activity_stamp_older_than_the_resolution(signed_in):
    with _travel(settings.SESSION_ACTIVITY_RESOLUTION + 1):
        signed_in.get(PROFILE)
        expected = timezone.now().timestamp()

    assert signed_in.session[LAST_ACTIVITY_KEY] == expected


def test_a_recent_activity_stamp_is_kept_and_the_session_not_written(signed_in):
    stamped = signed_in.session[LAST_ACTIVITY_KEY]
    with _travel(settings.SESSION_ACTIVITY_RESOLUTION - 5):
        fresh = signed_in.get(PROFILE)
    # A profile request a few seconds later: the session and user are read, nothing is written.
    with (
        _travel(settings.SESSION_ACTIVITY_RESOLUTION - 1),
        CaptureQueriesContext(connection) as queries,
    ):
        again = signed_in.get(PROFILE)

    assert fresh.status_code == again.status_code == 200
    assert signed_in.session[LAST_ACTIVITY_KEY] == stamped
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert not [sql for sql in writes if "django_session" in sql]


def test_the_idle_limit_counts_from_the_stamp_so_it_never_runs_late(signed_in):
    # Requests every 50 s leave the stamp at login time until the resolution passes; once the
    # idle limit has passed since the stamp, the session ends (at most one resolution early).
    step = settings.SESSION_ACTIVITY_RESOLUTION - 10
    with _travel(step):
        assert signed_in.get(PROFILE).status_code == 200
    with _travel(settings.SESSION_IDLE_TIMEOUT + 1):
        response = signed_in.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_absolute_timeout_ends_even_an_active_session(signed_in, user):
    session = signed_in.session
    now = timezone.now().timestamp()
    session[LOGIN_AT_KEY] = now - settings.SESSION_ABSOLUTE_TIMEOUT - 1
    session[LAST_ACTIVITY_KEY] = now  # active a moment ago
    session.save()

    response = signed_in.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert AuditEvent.objects.get(action="auth.session_expired").payload == {"reason": "absolute"}


def test_session_just_inside_the_absolute_limit_is_kept(signed_in):
    session = signed_in.session
    session[LOGIN_AT_KEY] = timezone.now().timestamp() - settings.SESSION_ABSOLUTE_TIMEOUT + 60
    session.save()

    assert signed_in.get(PROFILE).status_code == 200


def test_api_request_with_an_expired_session_gets_401_json(signed_in):
    with _travel(settings.SESSION_IDLE_TIMEOUT + 60):
        response = signed_in.get(reverse("v1:me"))

    assert response.status_code == 401
    assert response.json() == {"detail": EXPIRED, "code": "session_expired"}


def test_htmx_request_with_an_expired_session_is_told_to_redirect(signed_in):
    with _travel(settings.SESSION_IDLE_TIMEOUT + 60):
        response = signed_in.get(PROFILE, HTTP_HX_REQUEST="true")

    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{LOGIN}?next=%2Fcuentas%2Fperfil%2F"


def test_session_opened_without_the_login_page_gets_stamped(client, user):
    # force_login stands for any other login path (the admin's, for instance).
    client.force_login(user)

    client.get(PROFILE)

    assert LOGIN_AT_KEY in client.session
    assert LAST_ACTIVITY_KEY in client.session


def test_anonymous_requests_are_untouched(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert Session.objects.count() == 0  # no session row written for an anonymous visit
