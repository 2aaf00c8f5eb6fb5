"""The Celery application. Without CELERY_BROKER_URL tasks run inline (embedded mode)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.dev")

app = Celery("siges")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
