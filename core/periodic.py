"""The Celery beat schedule, assembled from what apps register from ``AppConfig.ready()``.

``core.celery`` installs ``beat_schedule()`` once Django's apps are loaded; neither it nor the
settings list the tasks. Intervals an operator may tune stay settings (read by the registering
app); every periodic task must be safe to run twice.
"""

from __future__ import annotations

from typing import Any

_SCHEDULE: dict[str, dict[str, Any]] = {}


def register_periodic_task(
    name: str, *, task: str, seconds: float, expires: float | None = None
) -> None:
    """Run ``task`` (its dotted name) every ``seconds``; a run not started within ``expires``
    seconds is dropped (the next one follows soon)."""
    entry: dict[str, Any] = {"task": task, "schedule": float(seconds)}
    if expires is not None:
        entry["options"] = {"expires": float(expires)}
    _SCHEDULE[name] = entry


def beat_schedule() -> dict[str, dict[str, Any]]:
    """A copy of the registered schedule, in Celery's ``beat_schedule`` format."""
    return {name: {**entry} for name, entry in _SCHEDULE.items()}
