"""Fixtures of the notification tests."""

import os
from contextlib import contextmanager

import pytest

from core.celery import app as celery_app
from notifications.services import notify
from tests.factories import PersonFactory


@pytest.fixture
def person(db):
    return PersonFactory(email="ana.lopez@example.sv", first_names="Ana", last_names="López")


def notify_generic(
    recipient, *, titulo="Su trámite avanzó", mensaje="Revise el detalle.", **kwargs
):
    return notify(
        recipient=recipient,
        template="generico",
        context={"titulo": titulo, "mensaje": mensaje},
        **kwargs,
    )


@contextmanager
def celery_settings(**overrides):
    """Temporarily change the Celery app's configuration (the broker connection pools are
    dropped before and after, so a changed broker URL is really used)."""
    conf = celery_app.conf
    saved = {key: conf[key] for key in overrides}

    def reset_pools():
        # Drop the app's references only: kombu keeps its pools per broker URL, and closing one
        # here would leave a closed pool behind for the next user of that URL.
        celery_app._pool = None
        amqp = celery_app.__dict__.get("amqp")
        if amqp is not None:
            amqp._producer_pool = None

    # Celery reads the broker URL from the environment variable first, whatever conf says.
    saved_env = os.environ.get("CELERY_BROKER_URL")
    reset_pools()
    conf.update(overrides)
    if "broker_url" in overrides:
        os.environ["CELERY_BROKER_URL"] = overrides["broker_url"]
    try:
        yield conf
    finally:
        conf.update(saved)
        if "broker_url" in overrides:
            if saved_env is None:
                os.environ.pop("CELERY_BROKER_URL", None)
            else:
                os.environ["CELERY_BROKER_URL"] = saved_env
        reset_pools()
