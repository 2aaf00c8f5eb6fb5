"""Gunicorn settings for SIGES: ``gunicorn -c core/gunicorn_conf.py`` (see README, "Running in
production"). Every value can be overridden with ``GUNICORN_<NAME>`` environment variables.

``preload_app``: the master imports Django and the project once, and each worker is a fork of it.
A worker starts in milliseconds instead of the seconds an import takes, which matters on a
graceful reload (``kill -HUP <master>``): gunicorn starts new workers and stops the old ones at
once, and without preloading every request waited 3-5 s for the new workers to import the
project. With it, HUP (re-read this file and the environment, replace the workers) stalls
nothing. It also means HUP does not load new code: deploy a new release with USR2 (a new master
starts from the new code next to the old one), then WINCH and QUIT to the old master; or restart
the service behind the load balancer one machine at a time.
"""

import os

from gunicorn.arbiter import Arbiter
from gunicorn.workers.base import Worker


def _env(name: str, default: str) -> str:
    return os.environ.get(f"GUNICORN_{name}", default)


wsgi_app = "core.wsgi:application"
bind = _env("BIND", "0.0.0.0:8000")
workers = int(_env("WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
# Sync workers: each handles one request at a time and keeps one persistent database connection
# (CONN_MAX_AGE), so the connection count is predictable: web machines times workers.
worker_class = "sync"
preload_app = True
# A request taking longer than this is killed (reports and exports stream, so they are not held
# back by it); on a reload or stop, in-flight requests get graceful_timeout to finish.
timeout = int(_env("TIMEOUT", "60"))
graceful_timeout = int(_env("GRACEFUL_TIMEOUT", "30"))
keepalive = int(_env("KEEPALIVE", "5"))
# Recycle workers now and then (cheap with preloading) so a slow leak never grows unbounded.
max_requests = int(_env("MAX_REQUESTS", "2000"))
max_requests_jitter = int(_env("MAX_REQUESTS_JITTER", "200"))
# One line per request on stdout; GUNICORN_ACCESSLOG= (empty) turns it off.
accesslog = _env("ACCESSLOG", "-") or None
errorlog = "-"
# Controlled by signals (HUP, TERM, USR2…), not by gunicorn's control socket, whose default path
# in the home directory would be shared by every instance on the machine.
control_socket_disable = True
# The reverse proxy's address, trusted for X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = _env("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server: Arbiter) -> None:
    """Finish loading in the master what Django otherwise loads on a worker's first request:
    the URL configuration (which imports every view and API module) and the translations. Forked
    workers inherit it, so the first request after a reload is as fast as any other."""
    if not server.cfg.preload_app:  # the project is not loaded in the master
        return
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports every URL module
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("SIGES")


def post_fork(server: Arbiter, worker: Worker) -> None:
    """A worker never shares a connection its master may have opened while loading the app:
    each opens its own on first use."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
