"""Production: every secret comes from the environment with no default, so a bad deploy fails
at boot instead of running with a guessable key."""

from django.core.exceptions import ImproperlyConfigured

from core.checks import BOOT_MESSAGES, secret_problems

from .base import *
from .base import cache_config

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
SIGES_AUDIT_SIGNING_KEY = env("SIGES_AUDIT_SIGNING_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {
    "default": {
        **env.db("DATABASE_URL"),
        "ATOMIC_REQUESTS": False,
        "CONN_MAX_AGE": env.int("DJANGO_CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
    }
}
CACHES = {"default": cache_config(env("CACHE_URL", default=env("CELERY_BROKER_URL")))}

CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = False

EMAIL_BACKEND = env("EMAIL_BACKEND", default="anymail.backends.amazon_ses.EmailBackend")
# The ESP's own settings come from ANYMAIL_<SETTING> variables (see base.py); the webhook
# secret is mandatory here: unauthenticated webhooks could forge bounces and replies.
ANYMAIL = {**ANYMAIL, "WEBHOOK_SECRET": env("ANYMAIL_WEBHOOK_SECRET")}

# Present is not enough: an empty webhook secret turns anymail's authentication off, and a short
# audit key (or SECRET_KEY reused) makes checkpoints forgeable. `check --deploy` says the same.
_secret_problems = secret_problems(
    audit_key=SIGES_AUDIT_SIGNING_KEY,
    secret_key=SECRET_KEY,
    webhook_secret=ANYMAIL["WEBHOOK_SECRET"],
)
if _secret_problems:
    raise ImproperlyConfigured(" ".join(BOOT_MESSAGES[code] for code in _secret_problems))

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

# Titles are signed with the institution's certificate only (docs/security.md, "Signed titles").
SIGES_TITLES_ALLOW_TEST_CERTIFICATE = False
