"""core/throttling.py: one implementation, one budget per scope for pages and the API."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.settings import api_settings

from core.throttling import LiveScopedRateThrottle, page_throttle_wait, throttle_page

SCOPE = "prueba_limite"


@pytest.fixture
def two_per_hour(monkeypatch):
    cache.clear()
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, SCOPE: "2/hour"}
    monkeypatch.setattr(api_settings, "DEFAULT_THROTTLE_RATES", rates)
    yield
    cache.clear()


def anonymous_post(address: str = "10.9.8.7"):
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    request.user = AnonymousUser()
    return request


def test_the_page_and_the_api_spend_one_budget(two_per_hour):
    class View:
        throttle_scope = SCOPE

    api = LiveScopedRateThrottle()

    assert page_throttle_wait(anonymous_post(), SCOPE) is None
    assert api.allow_request(anonymous_post(), View()) is True
    # Both doors spent the budget: the third request waits, through either.
    wait = page_throttle_wait(anonymous_post(), SCOPE)
    assert wait is not None
    assert 0 < wait <= 3600
    assert LiveScopedRateThrottle().allow_request(anonymous_post(), View()) is False
    # Another client has its own budget.
    assert page_throttle_wait(anonymous_post("10.9.8.8"), SCOPE) is None


def test_the_decorated_page_answers_429_with_retry_after_and_counts_only_posts(two_per_hour):
    calls = []

    @throttle_page(SCOPE)
    def view(request):
        calls.append(request.method)
        return HttpResponse("ok")

    for _ in range(2):
        assert view(anonymous_post()).status_code == 200
    get = RequestFactory().get("/", REMOTE_ADDR="10.9.8.7")
    get.user = AnonymousUser()
    assert view(get).status_code == 200

    refused = view(anonymous_post())

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert calls == ["POST", "POST", "GET"]


def test_a_scope_without_a_rate_is_a_configuration_error(two_per_hour):
    with pytest.raises(ImproperlyConfigured, match="no_existe"):
        page_throttle_wait(anonymous_post(), "no_existe")
