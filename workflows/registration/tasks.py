"""Periodic housekeeping of registration requests (beat: ``registration-expire-stale``)."""

from celery import shared_task

from .services import registration_expire_stale


@shared_task(name="workflows.registration.tasks.expire_stale_registrations")
def expire_stale_registrations() -> int:
    return registration_expire_stale()
