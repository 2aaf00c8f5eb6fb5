"""core/throttling.py: one implementation, one budget per scope for pages and the API."""

import os
import threading
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.settings import api_settings

from core.cache import RedisCache
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


# --- Atomic counting (core.throttling.AtomicRateThrottle) ----------------------------------------

REDIS_URL = os.environ.get("CELERY_BROKER_URL", "")


def _caches():
    """The process's own cache (DRF's check under a lock) and, where a server is given, Redis
    (one script per check)."""
    yield pytest.param("locmem", id="locmem")
    yield pytest.param(
        "redis",
        id="redis",
        marks=pytest.mark.skipif(
            not REDIS_URL.startswith("redis"), reason="needs Redis: CELERY_BROKER_URL"
        ),
    )


@pytest.fixture(params=list(_caches()))
def counted(request, monkeypatch):
    """A throttle class counting in the parametrised cache, at 5 per hour, on a clock the test
    moves (``clock[0]``)."""
    name = f"throttle-{uuid.uuid4().hex}"
    if request.param == "redis":
        store = RedisCache(REDIS_URL, {"KEY_PREFIX": name})
    else:
        store = LocMemCache(name, {})
    clock = [1_800_000_000.0]
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, SCOPE: "5/hour"}
    monkeypatch.setattr(api_settings, "DEFAULT_THROTTLE_RATES", rates)

    class Counted(LiveScopedRateThrottle):
        cache = store
        timer = staticmethod(lambda: clock[0])

    return Counted, clock


class _View:
    throttle_scope = SCOPE


def _allowed(throttle_class, address="10.1.1.1") -> bool:
    return throttle_class().allow_request(anonymous_post(address), _View())


def test_of_many_requests_at_once_exactly_the_budget_passes(counted):
    throttle_class, _clock = counted
    results: list[bool] = []
    barrier = threading.Barrier(20, timeout=10)

    def request() -> None:
        barrier.wait()
        results.append(_allowed(throttle_class))

    threads = [threading.Thread(target=request) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == [False] * 15 + [True] * 5
    # The refused ones were not recorded: the budget frees up an hour after the first five.
    assert _allowed(throttle_class) is False


def test_the_wait_is_until_the_oldest_request_leaves_the_period(counted):
    throttle_class, clock = counted
    start = clock[0]
    for minute in range(5):
        clock[0] = start + 60 * minute
        assert _allowed(throttle_class)
    clock[0] = start + 600
    refused = throttle_class()
    assert refused.allow_request(anonymous_post("10.1.1.1"), _View()) is False
    assert refused.wait() == pytest.approx(3600 - 600)
    # Refusals are not recorded: one second early is still refused, at the wait it passes.
    clock[0] = start + 3599
    assert _allowed(throttle_class) is False
    clock[0] = start + 3600
    assert _allowed(throttle_class) is True
    # Another client has its own budget all along.
    assert _allowed(throttle_class, "10.1.1.2") is True


def test_a_rate_of_zero_refuses_everything_for_a_whole_period(counted, monkeypatch):
    throttle_class, _clock = counted
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, SCOPE: "0/hour"}
    monkeypatch.setattr(api_settings, "DEFAULT_THROTTLE_RATES", rates)
    refused = throttle_class()
    assert refused.allow_request(anonymous_post("10.1.1.1"), _View()) is False
    assert refused.wait() == 3600


def test_the_apis_default_throttles_count_atomically():
    from core.throttling import AtomicRateThrottle

    classes = api_settings.DEFAULT_THROTTLE_CLASSES
    assert classes
    assert all(issubclass(cls, AtomicRateThrottle) for cls in classes)
