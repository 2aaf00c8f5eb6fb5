"""The Celery application. Without CELERY_BROKER_URL tasks run inline (embedded mode); the beat
schedule comes from the apps' registrations (core/periodic.py)."""

import os

from celery import Celery

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
