"""Sessions are kept in the database and the cache (Django's ``cached_db`` engine,
docs/platform.md "Sessions"): a request reads its session from the cache, and whatever ends a
session (logout, a timeout, a password change elsewhere) ends both copies, so an old cookie
never signs anyone in again (docs/security.md §2.2)."""

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import DEFAULT_PASSWORD

from .helpers import web_login

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
NEW_PASSWORD = "otra clave bastante larga 2026"


def _cached(key: str):
    return caches[settings.SESSION_CACHE_ALIAS].get(KEY_PREFIX + key)


@pytest.fixture
def signed_in(user) -> Client:
    client = Client()
    assert web_login(client, user.dui, DEFAULT_PASSWORD).status_code == 302
    return client


def test_the_engine_is_cached_db():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def test_a_signed_in_request_reads_its_session_from_the_cache(signed_in, user):
    key = signed_in.cookies["sessionid"].value
    assert _cached(key)[SESSION_KEY] == str(user.pk)
    assert Session.objects.filter(session_key=key).exists()
    signed_in.get(PROFILE)  # the first request may write the activity stamp

    with CaptureQueriesContext(connection) as captured:
        assert signed_in.get(PROFILE).status_code == 200

    assert not [q for q in captured.captured_queries if "django_session" in q["sql"]]


def test_a_session_the_cache_lost_is_read_from_the_database(signed_in, user):
    key = signed_in.cookies["sessionid"].value
    caches[settings.SESSION_CACHE_ALIAS].delete(KEY_PREFIX + key)

    assert signed_in.get(PROFILE).status_code == 200
    assert _cached(key)[SESSION_KEY] == str(user.pk)


def test_logout_ends_both_copies_and_the_old_cookie_signs_nobody_in(signed_in):
    key = signed_in.cookies["sessionid"].value

    assert signed_in.post(LOGOUT).status_code == 302

    assert _cached(key) is None
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies["sessionid"] = key
    denied = replay.get(PROFILE)
    assert denied.status_code == 302
    assert denied["Location"].startswith(LOGIN)
    assert _cached(key) is None
    assert not Session.objects.filter(session_key=key).exists()


def test_a_timed_out_session_is_ended_in_the_cache_too(signed_in):
    key = signed_in.cookies["sessionid"].value
    later = timezone.now() + datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 60)

    with mock.patch("django.utils.timezone.now", return_value=later):
        assert signed_in.get(PROFILE).status_code == 302

    assert _cached(key) is None
    assert not Session.objects.filter(session_key=key).exists()


def test_a_password_change_elsewhere_ends_the_other_session_in_the_cache_too(user):
    this, other = Client(), Client()
    web_login(this, user.dui, DEFAULT_PASSWORD)
    web_login(other, user.dui, DEFAULT_PASSWORD)
    other_key = other.cookies["sessionid"].value
    assert _cached(other_key) is not None

    changed = this.post(
        PROFILE,
        {
            "current_password": DEFAULT_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 302

    denied = other.get(PROFILE)
    assert denied.status_code == 302
    assert denied["Location"].startswith(LOGIN)
    assert _cached(other_key) is None
    assert not Session.objects.filter(session_key=other_key).exists()
