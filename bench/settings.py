"""Settings for ``python -m bench``: production-like request handling on the bench database.

DEBUG is off (Django would otherwise keep every query in memory), throttles are raised (the
benchmark opens many tickets in a minute as one person; see below) and Celery tasks are
*queued* to an in-memory broker instead of run inline: in production the outbox relay runs in a
worker, so its time does not belong to the request's server time.
"""

from core.settings.base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Throttles stay on (each API call still reads and writes its history in the cache) with rates
# no run reaches, counted over one second: DRF keeps a list of the timestamps of the window, so
# a minute window would hold the ~6,000 calls a minute of the benchmark's one user, ten times
# what the production rate lets any user have (600 a minute), and time its pickling instead.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(
        REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],  # noqa: F405
        "1000000/s",
    ),
}
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": "WARNING"}}  # noqa: F405
