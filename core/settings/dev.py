"""Embedded mode: SQLite file, Celery tasks inline, email to the console (what `make run` uses)."""

from .base import *  # noqa: F403

DEBUG = env.bool("DJANGO_DEBUG", default=True)
