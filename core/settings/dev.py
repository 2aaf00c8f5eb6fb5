"""Embedded mode: SQLite file, Celery tasks inline, email to the console (what `make run` uses)."""

from .base import *

DEBUG = env.bool("DJANGO_DEBUG", default=True)
