"""Step-up re-authentication (docs/security.md §1.8): the page, the session mark, its expiry,
the decorator and the mixin, the redirect safety and brute-force protection."""

import datetime as dt

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from django.views import View

from core.accounts import stepup
from core.audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD

from .helpers import actions, mark_client_reauthenticated, totp_code, totp_device

pytestmark = pytest.mark.django_db

URL = "/cuentas/reautenticar/"


@pytest.fixture
def technician(make_user):
    return make_user(role="technician")


def passed(client) -> bool:
    mark = client.session.get(stepup.SESSION_KEY)
    return isinstance(mark, dict)


def test_the_api_names():
    assert reverse("accounts:step_up") == URL
    assert stepup.step_up_url("/procesos/tareas/3/") == f"{URL}?next=%2Fprocesos%2Ftareas%2F3%2F"
    assert stepup.step_up_url("") == URL
    assert stepup.STEP_UP_SECONDS == 300


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_page_asks_only_the_password_without_an_app(client, technician):
    client.force_login(technician)

    html = client.get(f"{URL}?next=/bandeja/").content.decode()

    assert 'name="password"' in html
    assert 'name="code"' not in html
    assert 'name="next" value="/bandeja/"' in html


def test_the_right_password_marks_the_session_audits_and_returns(client, technician):
    client.force_login(technician)

    response = client.post(URL, {"password": DEFAULT_PASSWORD, "next": "/bandeja/"})

    assert response.status_code == 302
    assert response["Location"] == "/bandeja/"
    assert client.session[stepup.SESSION_KEY]["user"] == technician.pk
    event = AuditEvent.objects.filter(action="auth.step_up").get()
    assert event.actor_id == technician.pk
    assert event.payload == {"method": "password"}


def test_a_wrong_password_is_refused_audited_and_marks_nothing(client, technician):
    client.force_login(technician)

    response = client.post(URL, {"password": "not-the-password", "next": "/bandeja/"})

    assert response.status_code == 400
    assert "La contraseña no es correcta." in response.content.decode()
    assert not passed(client)
    assert "auth.step_up_failed" in actions()
    assert "auth.step_up" not in actions()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_wrong_passwords_lock_the_client_out_like_the_login(client, technician):
    client.force_login(technician)
    for _ in range(3):
        client.post(URL, {"password": "wrong-wrong"})

    response = client.post(URL, {"password": DEFAULT_PASSWORD})

    assert response.status_code == 429
    assert not passed(client)


def test_with_an_app_the_password_alone_does_not_pass(client, technician):
    device = totp_device(technician)
    client.force_login(technician)

    assert 'name="code"' in client.get(URL).content.decode()
    response = client.post(URL, {"password": DEFAULT_PASSWORD})

    assert response.status_code == 400
    assert not passed(client)
    code = totp_code(device)
    response = client.post(URL, {"password": DEFAULT_PASSWORD, "code": code, "next": "/perfil/"})
    assert response.status_code == 302
    assert client.session[stepup.SESSION_KEY]["method"] == "totp"


def test_a_wrong_code_is_refused_audited_and_throttled(client, technician):
    device = totp_device(technician)
    client.force_login(technician)
    wrong = f"{(int(totp_code(device)) + 1) % 1000000:06d}"

    response = client.post(URL, {"password": DEFAULT_PASSWORD, "code": wrong})

    assert response.status_code == 400
    assert not passed(client)
    assert AuditEvent.objects.filter(action="auth.step_up_failed").get().payload == {
        "reason": "code"
    }
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Right away, even the right code must wait.
    response = client.post(URL, {"password": DEFAULT_PASSWORD, "code": totp_code(device)})
    assert response.status_code == 400
    assert "Demasiados códigos incorrectos. Espere" in response.content.decode()
    assert not passed(client)


def test_a_code_cannot_be_used_twice(client, technician):
    device = totp_device(technician)
    client.force_login(technician)
    code = totp_code(device)
    assert client.post(URL, {"password": DEFAULT_PASSWORD, "code": code}).status_code == 302
    session = client.session
    session.pop(stepup.SESSION_KEY)
    session.save()

    response = client.post(URL, {"password": DEFAULT_PASSWORD, "code": code})

    assert response.status_code == 400
    assert not passed(client)


@override_settings(SIGES_STEP_UP_TOTP_ROLES=["director"])
def test_a_signing_role_without_an_app_is_sent_to_enrol(client, make_user):
    director = make_user(role="director")
    client.force_login(director)

    response = client.post(URL, {"password": DEFAULT_PASSWORD})

    assert response.status_code == 200
    assert "aún no tiene una" in response.content.decode()
    assert not passed(client)
    assert "auth.step_up" not in actions()


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
        "",
    ],
)
def test_next_never_leaves_the_site(client, technician, target):
    client.force_login(technician)

    response = client.post(URL, {"password": DEFAULT_PASSWORD, "next": target})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_the_mark_expires(client, technician, monkeypatch):
    client.force_login(technician)
    client.post(URL, {"password": DEFAULT_PASSWORD})
    request = RequestFactory().get("/")
    request.user = technician
    request.session = client.session
    start = timezone.now()

    monkeypatch.setattr(stepup, "now", lambda: start + dt.timedelta(seconds=299))
    assert stepup.is_recently_reauthenticated(request)
    assert not stepup.is_recently_reauthenticated(request, max_age=60)
    monkeypatch.setattr(stepup, "now", lambda: start + dt.timedelta(seconds=301))
    assert not stepup.is_recently_reauthenticated(request)
    assert stepup.is_recently_reauthenticated(request, max_age=600)
    with override_settings(SIGES_STEP_UP_SECONDS=600):
        assert stepup.is_recently_reauthenticated(request)


def test_the_mark_belongs_to_one_account(client, technician, make_user):
    client.force_login(technician)
    mark_client_reauthenticated(client, technician)
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = make_user(role="technician")

    assert not stepup.is_recently_reauthenticated(request)


def test_a_new_login_drops_the_mark(client, technician):
    client.force_login(technician)
    mark_client_reauthenticated(client, technician)
    client.post(reverse("accounts:logout"))
    client.force_login(technician)

    assert not passed(client)


@stepup.step_up_required
def protected(request):
    return HttpResponse("hecho")


class ProtectedView(stepup.StepUpRequiredMixin, View):
    def get(self, request):
        return HttpResponse("hecho")

    post = get


@pytest.mark.parametrize("view", [protected, ProtectedView.as_view()])
def test_the_decorator_and_the_mixin(rf, technician, client, view):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    client.force_login(technician)
    get = rf.get("/firmar/?x=1")
    get.user, get.session = technician, client.session
    response = view(get)
    assert response.status_code == 302
    assert response["Location"] == stepup.step_up_url("/firmar/?x=1")

    post = rf.post("/firmar/")
    post.user, post.session = technician, client.session
    with pytest.raises(PermissionDenied):
        view(post)

    anonymous = rf.get("/firmar/")
    anonymous.user, anonymous.session = AnonymousUser(), client.session
    assert view(anonymous)["Location"].startswith(reverse("accounts:login"))

    mark_client_reauthenticated(client, technician)
    fresh = rf.post("/firmar/")
    fresh.user, fresh.session = technician, client.session
    assert view(fresh).content == b"hecho"

    mark_client_reauthenticated(client, technician, seconds_ago=301)
    stale = rf.get("/firmar/")
    stale.user, stale.session = technician, client.session
    assert view(stale).status_code == 302
