"""The Redis cache backend production uses: Django's own, keeping one client per server.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` object (around a shared connection
pool) for every cache call, which costs about 0.1 ms here; the session, the catalogue and the
API throttles make several calls on each request. A ``redis.Redis`` client is safe to share
between threads (each command takes a connection from the pool), so one per pool is kept.
Everything else (serialisation, keys, timeouts, the pools themselves) is Django's.

``RedisCache.throttle_log`` is the rate limits' check (``core.throttling``) in one round trip.
"""

import uuid
from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            # Pools live as long as this object, so their ids are never reused meanwhile.
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._scripts: dict[int, Any] = {}

    def throttle_log(
        self, key: str, now: float, duration: int, limit: int
    ) -> tuple[bool, float | None]:
        """``core.throttling.AtomicRateThrottle``'s check in one round trip: drop the times at
        least ``duration`` old from the sorted set ``key``, then, under ``limit``, record
        ``now`` (allowed) or else report the oldest time left. Redis runs a script alone, so
        no two checks interleave. Returns ``(allowed, oldest time or None)``."""
        key = self.make_and_validate_key(f"{key}:log")
        client = self._cache.get_client(key, write=True)
        script = self._scripts.get(id(client))
        if script is None:
            script = self._scripts.setdefault(id(client), client.register_script(_THROTTLE_LOG))
        allowed, oldest = script(
            keys=[key], args=[repr(now), duration, limit, f"{now!r}:{uuid.uuid4().hex}"]
        )
        return bool(allowed), float(oldest) if oldest else None


# KEYS[1]: the log; ARGV: now, the period in seconds, the limit, a unique member for this
# request. Scores are the requests' times; the set expires a period after its last write.
_THROTTLE_LOG = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
    redis.call('EXPIRE', KEYS[1], ARGV[2])
    return {1, false}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, oldest[2] or false}
"""
