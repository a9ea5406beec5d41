"""casetracker settings: one module, every deploy-time value from the environment.

With nothing set, the app runs on SQLite with Celery in eager mode (the embedded
default). Production values are safe by default: DEBUG is off and SECRET_KEY has
no default, so a forgotten variable stops the app instead of weakening it.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# `make run` writes a local .env (DEBUG on, a generated dev-only key); nothing
# else does, and a production deploy sets real environment variables instead.
if (BASE_DIR / ".env").exists() and environ.Env.bool(env, "DJANGO_READ_DOT_ENV", default=True):
    env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set it in the environment (`make run` writes a "
        "development-only key to .env for you)."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="") or "http://127.0.0.1:8000"
# Links in emails point at SITE_URL: `check --deploy` warns while it is the default.
SITE_URL_CONFIGURED = bool(env.str("SITE_URL", default=""))
# The author of the "How to cite" block on case pages: the organisation publishing the site.
PUBLISHER_NAME = env.str("PUBLISHER_NAME", default="casetracker")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "django_countries",  # country names for the staff forms' country choices
    "simple_history",
    "casetracker",  # operations commands: backup, restore
    "accounts",
    "people",
    "cases",
    "public",  # the public site and its read model
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # JSON errors and RateLimit headers under /api/ (public/api/middleware.py)
    "public.api.middleware.ApiMannersMiddleware",
]

ROOT_URLCONF = "casetracker.urls"
WSGI_APPLICATION = "casetracker.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Name search's misspelling tolerance (people/search.py): `%>` matches above this.
    # No JIT: the public counts (public/stats.py) are short grouped queries whose
    # cost estimates pass the JIT threshold at 100,000 cases; compiling them took
    # ~400 ms of a ~500 ms query (EXPLAIN ANALYZE), running them ~100 ms. The same
    # holds for the stale-health job's bulk statements (cases/health.py): about a
    # second of compiling for a few hundred milliseconds of work.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c pg_trgm.word_similarity_threshold=0.5 -c jit=off"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

# --- Cache ----------------------------------------------------------------
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {
        "default": {
            # django-redis, except that sign-in state survives a Redis outage.
            "BACKEND": "casetracker.security.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            # A cache outage must not take the public site down: misses fall back.
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
else:
    # Shared by every process (runserver, Celery, management commands): a case
    # unpublished by a command leaves the public pages at once, never after a
    # per-process cache expires. Sign-in state falls back here too.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env.str("CACHE_DIR", default=str(BASE_DIR / "var" / "cache")),
        }
    }

# --- Celery ---------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# No broker configured: run tasks in-process (the embedded default).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"

# --- Health monitoring ----------------------------------------------------
# How long a detained person may go without a health observation.
STALE_HEALTH_DAYS = env.int("STALE_HEALTH_DAYS", default=14)
STALE_HEALTH_HUNGER_STRIKE_DAYS = env.int("STALE_HEALTH_HUNGER_STRIKE_DAYS", default=3)
# Staleness beyond health (cases/staleness.py): a detained person's case with no
# visit for this many days (Case.visit_interval_days overrides it per case), and
# an ongoing hunger strike with no observation for this many hours.
STALE_VISIT_DAYS = env.int("STALE_VISIT_DAYS", default=30)
STALE_STRIKE_OBSERVATION_HOURS = env.int("STALE_STRIKE_OBSERVATION_HOURS", default=24)

# --- Auth -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("kk", _("Kazakh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True  # stored in UTC whatever TIME_ZONE says

# --- Static files and evidence -------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG or not env.bool("STATIC_MANIFEST", default=not DEBUG)
EVIDENCE_ROOT = env.path("EVIDENCE_ROOT", default=BASE_DIR / "var" / "evidence")
STORAGES = {
    # Evidence and photos live outside the web root and are only ever served
    # through permission-checked views; there is deliberately no MEDIA_URL route.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": EVIDENCE_ROOT},
    },
    "staticfiles": {
        # Hashed, compressed files in production (needs `collectstatic`); plain in dev and tests.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
MEDIA_ROOT = EVIDENCE_ROOT  # the same place: nothing is served from it directly

# --- Security -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True  # every form (and the outbox script) reads the token from the page
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="casetracker@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}


# =========================================================================
# Sections below are owned by one area each; keep additions inside them.
# =========================================================================

# --- Public site ----------------------------------------------------------
# Rows per page of /cases/ (its exports are not paginated: they stream every row).
PUBLIC_CASES_PER_PAGE = env.int("PUBLIC_CASES_PER_PAGE", default=25)


# --- Monitors' workspace and editorial workflow --------------------------
# Longest text any one field of a record takes (checked by Record.clean_fields, so
# forms, the admin and the importer all give a field error). The request body limit
# sits well above it, so that an overlong field comes back as that error with the
# rest of the form, not as the generic 400 page (Django's default is 2.5 MB; a
# Cyrillic character is six bytes once form-encoded).
TEXT_MAX_CHARS = env.int("TEXT_MAX_CHARS", default=100_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=16 * 1024 * 1024)
# Backups (casetracker/backups.py) are encrypted with this key: 32 random bytes,
# URL-safe base64. Without it `backup` and `restore` refuse to run. Keep it apart
# from the server and the backups (SECURITY.md).
BACKUP_ENCRYPTION_KEY = env.str("BACKUP_ENCRYPTION_KEY", default="")
# Evidence uploads: size limit and the types accepted (decided by content sniffing,
# cases/evidence.py). Files are stored in EVIDENCE_ROOT (STORAGES["default"]).
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=25 * 1024 * 1024)
EVIDENCE_ALLOWED_TYPES = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heic",
    "image/avif",
    "application/pdf",
    "audio/mpeg",
    "audio/ogg",
    "audio/wav",
    "audio/mp4",
    "video/mp4",
    "video/quicktime",
)


# --- Stale health job -----------------------------------------------------
# Intervals (STALE_HEALTH_DAYS, STALE_HEALTH_HUNGER_STRIKE_DAYS) are above; the
# rule is documented in cases/health.py. The job runs every 15 minutes (beat
# schedule in casetracker/celery.py); the daily digest at this hour (CELERY_TIMEZONE).
STALE_HEALTH_DIGEST_HOUR = env.int("STALE_HEALTH_DIGEST_HOUR", default=7)
# Each run recomputes the due moments of people whose records changed; all of
# them at least this often (catches writes nothing stamped, e.g. raw SQL).
STALE_HEALTH_FULL_SWEEP_HOURS = env.int("STALE_HEALTH_FULL_SWEEP_HOURS", default=24)
# Flags on people no monitor is assigned to are emailed here (comma-separated),
# so an unassigned prisoner is never silently overdue.
STALE_HEALTH_UNASSIGNED_EMAILS = env.list("STALE_HEALTH_UNASSIGNED_EMAILS", default=[])


# --- Security -------------------------------------------------------------
# Threat model, promises and deployment notes: SECURITY.md. Every value below
# that a deployment may need to tune comes from the environment.
INSTALLED_APPS += [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "axes",
    "csp",
    "casetracker.security",
]
_after_messages = MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1
MIDDLEWARE[_after_messages:_after_messages] = [
    "allauth.account.middleware.AccountMiddleware",
    # Order matters: an expired staff session is ended before MFA enrolment is
    # enforced, and the audit/header middleware sees every response.
    "casetracker.security.middleware.SecurityEventMiddleware",
    "casetracker.security.middleware.StaffSessionTimeoutMiddleware",
    "casetracker.security.middleware.StaffMFAMiddleware",
    "casetracker.security.middleware.SensitiveResponseHeadersMiddleware",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # axes wants to be last

AUTHENTICATION_BACKENDS = [
    # Refuses locked-out username+IP pairs before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# One trusted-proxy setting for everything that needs the client's address
# (lockout, rate limits, security log, session list). 0 = trust no proxy:
# X-Forwarded-For is ignored and REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# Accounts: usernames, no self-service signup (administrators create accounts).
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False  # a reset must never skip the second factor
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # other sessions die via the session auth hash
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_RATE_LIMITS = {
    # Per-username throttling is axes' job, keyed on username AND address, so a
    # stranger cannot lock a monitor out from many addresses. allauth keeps a
    # per-address ceiling only.
    "login_failed": "10/m/ip",
}

# Two-factor authentication: TOTP with recovery codes; secrets encrypted at rest.
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="casetracker")
# No tolerance: allauth remembers a used code for one period only, so a wider
# window would let a used code be replayed within it.
MFA_TOTP_TOLERANCE = 0
MFA_ALLOW_UNVERIFIED_EMAIL = True  # accounts are vetted by administrators, not by email
MFA_FORMS = {
    "authenticate": "accounts.forms.LimitedAuthenticateForm",
    "reauthenticate": "accounts.forms.LimitedReauthenticateForm",
}
MFA_FAILURE_LIMIT = env.int("MFA_FAILURE_LIMIT", default=5)  # wrong codes per account...
MFA_FAILURE_WINDOW = env.int("MFA_FAILURE_WINDOW_SECONDS", default=300)  # ...per window
# Fernet keys (comma-separated, newest first) for TOTP secrets and recovery
# seeds. Empty: a key derived from SECRET_KEY (flagged by `check --deploy`).
MFA_ENCRYPTION_KEYS = env.list("MFA_ENCRYPTION_KEYS", default=[])
# Secrets from which the outbox's P-256 sealing keys are derived, newest first
# (casetracker/security/sealing.py); derived from SECRET_KEY when empty.
OUTBOX_SEALING_KEYS = env.list("OUTBOX_SEALING_KEYS", default=[])
# Staff (monitor, editor, administrator, is_staff) must enrol before they reach
# staff areas. Off only for local development and the general test suite.
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=not DEBUG)
MFA_ENFORCED_PATHS = ("/admin/", "/monitor/", "/imports/", "/api/")

# Brute force: lock a username+address pair after N failures.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "casetracker.security.net.login_username"
AXES_CLIENT_IP_CALLABLE = "casetracker.security.net.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful logins go to the security log instead
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_VERBOSE = False
# Per account, from any address: after this many wrong passwords within the axes
# cool-off, each further attempt waits 2, 4, 8 ... seconds (at most the maximum),
# except from a browser its owner signed in with before (known-device cookie).
LOGIN_THROTTLE_FAILURES = env.int("LOGIN_THROTTLE_FAILURES", default=10)
LOGIN_THROTTLE_MAX_DELAY_SECONDS = env.int("LOGIN_THROTTLE_MAX_DELAY_SECONDS", default=300)
KNOWN_DEVICE_MAX_AGE = env.int("KNOWN_DEVICE_MAX_AGE_DAYS", default=180) * 24 * 3600

# Sessions: every session ends after SESSION_COOKIE_AGE; staff sessions also end
# after STAFF_SESSION_IDLE_SECONDS without a request and STAFF_SESSION_MAX_SECONDS
# after login, whatever the activity.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
STAFF_SESSION_MAX_SECONDS = env.int("STAFF_SESSION_MAX_SECONDS", default=10 * 3600)
SESSION_COOKIE_SAMESITE = "Lax"
# The language cookie says which language a monitor reads: over HTTPS only, like the session.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
# "__Host-" binds the cookie to this exact host over HTTPS (no subdomain can set it).
SESSION_COOKIE_NAME = "sessionid" if DEBUG else "__Host-sessionid"

# Headers. The admin runs without inline scripts or styles, so one policy fits all.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        # The monitors' service worker (/monitor/sw.js) and web app manifest.
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "upgrade-insecure-requests": not DEBUG,
    },
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "casetracker.security.views.csrf_failure"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Responses under these prefixes (and every response to a signed-in user) are
# never stored by browsers or proxies.
NO_STORE_PATHS = ("/admin/", "/monitor/", "/imports/", "/accounts/")

# Error reports (emails, Sentry-like hooks) never carry POST values or secrets.
DEFAULT_EXCEPTION_REPORTER_FILTER = "casetracker.security.errors.ScrubbingExceptionReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "casetracker.security.errors.ScrubbingExceptionReporter"

# Security log: JSON lines on stderr, or appended to SECURITY_LOG_FILE.
SECURITY_LOG_FILE = env.str("SECURITY_LOG_FILE", default="")
LOGGING["formatters"]["security_json"] = {"()": "casetracker.security.log.JSONLinesFormatter"}
LOGGING["handlers"]["security"] = (
    {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": SECURITY_LOG_FILE,
        "formatter": "security_json",
    }
    if SECURITY_LOG_FILE
    else {"class": "logging.StreamHandler", "formatter": "security_json"}
)
LOGGING.setdefault("loggers", {})["casetracker.security"] = {
    "handlers": ["security"],
    "level": "INFO",
    "propagate": False,
}
# axes narrates every attempt at INFO; lockouts are in the security log already.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}


# --- API and import -------------------------------------------------------
# The read-only API is public data only; an API token buys a higher rate, never
# more data. Rates come from the environment so an operator can tune them.
INSTALLED_APPS += [
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "public.api.pagination.StablePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "public.api.throttles.PublicRateThrottle",
        "public.api.throttles.TokenRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "api_public": env.str("API_PUBLIC_RATE", default="60/minute"),
        "api_token": env.str("API_TOKEN_RATE", default="1200/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "public.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "casetracker API",
    "DESCRIPTION": (
        "Read-only data on published cases of political prisoners. Every response holds "
        "public records of published cases only. Anonymous use is rate-limited; researchers "
        "can create a token for a higher limit (send `Authorization: Token <key>`)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "public.api.schema.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.models.legal.Case.Status",
        "LegalStatusEnum": "people.models.LegalStatus",
    },
}
# Uploaded CSV files wait here (in the private file storage) between the preview
# and the editor's confirmation.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# Longest cell the importer reads (a case summary is the longest column).
IMPORT_MAX_CELL_CHARS = env.int("IMPORT_MAX_CELL_CHARS", default=TEXT_MAX_CHARS)


# --- Production stack -----------------------------------------------------
# Public pages cache their content (never a CSRF token or anything per-user) for
# at most this long, keyed by the public content version (casetracker/cache.py):
# every write to a record bumps the version, so the timeout only bounds writes
# that bypass the ORM (raw SQL). 0 turns the page cache off.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=300)
# After a change, a worker rebuilds the most visited public pages this many
# seconds later (one run per burst of writes; public/warm.py).
PUBLIC_CACHE_WARM_DELAY = env.int("PUBLIC_CACHE_WARM_DELAY", default=5)
# A worker or beat started before Redis (or cut off by a Redis restart) keeps
# retrying instead of exiting; the stale-health job catches up on its next run.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # retry forever
CELERY_BROKER_CONNECTION_TIMEOUT = 5
# A task running when the broker went away is cancelled (acks_late: it is
# redelivered) instead of finishing against a connection that no longer exists.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 5,
    "socket_connect_timeout": 5,
    "retry_on_timeout": True,
    "health_check_interval": 10,  # a dead connection is found and replaced
}
CELERY_REDIS_BACKEND_HEALTH_CHECK_INTERVAL = 10
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 5
CELERY_RESULT_BACKEND_ALWAYS_RETRY = True
CELERY_RESULT_BACKEND_MAX_RETRIES = 10
