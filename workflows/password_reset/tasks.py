"""Password-reset tasks: the request handed over by the pages and the API, and the periodic
housekeeping (beat: ``password-reset-expire-stale``)."""

from celery import shared_task
from django.db import OperationalError

from core.audit.services import DetachedRequest

from .services import password_reset_expire_stale, password_reset_request


@shared_task(
    name="workflows.password_reset.tasks.password_reset_request",
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def password_reset_request_task(identifier: str, client_ip: str | None = None) -> None:
    """Look ``identifier`` up and, for each matching account, send a link (or open a case).

    Run twice (a redelivered message), the second run supersedes the first link: one usable link
    remains, as after two requests."""
    password_reset_request(identifier=identifier, request=DetachedRequest(client_ip))


@shared_task(name="workflows.password_reset.tasks.expire_stale_password_resets")
def expire_stale_password_resets() -> int:
    return password_reset_expire_stale()
