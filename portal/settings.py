"""One settings module for every environment; everything that differs comes from the environment.

Development needs nothing set. Production sets at least DEBUG=0, SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL and the EMAIL_* variables (see README.md, "Deploying").
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def database_from_url(url):
    """Read DATABASE_URL: postgres://user:pass@host:port/name or sqlite:///path (relative to the repo)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///db.sqlite3 is relative to the repository, sqlite:////var/db.sqlite3 absolute.
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path) or "db.sqlite3"
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path if os.path.isabs(path) else BASE_DIR / path,
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    if parts.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": int(env("DB_CONN_MAX_AGE", "60")),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": postgres_statement_options(),
        }
    raise ValueError(f"DATABASE_URL scheme {parts.scheme!r} is not supported")


def postgres_statement_options():
    """Arguments bound by the server, and statements it has planned once reused.

    With Django's default (arguments written into the SQL text by the client), PostgreSQL
    parses and plans every query afresh; most of the portal's queries are the same text on
    every request (grants.core.compiled_queries), so after a statement's fifth run on a
    connection psycopg prepares it and later runs skip the parse and the plan. Behind a
    connection pooler in transaction mode that cannot keep prepared statements, set
    DB_PREPARED_STATEMENTS=0.
    """
    if not env_bool("DB_PREPARED_STATEMENTS", True):
        return {}
    return {"server_side_binding": True, "prepare_threshold": 5}


def object_storage_from_env():
    """The uploads' storage in an S3-compatible bucket (Amazon S3, MinIO, Aliyun OSS, Tencent
    COS) named by AWS_STORAGE_BUCKET_NAME.

    The objects stay private and no link to them is ever handed out: the permission-checked
    views read them through the storage API and pass them on, as they do with local files.
    """
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env("AWS_S3_REGION_NAME") or None,
            # MinIO usually wants "path"; Aliyun OSS and Tencent COS want "virtual".
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE") or None,
            # Unset keys leave boto3 to its own chain (instance roles, ~/.aws).
            "access_key": env("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            # Names are random (grants/core/uploads.py), so a clash means a restore, which must keep
            # the name the database refers to.
            "file_overwrite": True,
            # A download is buffered while it is passed on: above 2 MB in a temporary file
            # rather than in the worker's memory (PDFs may have 20 MB).
            "max_memory_size": 2 * 1024 * 1024,
        },
    }


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY") or (
    "dev-only-insecure-key-for-local-development-never-used-in-production" if DEBUG else ""
)
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The base of every link the portal mails out (grants.core.emails.absolute_url). Production sets it
# to the public address; in development it follows the PORT that `make run` serves on and hands
# to the server and the task worker alike (the worker mails without a request to go by).
SITE_URL = env("SITE_URL", f"http://127.0.0.1:{env('PORT', '8000')}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "grants",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "grants.accounts.middleware.MfaRequiredMiddleware",
    "grants.accounts.middleware.ProfileRequiredMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "grants.accounts.context_processors.navigation",
            ],
        },
    },
]

# Plain selects written in Python, byte for byte as the templates write them (grants/core/renderers.py).
FORM_RENDERER = "grants.core.renderers.FormRenderer"

DATABASES = {"default": database_from_url(env("DATABASE_URL", "sqlite:///db.sqlite3"))}
# A read replica of the primary takes the reports' heavy reads (portal/db_router.py).
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **database_from_url(env("DATABASE_REPLICA_URL")),
        # Tests read the replica through the primary's test database: nothing to create.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "grants.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's and allauth's, loading the signed-in user with its roles in one query (grants/accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "grants.accounts.backends.ModelBackend",
    "grants.accounts.backends.AuthenticationBackend",
]

# Accounts: e-mail is the login, and nobody gets in before proving they own it.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[YRD Joint Fund] "
# allauth's mails greet and sign with the fund's name, not the host they were asked from.
ACCOUNT_ADAPTER = "grants.core.emails.FundAccountAdapter"
# allauth's default rate limits apply: 5 failed logins per account in 5 minutes, and more.
LOGIN_REDIRECT_URL = "dashboard"
LOGIN_URL = "account_login"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
# Re-authentication (before committing funding, publishing assignments, changing the second
# factor) asks for the password or a code from the second factor; never for a code sent by
# e-mail, the channel an intruder holding the session is likeliest to reach as well.
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")

# Two-factor sign-in: an authenticator app (TOTP) with recovery codes, or a security key.
# grants.accounts.middleware.MfaRequiredMiddleware makes it compulsory for the fund's staff roles.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "YRD Joint Fund"
# Browsers treat http://127.0.0.1 as secure, the WebAuthn library does not.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# TOTP secrets and recovery seeds are encrypted in the database (grants/accounts/mfa.py), with a key
# derived from MFA_ENCRYPTION_KEY, or from SECRET_KEY when that is unset.
MFA_ADAPTER = "grants.accounts.mfa.EncryptingMFAAdapter"
MFA_ENCRYPTION_KEY = env("MFA_ENCRYPTION_KEY")
# The base32 secret seed_demo gives the demo's staff accounts (see README.md, "Security").
DEMO_TOTP_SECRET = env("DEMO_TOTP_SECRET", "JBSWY3DPEHPK3PXP")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates read as each language writes them (27 November 2026; 2026年11月27日); see portal/formats.
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
# Uploaded files live outside the static tree and are only served through permission checks.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# With several app servers the uploads must live where all of them reach: S3-compatible object
# storage when a bucket is named (see object_storage_from_env).
if env("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = object_storage_from_env()

# E-mail: printed to the console in development, SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "YRD Joint Fund <noreply@yrd-fund.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# Background work: Django's task API with the database backend, so no broker is needed.
TASKS = {"default": {"BACKEND": env("TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Behind a load balancer every app server must see the same cache: allauth counts failed
# logins and other rate limits in it, and a per-process cache would give each server its own
# quota. Redis when REDIS_URL is set; this process's memory otherwise (one server, development).
if env("REDIS_URL"):
    CACHES = {
        "default": {
            # Falls back to this process's memory while Redis is down (portal/cache.py).
            "BACKEND": "portal.cache.FallbackRedisCache",
            "LOCATION": env("REDIS_URL"),
            # A Redis that has gone away must not hold a page up for long.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

# Sessions are read from the database on every request, never from a cache: a cache that is
# each process's own memory (no REDIS_URL, or Redis down) would keep a signed-out session alive
# on other workers, or bring it back. Signing out deletes the row, on every server at once. An
# unchanged session's row is rewritten once a minute at most, a changed one at once; the idle
# limit may end a session up to a minute early, never late (portal/sessions.py).
SESSION_ENGINE = "portal.sessions"
# Sessions end after two idle hours: the clock restarts on every request.
SESSION_COOKIE_AGE = int(env("SESSION_IDLE_SECONDS", str(2 * 60 * 60)))
SESSION_SAVE_EVERY_REQUEST = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Scripts and styles only from our own static files: no inline code, no eval, no CDN. The QR
# code for setting up an authenticator app is a data: image; htmx talks to the portal only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# The JSON API (docs/api.md). Requests are throttled per token in the default cache, which is
# shared by every app server when REDIS_URL is set.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "grants.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["grants.api.authentication.TokenScopePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["grants.api.authentication.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": env("API_THROTTLE_RATE", "600/min")},
    "DEFAULT_PAGINATION_CLASS": "grants.api.pagination.ApiCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "grants.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "grants.api.errors.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "YRD Joint Fund API",
    "DESCRIPTION": "The grant portal's JSON API: see docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the portal's own static files (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

PORTAL_NAME = _("Yangtze River Delta Joint Fund for Basic Research")
DEMO_PASSWORD = env("DEMO_PASSWORD", "yrd-demo-2026")
