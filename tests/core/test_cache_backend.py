"""core.cache.RedisCache: Django's Redis backend keeping one client per server, chosen by the
settings for any redis:// cache URL."""

import os
import threading
import uuid

import pytest

from core.cache import RedisCache
from core.settings.base import cache_config

REDIS_URL = os.environ.get("CELERY_BROKER_URL", "")


def test_a_redis_url_gets_the_backend_and_other_urls_keep_theirs():
    assert cache_config("redis://127.0.0.1:6379/3")["BACKEND"] == "core.cache.RedisCache"
    assert cache_config("redis://127.0.0.1:6379/3")["LOCATION"] == "redis://127.0.0.1:6379/3"
    assert (
        cache_config("locmemcache://siges")["BACKEND"]
        == "django.core.cache.backends.locmem.LocMemCache"
    )


def test_one_client_per_pool_shared_by_every_call_and_thread():
    # Building a client does not connect, so no server is needed here.
    cache = RedisCache("redis://127.0.0.1:6379/15", {})
    first = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is first
    seen = []
    thread = threading.Thread(target=lambda: seen.append(cache._cache.get_client()))
    thread.start()
    thread.join()
    assert seen == [first]
    # Two servers: writes go to the first, reads to the other, each with its own client.
    pair = RedisCache("redis://127.0.0.1:6379/14,redis://127.0.0.1:6379/13", {})
    writer, reader = pair._cache.get_client(write=True), pair._cache.get_client()
    assert writer is not reader
    assert writer.connection_pool is not reader.connection_pool
    assert pair._cache.get_client() is reader


@pytest.mark.skipif(not REDIS_URL.startswith("redis"), reason="needs Redis: CELERY_BROKER_URL")
def test_it_stores_reads_counts_and_forgets_through_redis():
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    cache.set("entry", {"nombre": "Ana"}, 30)
    assert cache.get_many(["entry", "missing"]) == {"entry": {"nombre": "Ana"}}
    assert cache.add("counter", 1, 30) is True
    assert cache.add("counter", 5, 30) is False
    assert cache.incr("counter") == 2
    cache.delete_many(["entry", "counter"])
    assert cache.get("entry") is None
    assert cache.get("counter") is None
