"""Settings shared by every mode; whatever differs between modes comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-embedded-key-change-me-" + "x" * 20)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_htmx",
    "anymail",
    "phonenumber_field",
    "viewflow",
    "viewflow.workflow",
    # Project apps, lowest layer first (see docs/architecture.md §3).
    "core",
    "core.accounts",
    "core.audit",
    "core.processes",
    "core.imports",
    "notifications",
    "modules.schools",
    "modules.students",
    "modules.academics",
    "modules.teachers",
    "modules.documents",
    "modules.finance",
    "modules.family",
    "helpdesk",
    "workflows",
    "workflows.accounts_review",
    "workflows.registration",
    "workflows.password_reset",
    "workflows.data_correction",
    "workflows.hr",
    "workflows.titles",
    "workflows.budget",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.audit.middleware.DeniedAccessMiddleware",
    "core.accounts.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Conflict raised by a page → 409 with the reason (the API maps it in core/api.py).
    "core.middleware.DomainErrorMiddleware",
    # Signed-in users who have not accepted the "aviso de conformidad" are sent to it first.
    "workflows.registration.middleware.TermsNoticeMiddleware",
]

ROOT_URLCONF = "core.urls"
WSGI_APPLICATION = "core.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.siges",
                # ``inbox_unread``: the signed-in user's unread in-app messages (lazy COUNT).
                "notifications.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (seconds), in web processes and Celery workers alike (core/celery.py):
# opening a PostgreSQL connection per request or per task halved throughput under load. The
# health check replaces a connection the server dropped before it is used. Tests use 0.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Identity --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses locked-out requests before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "core.accounts.backends.DuiBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "core.accounts.validators.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: an idle timeout and an absolute one (docs/security.md §2.2, ASVS 7.3.1, 7.3.2).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_IDLE_TIMEOUT = env.int("SIGES_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SIGES_SESSION_ABSOLUTE_SECONDS", default=10 * 60 * 60)
# The last-activity stamp is rewritten at most this often (a session write per request costs a
# database UPDATE); the idle limit is counted from the stamp, so a session may end this much
# earlier than SESSION_IDLE_TIMEOUT after the true last request, never later.
SESSION_ACTIVITY_RESOLUTION = env.int("SIGES_SESSION_ACTIVITY_RESOLUTION_SECONDS", default=60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Brute force: IP, and DUI+IP, never DUI alone (anyone could lock a citizen out).
AXES_ENABLED = env.bool("SIGES_AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("SIGES_AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("SIGES_AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address", ["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "dui"
AXES_USERNAME_CALLABLE = "core.accounts.backends.axes_username"
# Not axes' own reset: it deletes every failure from the IP, so one valid account would wipe
# the IP counter. core.accounts resets only the DUI+IP failures of the account that logged in.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "core.accounts.views.lockout_response"

# Step-up re-authentication and the staff second factor (docs/security.md §1.7, §1.8).
# How long a re-authentication counts for the actions that ask for a fresh one.
SIGES_STEP_UP_SECONDS = env.int("SIGES_STEP_UP_SECONDS", default=300)
# Holders of these roles pass the step-up only with a second factor (they sign titles).
SIGES_STEP_UP_TOTP_ROLES = env.list(
    "SIGES_STEP_UP_TOTP_ROLES", default=["director", "title_authenticator"]
)
# The name authenticator apps show next to the six digits.
OTP_TOTP_ISSUER = env("SIGES_TOTP_ISSUER", default="SIGES")
AXES_IPWARE_PROXY_COUNT = env.int("SIGES_PROXY_COUNT", default=0)
AXES_VERBOSE = False

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "es"
# Every string is wrapped for translation; Spanish is the source, English the second language
# (locale/en ships compiled; tests/core/test_translations.py keeps it complete). English is
# offered only when listed (SIGES_LANGUAGES=es,en): the ministry's users are Spanish speakers, and
# a browser left on its English default (Accept-Language: en-US) must still get Spanish pages.
_LANGUAGE_NAMES = {"es": _("Español"), "en": _("English")}
LANGUAGES = [(code, _LANGUAGE_NAMES[code]) for code in env.list("SIGES_LANGUAGES", default=["es"])]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates shown and typed the Salvadoran way (dd/mm/aaaa): core/formats/es/formats.py.
FORMAT_MODULE_PATH = ["core.formats"]
TIME_ZONE = "America/El_Salvador"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    # Every app's static/ except viewflow's, which SIGES never serves (see core/staticfiles.py).
    "core.staticfiles.ServedAppDirectoriesFinder",
]
SIGES_STATIC_EXCLUDED_APPS = ["viewflow"]
MEDIA_ROOT = env.path("SIGES_MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Titles: the institution's signing certificate (modules/documents/pki.py) ----------------
# A PKCS#12 file (certificate, key and chain) and its passphrase. Left empty in development and
# tests, a self-signed test CA and signing certificate are generated on first use under
# var/titles-pki/ (never in production: prod.py turns that off).
SIGES_TITLES_SIGNING_PKCS12 = env("SIGES_TITLES_SIGNING_PKCS12", default="")
SIGES_TITLES_SIGNING_PASSPHRASE = env("SIGES_TITLES_SIGNING_PASSPHRASE", default="")
SIGES_TITLES_ALLOW_TEST_CERTIFICATE = env.bool("SIGES_TITLES_ALLOW_TEST_CERTIFICATE", default=True)
SIGES_TITLES_TEST_PKI_DIR = env.path(
    "SIGES_TITLES_TEST_PKI_DIR", default=BASE_DIR / "var" / "titles-pki"
)

# --- Security headers -------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "core.api_schema.AutoSchema",
    # DRF's parsers, with JSON limited in depth (a deeply nested body is a 400, not a 500).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonThrottle",
        "core.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("SIGES_THROTTLE_ANON", default="120/min"),
        "user": env("SIGES_THROTTLE_USER", default="600/min"),
        "login": env("SIGES_THROTTLE_LOGIN", default="20/min"),
        "registration": env("SIGES_THROTTLE_REGISTRATION", default="10/hour"),
        "password_reset": env("SIGES_THROTTLE_PASSWORD_RESET", default="10/hour"),
        "verification": env("SIGES_THROTTLE_VERIFICATION", default="30/hour"),
        # CSV exports (DRF views with throttle_scope = "export").
        "export": env("SIGES_THROTTLE_EXPORT", default="30/hour"),
        "ticket_create": env("SIGES_THROTTLE_TICKET_CREATE", default="30/hour"),
        # Public title verification (page, API and PDF download share it; modules/documents).
        "title_verification": env("SIGES_THROTTLE_TITLE_VERIFICATION", default="60/min"),
    },
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Deepest nesting of lists and objects accepted in a JSON body (core.parsers.JSONParser).
SIGES_API_JSON_MAX_DEPTH = env.int("SIGES_API_JSON_MAX_DEPTH", default=32)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("SIGES_API_TOKEN_HOURS", default=12)),
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": 10,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SIGES API",
    "DESCRIPTION": "API del Sistema de Información para la Gestión Educativa.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several apps have a "status" field; name the help desk's enum so they do not collide.
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "helpdesk.choices.TicketStatus",
        "EnrollmentStatusEnum": "modules.students.choices.EnrollmentStatus",
        "AttendanceStatusEnum": "modules.academics.choices.AttendanceStatus",
        "ScaleKindEnum": "modules.schools.choices.ScaleKind",
    },
}

# --- Cache ------------------------------------------------------------------------------------


def cache_config(url: str) -> dict:
    """``env.cache``'s settings for ``url``, with Django's Redis backend swapped for
    ``core.cache.RedisCache`` (the same backend, keeping one client per server)."""
    config = env.cache_url_config(url)
    if config["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        config["BACKEND"] = "core.cache.RedisCache"
    return config


CACHES = {"default": cache_config(env("CACHE_URL", default="locmemcache://siges"))}

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
# Without a broker (embedded mode) tasks run inline, in the request that queued them.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The beat schedule is assembled from what apps register (core/periodic.py); these are the
# intervals an operator may tune, in seconds.
SIGES_OUTBOX_RELAY_SECONDS = env.float("SIGES_OUTBOX_RELAY_SECONDS", default=30.0)
SIGES_AUDIT_CHECKPOINT_SECONDS = env.float("SIGES_AUDIT_CHECKPOINT_SECONDS", default=3600.0)
SIGES_HELPDESK_SLA_SWEEP_SECONDS = env.float("SIGES_HELPDESK_SLA_SWEEP_SECONDS", default=300.0)
SIGES_PROCESS_DUE_SWEEP_SECONDS = env.float("SIGES_PROCESS_DUE_SWEEP_SECONDS", default=300.0)
# Celery's Django fixup closes every database connection before and after each task unless this
# is set; it then closes them only every N tasks. SIGES sets it out of reach and closes
# connections the way Django does after a request instead (CONN_MAX_AGE, unusable connections;
# core/celery.py), so a worker keeps one connection across tasks.
CELERY_DB_REUSE_MAX = 1_000_000_000

# --- Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="SIGES <no-responder@siges.localhost>")
# Absolute base of the links in emails (notifications/conf.py); the public address in production.
NOTIFICATIONS_SITE_URL = env("SIGES_SITE_URL", default="http://127.0.0.1:8000")
# Domain whose mail the ESP posts to the inbound webhook: signed reply addresses
# (caso+<token>@domain) and queue addresses (<local part>@domain). Empty: email in is off.
SIGES_INBOUND_DOMAIN = env("SIGES_INBOUND_DOMAIN", default="")
# ESPs whose anymail webhooks are served (others answer 404); empty: the ESP of EMAIL_BACKEND.
NOTIFICATIONS_WEBHOOK_ESPS = env.list("SIGES_EMAIL_WEBHOOK_ESPS", default=[])
ANYMAIL = {
    "WEBHOOK_SECRET": env("ANYMAIL_WEBHOOK_SECRET", default=""),
    # The ESP is chosen with EMAIL_BACKEND (e.g. anymail.backends.postmark.EmailBackend); its
    # string settings (credentials, domains) come from ANYMAIL_<SETTING> variables, e.g.
    # ANYMAIL_POSTMARK_SERVER_TOKEN, ANYMAIL_MAILGUN_API_KEY, ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY.
    **{
        key.removeprefix("ANYMAIL_"): value
        for key, value in env.ENVIRON.items()
        if key.startswith("ANYMAIL_") and key != "ANYMAIL_WEBHOOK_SECRET"
    },
}

# --- Viewflow ---------------------------------------------------------------------------------
VIEWFLOW = {"AUTOREGISTER": False}

# --- Audit ------------------------------------------------------------------------------------
# Key for signing audit checkpoints; in production it is required and distinct from SECRET_KEY.
SIGES_AUDIT_SIGNING_KEY = env("SIGES_AUDIT_SIGNING_KEY", default=SECRET_KEY)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "permission_denied_without_traceback": {
            "()": "core.log_filters.PermissionDeniedWithoutTraceback"
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # A 403 is one warning line (path and status), not a traceback: core/log_filters.py.
        "django.request": {"filters": ["permission_denied_without_traceback"]},
    },
}
