"""Embedded mode: SQLite file, Celery tasks inline, email to the console (what `make run` uses)."""

from .base import *

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Static files come straight from the apps and static/ (no collectstatic in the embedded mode).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
