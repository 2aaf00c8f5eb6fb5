"""Periodic housekeeping of password-reset requests (beat: ``password-reset-expire-stale``)."""

from celery import shared_task

from .services import password_reset_expire_stale


@shared_task(name="workflows.password_reset.tasks.expire_stale_password_resets")
def expire_stale_password_resets() -> int:
    return password_reset_expire_stale()
