"""Link tokens and the periodic expiry of stale registrations."""

import uuid
from datetime import timedelta

import pytest

from core import links as tokens
from workflows.registration.models import RegistrationRequest
from workflows.registration.services import registration_submit
from workflows.registration.tasks import expire_stale_registrations

from .helpers import actions, applicant_data


def test_token_is_long_random_and_only_its_digest_matches():
    raw, digest = tokens.token_new()
    other, _ = tokens.token_new()

    assert len(raw) >= 43
    assert raw != other
    assert digest == tokens.token_digest(raw)
    assert len(digest) == 64
    assert tokens.token_matches(raw, digest)
    assert not tokens.token_matches(other, digest)
    assert not tokens.token_matches(raw, "")


def test_link_parts_that_look_like_a_dui_are_drawn_again(monkeypatch):
    # A UUID starting with a valid DUI (12345678-4…) would be masked by the email filter.
    looks_like_dui = uuid.UUID("12345678-4abc-4def-8abc-abcdefabcdef")
    safe = uuid.UUID("abcdef12-3456-4abc-8def-abcdefabcdef")
    draws = iter([looks_like_dui, safe])
    monkeypatch.setattr(tokens.uuid, "uuid4", lambda: next(draws))

    assert tokens.link_safe_uuid() == safe


def test_digit_heavy_tokens_are_drawn_again(monkeypatch):
    draws = iter(["a123456789b" + "x" * 40, "y" * 43])
    monkeypatch.setattr(tokens.secrets, "token_urlsafe", lambda _n: next(draws))

    raw, _digest = tokens.token_new()

    assert raw == "y" * 43


@pytest.mark.django_db
def test_periodic_task_expires_only_stale_links_and_is_safe_to_rerun(settings):
    settings.SIGES_REGISTRATION_LINK_TTL = timedelta(0)
    stale = registration_submit(**applicant_data())
    settings.SIGES_REGISTRATION_LINK_TTL = timedelta(hours=1)
    fresh = registration_submit(**applicant_data(dui="00000000-0", email="otra@example.sv"))

    first = expire_stale_registrations.delay().get()
    second = expire_stale_registrations.delay().get()

    assert (first, second) == (1, 0)
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, fresh.status) == ("expired", "email_sent")
    assert stale.password_hash == ""
    assert actions(action="registrationrequest.expire") == ["registrationrequest.expire"]
    assert RegistrationRequest.objects.filter(status="email_sent").count() == 1
