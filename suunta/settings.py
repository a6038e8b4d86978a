"""Suunta settings: one file, every deployment-specific value from the environment.

Variables: DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS,
EMAIL_URL-style settings come with the reminder work. See docs/deployment.md.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SUUNTA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
RUNNING_TESTS = "pytest" in sys.modules or sys.argv[1:2] == ["test"]

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or RUNNING_TESTS):
        raise ImproperlyConfigured("Set SECRET_KEY in the environment (or DEBUG=1 for development).")
    # Only for development and the test suite; never reaches a server with DEBUG off.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # Single sign-on (OpenID Connect, one provider per organization, kept in the database)
    # and two-factor authentication (TOTP, recovery codes): django-allauth. Its account
    # app is required by the other two; Suunta's own login view stays (suunta/accounts).
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "suunta.accounts",
    "suunta.lib",
    "suunta.organizations",
    "suunta.agreements",
    "suunta.governance",
    "suunta.followup",
    "suunta.measures",
    "suunta.evidence",
    "suunta.discussions",
    "suunta.documents",
    "suunta.imports",
    "suunta.strategy",
    "suunta.site",
    "suunta.mail",
    "suunta.reminders",
    "suunta.demo",
    "suunta.audit",
    "suunta.sso",
    "suunta.security",
    "suunta.infomgmt",
    "suunta.api",
]

MIDDLEWARE = [
    # Outermost (with its pair near the end): request counts and latency per view for
    # /metrics (django-prometheus).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # The request id (X-Request-ID): in every log line and audit event of the request.
    "suunta.site.logs.RequestIdMiddleware",
    # The number of database queries of each request, per view (/metrics).
    "suunta.site.metrics.QueryCountMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from the application itself (WhiteNoise), before anything that
    # would read a session for them.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Outside everything that may answer (axes, CSRF, the login redirect): no response
    # with personal or restricted content is stored by a cache (docs/deployment.md).
    "suunta.site.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the signed-in user kept in memory while the accounts table is
    # unchanged (suunta/security/signin_cache.py).
    "suunta.security.signin_cache.AuthenticationMiddleware",
    # django-allauth's request context (its sign-in flows need it).
    "allauth.account.middleware.AccountMiddleware",
    # After authentication: the user's preferred language is one of the inputs.
    "suunta.site.middleware.LanguageMiddleware",
    # Lets audit events written in services carry the request's user and IP address.
    "suunta.audit.context.AuditContextMiddleware",
    # Audits refusals (403s) raised by views; see suunta/policies.py.
    "suunta.site.middleware.RefusalAuditMiddleware",
    # Every page needs a login unless its view says otherwise (login, language switch).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Sessions' last-seen times; a session that must set up two-factor authentication
    # opens nothing else (suunta/security).
    "suunta.security.middleware.SessionSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside CSP: a single sign-on session's logout form may lead to the provider.
    "suunta.sso.middleware.SsoLogoutFormActionMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes asks: it turns lockouts into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "suunta.urls"
WSGI_APPLICATION = "suunta.wsgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite is the embedded default: WAL so readers never block the writer, and IMMEDIATE
# transactions so two writers queue up instead of failing half-way with "database is
# locked" when a read transaction upgrades to a write.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'suunta.sqlite3'}")
# Connections are kept for a minute and checked before reuse: after the database restarts,
# the first request opens a new one instead of failing on the broken one.
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Authentication -------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses to even try a password while the username+IP is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after repeated failures of one username from one address, for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Against password spraying (many usernames from one address): after this many failed
# logins from one address within the cool-off, whatever the usernames, the address is
# refused, except for usernames that logged in from it in the last
# LOGIN_KNOWN_ADDRESS_DAYS days (a municipality behind one NAT address keeps working).
# 0 turns it off. See suunta/accounts/lockout.py and docs/access.md.
AXES_HANDLER = "suunta.accounts.lockout.AddressLimitHandler"
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", 30))
LOGIN_KNOWN_ADDRESS_DAYS = int(os.environ.get("LOGIN_KNOWN_ADDRESS_DAYS", 90))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Single sign-on (suunta/sso, docs/access.md): each organization's OpenID Connect
# provider comes from its OrganizationLogin row through this adapter; nobody signs up or
# is connected by e-mail address, no token is stored, PKCE always.
SOCIALACCOUNT_ADAPTER = "suunta.sso.adapter.SuuntaSocialAccountAdapter"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}
# Two-factor authentication (suunta/security, docs/access.md): required at a password
# sign-in of operators and organization admins. The test suite turns the role rule off
# by default (force_login and the demo's admins sign in without a code); its own tests
# of the rule turn it on.
TWO_FACTOR_FOR_ADMINS = env_bool("SUUNTA_TWO_FACTOR_FOR_ADMINS", not RUNNING_TESTS)
MFA_TOTP_ISSUER = "Suunta"
# A code is accepted during its own 30 seconds and the periods on either side (a phone's
# clock a little off, a code typed as it changed); each is accepted once all the same.
MFA_TOTP_TOLERANCE = 1

# --- Languages and time ---------------------------------------------------------------
# Message ids are English; Finnish is the default, Swedish and English complete.
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Finland-Swedish writes dates d.m.yyyy; Django's own sv formats use ISO dates.
FORMAT_MODULE_PATH = ["suunta.formats"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise serves them from the application. With DEBUG off: what `collectstatic` put
# in STATIC_ROOT, under hashed names, compressed (gzip), cached for a year as immutable.
# In development and in the test suite: the files as they are, found where they lie
# (no collectstatic, no manifest).
STATIC_FROM_SOURCE = DEBUG or RUNNING_TESTS
WHITENOISE_USE_FINDERS = STATIC_FROM_SOURCE
WHITENOISE_AUTOREFRESH = STATIC_FROM_SOURCE
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if STATIC_FROM_SOURCE
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Evidence files ----------------------------------------------------------------------
# Uploaded evidence lives outside the web root and is served only by an authorized,
# audited view (suunta/evidence/views.py).
EVIDENCE_ROOT = Path(os.environ.get("EVIDENCE_ROOT", VAR_DIR / "evidence"))
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))
# Read and written only through storages["evidence"] (suunta/evidence/uploads.py): the
# file system under EVIDENCE_ROOT, or an S3-compatible object store (django-storages,
# `pip install -r requirements-s3.lock`), shared by every app server either way.
if os.environ.get("SUUNTA_EVIDENCE_STORAGE", "filesystem") == "s3":
    STORAGES["evidence"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("SUUNTA_EVIDENCE_S3_BUCKET", ""),
            "endpoint_url": os.environ.get("SUUNTA_EVIDENCE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("SUUNTA_EVIDENCE_S3_REGION") or None,
            "location": os.environ.get("SUUNTA_EVIDENCE_S3_PREFIX", "evidence"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    STORAGES["evidence"] = {"BACKEND": "suunta.evidence.storage.EvidenceFileStorage"}

# --- Importing goals from documents (suunta/imports) ---------------------------------------
# The upload is read in memory and never stored. The import preview posts its rows back
# (up to eight fields each, 600 rows at most): more than Django's default of 1000 fields.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# --- Security headers -----------------------------------------------------------------
# No inline scripts or styles anywhere, also in development, so a violation shows up in
# the browser tests rather than in production.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Powerful browser features Suunta never uses, denied to the pages and anything they
# might embed (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The database session store, with a session kept in memory while the sessions table is
# unchanged (suunta/security/signin_cache.py).
SESSION_ENGINE = "suunta.security.signin_cache"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day, then log in again
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
if not DEBUG and not RUNNING_TESTS:
    # SECURE_COOKIES=0 and SECURE_SSL_REDIRECT=0 only for trying the production stack
    # over plain HTTP on one's own machine (`make serve`); never on a server.
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The load balancer's health checks and the metrics scraper may use plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- E-mail ---------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Suunta <suunta@localhost>")
# Without an SMTP server in development, messages are printed on the console.
if not EMAIL_HOST and DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = EMAIL_HOST or "localhost"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
# Mail leaves through a task (suunta/mail): a failed delivery is tried again after these
# many seconds, then marked failed with its reason for an admin to see and resend.
MAIL_RETRY_DELAYS = [int(s) for s in env_list("SUUNTA_MAIL_RETRY_DELAYS", "60,300,1800")]
# How long an invitation's link works after the mail left.
INVITATION_VALID_DAYS = int(os.environ.get("SUUNTA_INVITATION_VALID_DAYS", 14))
# The service's address, for links made outside a request (manage.py create_organization).
SITE_URL = os.environ.get("SUUNTA_SITE_URL", "http://127.0.0.1:8000")
# Reminders (docs/reminders.md): cron runs `manage.py send_reminders`; or, with an hour
# (0-23, Helsinki time) here, every tasks worker runs the day's reminders itself once
# after that hour (off when empty; the unique key keeps them single either way).
REMINDER_HOUR = int(os.environ["SUUNTA_REMINDER_HOUR"]) if os.environ.get("SUUNTA_REMINDER_HOUR") else None

# --- Background tasks -----------------------------------------------------------------
# Django's tasks framework (the django-tasks backport) with the database backend: no
# other server. `manage.py run_worker` runs them (the backend's db_worker with a heartbeat
# and crash recovery, suunta/site/worker.py); `make run` starts one beside the server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Each worker writes its heartbeat this often; a worker not heard of for WORKER_DEAD_SECONDS
# is dead (kill -9, a lost machine) and the tasks it had claimed go back to the queue. The
# second must be well above the first: a worker that is only slow must not be taken for dead.
WORKER_BEAT_SECONDS = float(os.environ.get("SUUNTA_WORKER_BEAT_SECONDS", 10))
WORKER_DEAD_SECONDS = float(os.environ.get("SUUNTA_WORKER_DEAD_SECONDS", 60))
# /readyz reports the worker "degraded" (without failing) when no worker has been heard of,
# or a task has waited for one, this long.
WORKER_STALE_SECONDS = int(os.environ.get("SUUNTA_WORKER_STALE_SECONDS", 300))

# --- Several app servers on one database -------------------------------------------------
# Sessions are in the database (SESSION_ENGINE above); so is the cache, for anything
# that uses one (the two-factor codes already used): every app server sees the same. Its
# table is made by a migration (suunta/site/migrations). Locks are the database's own.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "suunta_cache"},
    # Rendered pages (suunta/lib/pagecache.py), in each process's memory: an entry's key
    # holds the data generations read from the database on every request, so a process
    # never serves a page another server's write has made stale. About 20-50 kB a page:
    # 1 000 pages are some 20-50 MB a process.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "suunta-pages",
        "TIMEOUT": 60 * 60 * 8,
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("SUUNTA_PAGE_CACHE_ENTRIES", "1000"))},
    },
    # Signed-in sessions and users (suunta/security/signin_cache.py), in each process's
    # memory, used only while the data generations read on every request still hold:
    # some 500 bytes a session and 1 kB a user, so 30 000 entries are some 20 MB.
    "signins": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "suunta-signins",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 30_000},
    },
    # Showings of restricted texts the use log has, by a hash of session and texts
    # (suunta/discussions/uselog.py): some 200 bytes an entry, gone after the window.
    "uselog": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "suunta-uselog",
        "OPTIONS": {"MAX_ENTRIES": 30_000},
    },
}
# Serve the pages people open most from the page cache while nothing they show changed
# (SUUNTA_PAGE_CACHE=0 turns it off, for a comparison or a fault hunt).
PAGE_CACHE = env_bool("SUUNTA_PAGE_CACHE", True)
# The same restricted texts shown again to the same sign-in session within this many
# seconds of a logged showing are one use, one entry in the use log (0: every showing).
USE_LOG_REPEAT_SECONDS = int(os.environ.get("SUUNTA_USE_LOG_REPEAT_SECONDS", 5 * 60))

# --- Health and metrics (suunta/site/health.py, docs/deployment.md) ----------------------
# /metrics answers only these client addresses (REMOTE_ADDR; networks allowed, e.g.
# 10.0.0.0/8) or a request with `Authorization: Bearer <SUUNTA_METRICS_TOKEN>`; 404 to others.
METRICS_ALLOWED_IPS = env_list("SUUNTA_METRICS_ALLOWED_IPS")
METRICS_TOKEN = os.environ.get("SUUNTA_METRICS_TOKEN", "")

# --- Accessibility statement (laki digitaalisten palvelujen tarjoamisesta 306/2019) ------
# What each installation must state for itself: who provides the service, where users
# send accessibility feedback (answered within 14 days, § 15), and the supervisory
# authority. Since 1.1.2025 supervision belongs to Traficom (HE 71/2024); an operator
# checks these contacts against saavutettavuusvaatimukset.fi when deploying.
ACCESSIBILITY_PROVIDER = os.environ.get("SUUNTA_ACCESSIBILITY_PROVIDER", "")
ACCESSIBILITY_FEEDBACK_EMAIL = os.environ.get("SUUNTA_ACCESSIBILITY_FEEDBACK_EMAIL", "")
ACCESSIBILITY_FEEDBACK_URL = os.environ.get("SUUNTA_ACCESSIBILITY_FEEDBACK_URL", "")
ACCESSIBILITY_STATEMENT_DATE = os.environ.get("SUUNTA_ACCESSIBILITY_STATEMENT_DATE", "2026-11-28")
ACCESSIBILITY_REVIEWED_DATE = os.environ.get("SUUNTA_ACCESSIBILITY_REVIEWED_DATE", "2026-11-28")
ACCESSIBILITY_SUPERVISOR_EMAIL = os.environ.get(
    "SUUNTA_ACCESSIBILITY_SUPERVISOR_EMAIL", "saavutettavuus@traficom.fi"
)
ACCESSIBILITY_SUPERVISOR_PHONE = os.environ.get("SUUNTA_ACCESSIBILITY_SUPERVISOR_PHONE", "029 534 5000")
ACCESSIBILITY_SUPERVISOR_URL = os.environ.get(
    "SUUNTA_ACCESSIBILITY_SUPERVISOR_URL", "https://www.saavutettavuusvaatimukset.fi/"
)

# bench/pages.py only: /bench/floor/, an empty page behind the whole middleware stack (the
# floor the middleware sets for every page). Off unless SUUNTA_BENCH_FLOOR_PAGE is set.
BENCH_FLOOR_PAGE = env_bool("SUUNTA_BENCH_FLOOR_PAGE", False)

# One JSON object per line with DEBUG off (time, level, logger, message, request_id);
# plain text in development. SUUNTA_LOG_FORMAT=json|text overrides.
LOG_FORMAT = os.environ.get("SUUNTA_LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "suunta.site.logs.JsonFormatter"},
        "text": {"format": "%(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every login at INFO; lockouts (WARNING) are what an operator needs.
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- The REST API (suunta/api, docs/api.md) -------------------------------------------------
# Requests per token and minute; more are answered 429 with Retry-After.
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("SUUNTA_API_RATE_LIMIT_PER_MINUTE", 120))
# Days a token lives when its creator gives no expiry.
API_TOKEN_DEFAULT_DAYS = int(os.environ.get("SUUNTA_API_TOKEN_DEFAULT_DAYS", 365))
# Items in one page of a list (the client may ask for fewer with ?limit=).
API_PAGE_SIZE = 50
