"""Test settings: fast hashing, in-memory email, inline tasks unless a broker is given."""

from .base import *

DEBUG = False
# A fresh connection per request unless DJANGO_CONN_MAX_AGE says otherwise (a worker started by a
# test sets it); persistent connections are the default everywhere else (base.py).
DATABASES = {
    "default": {**DATABASES["default"], "CONN_MAX_AGE": env.int("DJANGO_CONN_MAX_AGE", default=0)}
}
# Argon2 stays first in production; tests hash with MD5 only where speed matters, never in prod.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
# A real worker started by a test (tests/notifications/test_worker.py) writes to files instead.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=None)
# The webhook tests post to Postmark's tracking and Mailgun's inbound views.
NOTIFICATIONS_WEBHOOK_ESPS = ["postmark", "mailgun"]
# The suite runs tasks inline even when CELERY_BROKER_URL is set: that variable only enables the
# tests marked ``celery_worker``, which start a real worker and switch eager mode off themselves.
CELERY_TASK_ALWAYS_EAGER = True
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "anon": "10000/min",
        "user": "10000/min",
        "login": "10000/min",
        "registration": "10000/min",
        "password_reset": "10000/min",
        "verification": "10000/min",
        "export": "10000/min",
        "ticket_create": "10000/min",
        "title_verification": "10000/min",
    },
}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
SIGES_AUDIT_SIGNING_KEY = "test-audit-signing-key"
# Test-only models and flows that exercise core.workflow (tests/workflowapp).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.workflowapp"]
# Other apps' tests log in users who never saw the first-login notice; tests of the notice
# switch it on (workflows/registration/conf.py).
SIGES_TERMS_NOTICE_REQUIRED = False

# Static files are found in place (the browser tests' live server serves them through finders).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
