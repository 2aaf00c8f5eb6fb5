"""Denied access (403) is audited, per actor; 404s are not."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404, HttpResponse

from core.audit import services
from core.audit.middleware import DeniedAccessMiddleware
from core.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def middleware():
    return DeniedAccessMiddleware(lambda request: HttpResponse())


def test_permission_denied_is_recorded_in_the_actors_access_chain(rf, middleware, citizen):
    # Given a signed-in citizen whose request a view refuses
    request = rf.post("/tramites/7/firmar/?token=secreto", REMOTE_ADDR="198.51.100.4")
    request.user = citizen

    # When the exception reaches the middleware
    assert middleware.process_exception(request, PermissionDenied("No puede firmar.")) is None

    # Then one event in access:user:<id> with path (never the query string), method and reason
    event = AuditEvent.objects.get(action="access.denied")
    assert (event.chain_key, event.seq, event.object_type) == (
        f"access:user:{citizen.pk}",
        1,
        "access",
    )
    assert (event.actor_id, event.object_id, event.ip_address) == (
        citizen.pk,
        str(citizen.pk),
        "198.51.100.4",
    )
    assert event.payload == {
        "method": "POST",
        "path": "/tramites/7/firmar/",
        "reason": "No puede firmar.",
    }


def test_anonymous_denials_share_the_anonymous_chain(rf, middleware):
    for path in ("/a/", "/b/"):
        request = rf.get(path)
        request.user = AnonymousUser()
        middleware.process_exception(request, PermissionDenied())

    events = list(AuditEvent.objects.values_list("chain_key", "seq", "actor_id", "payload"))
    assert events == [
        ("access:anonymous", 1, None, {"method": "GET", "path": "/a/", "reason": ""}),
        ("access:anonymous", 2, None, {"method": "GET", "path": "/b/", "reason": ""}),
    ]


def test_not_found_and_other_errors_are_not_recorded(rf, middleware, citizen):
    request = rf.get("/no-existe/")
    request.user = citizen
    before = AuditEvent.objects.count()

    middleware.process_exception(request, Http404())
    middleware.process_exception(request, ValueError("boom"))

    assert AuditEvent.objects.count() == before


def test_a_failure_to_record_does_not_turn_the_403_into_a_500(rf, citizen, monkeypatch, caplog):
    def broken(**kwargs):
        raise DatabaseError("database unavailable")

    monkeypatch.setattr(services, "audit_record", broken)
    request = rf.get("/x/")
    request.user = citizen

    assert services.audit_denied(request, "razón") is None
    assert "could not record a denied access to /x/" in caplog.text
