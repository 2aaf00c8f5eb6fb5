"""The production web server: gunicorn preloads the application, so a graceful reload (HUP)
replaces the workers without holding requests back."""

import importlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

CONFIG = Path(settings.BASE_DIR) / "core" / "gunicorn_conf.py"
# Loading the project takes seconds in a fresh process; a forked, preloaded worker does not.
MAX_REQUEST_SECONDS_DURING_RELOAD = 1.0


def test_the_config_preloads_the_project_and_reads_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9000")
    config = importlib.reload(importlib.import_module("core.gunicorn_conf"))

    assert config.preload_app is True
    assert config.wsgi_app == "core.wsgi:application"
    assert (config.workers, config.bind) == (3, "127.0.0.1:9000")
    assert config.graceful_timeout < config.timeout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(child) for child in path.read_text().split()} if path.exists() else set()


def _workers(pid: int, *, replacing: frozenset[int] = frozenset()) -> set[int]:
    """The master's two workers, none of them in ``replacing``; waits a bounded moment for
    workers still booting, or old ones finishing their last request."""
    deadline = time.monotonic() + 15
    workers = _children(pid)
    while time.monotonic() < deadline and (len(workers) != 2 or workers & replacing):
        time.sleep(0.2)
        workers = _children(pid)
    return workers


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_a_graceful_reload_does_not_stall_requests(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "core.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESSLOG": "",
    }
    log_path = tmp_path / "gunicorn.log"
    command = [str(Path(sys.executable).with_name("gunicorn")), "-c", str(CONFIG)]
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - fixed command, no shell
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}/salud/"

    def get() -> float:
        started = time.monotonic()
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
        return time.monotonic() - started

    try:
        # Given a running server with two workers
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                get()
                break
            except OSError:
                assert server.poll() is None, log_path.read_text(errors="replace")[-3000:]
                time.sleep(0.2)
        workers_before = frozenset(_workers(server.pid))
        assert len(workers_before) == 2

        # When it is reloaded (HUP) while a client keeps sending requests
        durations: list[float] = []
        errors: list[BaseException] = []
        stop = threading.Event()

        def client() -> None:
            while not stop.is_set():
                try:
                    durations.append(get())
                except BaseException as exc:  # any failure is the finding
                    errors.append(exc)

        thread = threading.Thread(target=client)
        thread.start()
        time.sleep(0.5)
        os.kill(server.pid, signal.SIGHUP)
        time.sleep(3)
        stop.set()
        thread.join(timeout=15)

        # Then no request failed or waited, and the workers were replaced
        log_text = log_path.read_text(errors="replace")
        assert errors == [], log_text[-3000:]
        assert len(durations) > 20
        assert max(durations) < MAX_REQUEST_SECONDS_DURING_RELOAD, sorted(durations)[-5:]
        workers_after = _workers(server.pid, replacing=workers_before)
        assert len(workers_after) == 2, log_text[-3000:]
        assert workers_after.isdisjoint(workers_before)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
