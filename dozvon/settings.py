"""One settings module; everything deployment-specific comes from the environment.

Technical capability only: playbook policy (limits, required fields, rules) lives in the
playbook files, never here (STYLE "Policy is data").
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DOZVON_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# DEV: the demo and the test suite on a developer machine (plain HTTP on loopback, a
# built-in key). pytest sets PYTEST_VERSION, so the suite needs no extra variables.
DEV = env_bool("DOZVON_DEV", DEBUG or bool(os.environ.get("PYTEST_VERSION")))
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEV:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Export SECRET_KEY (production) or DOZVON_DEV=true."
        )
    SECRET_KEY = "dozvon-insecure-development-key-not-for-production-use-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEV else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # our admin templates first, so they take the place of Django's (issue 24 item 6)
    "dozvon.core.thirdparty_apps.AdminRuConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "dozvon.core.thirdparty_apps.TasksDatabaseConfig",  # django_tasks_db, named in Russian
    "ninja",
    "dozvon.core.thirdparty_apps.AxesConfig",  # axes, named in Russian
    "dozvon.core",
    "dozvon.accounts",
    "dozvon.projects",
    "dozvon.playbooks",
    "dozvon.catalog",
    "dozvon.customers",
    "dozvon.orders",
    "dozvon.calls",
    "dozvon.queues",
    "dozvon.audit",
    "dozvon.interactions",
    "dozvon.history",  # the timeline of orders and interactions (issue 26)
    "dozvon.automation",
    "dozvon.addresses",
    "dozvon.delivery",
    "dozvon.messaging",
    "dozvon.changes",
    "dozvon.webhooks",
    "dozvon.payments",
    "dozvon.subscriptions",
    "dozvon.offers",
    "dozvon.reports",
    "dozvon.dunning",
    "dozvon.pickup",  # PICK: a plug-in (issue 26)
    "dozvon.web",
    "dozvon.commands",  # the `dozvon` command's own (demo, setup, worker, …): a surface
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "dozvon.core.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the 429 page
]

ROOT_URLCONF = "dozvon.urls"
WSGI_APPLICATION = "dozvon.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'dozvon.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout: readers never block the single writer; IMMEDIATE transactions
    # take the write lock up front so two writers queue instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get(
        "DOZVON_TEST_SQLITE", str(VAR_DIR / "test.sqlite3")
    )

# Several app servers share PostgreSQL through pgbouncer (issue 18, README "Deploying").
# In transaction pooling a server connection serves other clients between transactions,
# so nothing may outlive one: no server-side cursors (switched off here), no prepared
# statements (pgbouncer 1.18 cannot carry them: test_take_behind_pooler). Otherwise
# take next prepares its one statement (queues/services.py); Django's own queries bind on
# the client and are never prepared, so psycopg's count-based preparation stays off.
DATABASE_POOLING = os.environ.get("DATABASE_POOLING", "").strip().lower()
if DATABASE_POOLING not in {"", "session", "transaction"}:
    raise ImproperlyConfigured("DATABASE_POOLING is empty, 'session' or 'transaction'")
if DATABASE_POOLING == "transaction":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Axes watches every authenticate() (the /login/ form and the admin's alike); the
# account backend is ModelBackend that keeps API-only service accounts out of sessions.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "dozvon.accounts.backends.AccountBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("uk", "Українська"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "dozvon" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Moscow")

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEV
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEV

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Login throttle (django-axes): failures are counted per username *and* address, so
# guesses at made-up names never lock out a real user and a shared proxy address does
# not lock out every operator. No per-username lock: it would let anyone lock out any
# operator from anywhere. Lockout lasts LOGIN_COOLOFF_MINUTES after the last failure.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
if AXES_FAILURE_LIMIT < 1 or timedelta(0) >= AXES_COOLOFF_TIME:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES must be positive")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# attempts during a lockout are refused unchecked and do not extend it: the page can say when
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "dozvon.web.auth_views.locked_out"
AXES_CLIENT_IP_CALLABLE = "dozvon.web.auth_views.client_ip"
AXES_VERBOSE = False  # no banner on every command
# The client address is REMOTE_ADDR unless TRUSTED_PROXY_COUNT reverse proxies that append
# to TRUSTED_PROXY_HEADER stand in front: then the entry that many places from its right
# end (what the outermost trusted proxy saw). Without it, a sent header is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
TRUSTED_PROXY_HEADER = "HTTP_" + (
    os.environ.get("TRUSTED_PROXY_HEADER") or "X-Forwarded-For"
).upper().replace("-", "_")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Security: strict by default; DEV (demo, tests on loopback) relaxes what needs TLS.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEV)
# a load balancer's or orchestrator's probes reach the app server over plain HTTP
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEV)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEV)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEV else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEV
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEV)
# Behind a TLS-terminating proxy; `check --deploy` warns (dozvon.W001) when it is on
# without TRUSTED_PROXY_COUNT: the login throttle would then key every failure by the
# proxy's address (dozvon/core/checks.py).
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
# The language cookie travels like the session's: over TLS only in production, never read
# by scripts (the server reads it), not sent on cross-site subrequests.
LANGUAGE_COOKIE_SECURE = env_bool("LANGUAGE_COOKIE_SECURE", not DEV)
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Address suggestions (COD-12, SHOP-7): DaData in production, the offline provider that
# ships with dozvon (dozvon/addresses/data) otherwise.
ADDRESS_PROVIDER = os.environ.get("ADDRESS_PROVIDER", "offline")
DADATA_API_KEY = os.environ.get("DADATA_API_KEY", "")
DADATA_SUGGEST_URL = os.environ.get(
    "DADATA_SUGGEST_URL", "https://suggestions.dadata.ru/suggestions/api/4_1/rs"
)
if ADDRESS_PROVIDER not in {"offline", "dadata"}:
    raise ImproperlyConfigured("ADDRESS_PROVIDER must be offline or dadata")
if ADDRESS_PROVIDER == "dadata" and not DADATA_API_KEY:
    raise ImproperlyConfigured("ADDRESS_PROVIDER=dadata needs DADATA_API_KEY")

# Email: messages leave through the outbox (dozvon/messaging) over SMTP. EMAIL_URL
# names the server as dj-email-url reads it (smtp://user:password@host:25,
# submission://user:password@host:587 for STARTTLS, smtp://host:465?ssl=true); DEV sends
# to the demo's sink (`dozvon mailsink`, var/mail/). The Message-ID of every email is
# `<uuid@EMAIL_MESSAGE_ID_HOST>`, by default the domain of DEFAULT_FROM_EMAIL.
import dj_email_url  # noqa: E402 - this block's own dependency

EMAIL_URL = os.environ.get("EMAIL_URL") or (
    "smtp://127.0.0.1:8025" if DEV else "smtp://localhost:25"
)
_email = dj_email_url.parse(EMAIL_URL)
if "EMAIL_BACKEND" not in _email:
    raise ImproperlyConfigured(f"EMAIL_URL: unknown scheme in {EMAIL_URL.split(':')[0]!r}")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"] or str(VAR_DIR / "mail")
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"] or env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = (
    os.environ.get("DEFAULT_FROM_EMAIL") or _email.get("DEFAULT_FROM_EMAIL") or "dozvon@localhost"
)
if "@" not in DEFAULT_FROM_EMAIL:
    raise ImproperlyConfigured("DEFAULT_FROM_EMAIL must be an address, e.g. shop@example.com")
EMAIL_MESSAGE_ID_HOST = (
    os.environ.get("EMAIL_MESSAGE_ID_HOST")
    or DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >")
    or "localhost"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
