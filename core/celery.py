"""The Celery application. Without CELERY_BROKER_URL tasks run inline (embedded mode); the beat
schedule comes from the apps' registrations (core/periodic.py)."""

import os
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.dev")

app = Celery("siges")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _install_beat_schedule(sender: Celery, **kwargs: object) -> None:
    """The periodic tasks apps registered from ``AppConfig.ready()`` (core/periodic.py). Beat
    finalizes the app after Django is set up, so every app has registered by then."""
    from django.apps import apps

    if apps.ready:
        from core.periodic import beat_schedule

        sender.conf.beat_schedule = beat_schedule()


@signals.task_prerun.connect(dispatch_uid="siges.close_old_connections.prerun")
@signals.task_postrun.connect(dispatch_uid="siges.close_old_connections.postrun")
def close_old_connections(sender: Any = None, **kwargs: Any) -> None:
    """Around each task in a worker, what Django does around each request: close a connection
    that is older than CONN_MAX_AGE or unusable (an error, a broken transaction) and keep the
    rest. Celery's own closing is switched off by CELERY_DB_REUSE_MAX (settings/base.py).
    Inline (eager) tasks run inside the caller's request or transaction: left alone."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections as django_close_old_connections

    django_close_old_connections()
