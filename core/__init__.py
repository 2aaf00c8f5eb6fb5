"""SIGES project wiring and the shared kernel (accounts, audit, the transition entry point)."""

from .celery import app as celery_app

__all__ = ["celery_app"]
