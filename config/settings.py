"""Settings of the compliance case tracker, read from environment variables (see .env.example)."""

import datetime
import hashlib
import hmac
from pathlib import Path

import environ
import orjson
import pghistory
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import pgettext_lazy
from django_guid.integrations import CeleryIntegration

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    TIME_ZONE=(str, "Asia/Tokyo"),
    REDIS_URL=(str, "redis://127.0.0.1:6379/0"),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
# With DEBUG on, Django's technical 404 and 500 pages (every URL pattern, the traceback) instead of the site's own:
# for a developer; `make run`'s demo shows what a deployment shows (compliance.middleware.ErrorPagesMiddleware).
DEBUG_TECHNICAL_ERROR_PAGES = env.bool("DEBUG_TECHNICAL_ERROR_PAGES", default=False)
# No default: a deployment must give its own secret. `make run` and the tests pass a throwaway one.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY: see .env.example.")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")

# Unset, the local server's `compliance` database (`make run` and `make test` set their own).
DATABASES = {"default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/compliance")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A connection kept between requests is checked before use, so that a restarted server costs no request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# DATABASE_POOLER=transaction: DATABASE_URL names a pooler in transaction mode (PgBouncer), which may hand each
# transaction to another server session, so no cursor may outlive its transaction (README, "Several servers").
DATABASE_POOLER = env.str("DATABASE_POOLER", default="")
if DATABASE_POOLER not in ("", "session", "transaction"):
    raise ImproperlyConfigured(f"DATABASE_POOLER={DATABASE_POOLER}: give transaction, session, or nothing")
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_POOLER == "transaction"
REDIS_URL = env("REDIS_URL")

INSTALLED_APPS = [
    "compliance.admin_apps.ComplianceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_guid",
    "csp",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "compliance",
    "config.apps.ConfigConfig",
    "cases",
    "remediation",
]

MIDDLEWARE = [
    # First: every log line of the request, and every task it starts, carries its request id.
    "django_guid.middleware.guid_middleware",
    "compliance.middleware.RequestLogMiddleware",
    "compliance.middleware.OneDayMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body (CSRF reads a form's): a body larger than any the product takes answers 413.
    "compliance.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Around everything that may refuse a signed-in person: it logs the attempts that leave no entry of their own.
    "compliance.middleware.AccessAttemptMiddleware",
    # Gathers the private records a request reads and writes them as one access-log entry when it ends.
    "compliance.middleware.AccessReadsMiddleware",
    "compliance.middleware.SignInRequiredMiddleware",
    "compliance.middleware.SecondFactorMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # With DEBUG on (`make run`), the site's 404 and 500 pages rather than Django's technical ones.
    "compliance.middleware.ErrorPagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            "builtins": ["compliance.templatetags.display"],
        },
    },
]

AUTH_USER_MODEL = "compliance.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2id at OWASP's recommended cost (compliance/hashers.py): Django's default takes a second on a busy small machine.
PASSWORD_HASHERS = [
    "compliance.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Single sign-on with an organisation's OpenID Connect provider (compliance/sso.py): off unless configured.
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=False)
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_SIGN_ALGORITHM", default="RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"
LOGIN_REDIRECT_URL_FAILURE = "accounts:login"
# The provider's multi-factor sign-in counts as the second factor only for these `amr` or `acr` values.
OIDC_TRUSTED_AMR = env.list("OIDC_TRUSTED_AMR", default=[])
OIDC_TRUSTED_ACR = env.list("OIDC_TRUSTED_ACR", default=[])
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "compliance.sso.PeopleOfTheRegulatorBackend"]
LOGIN_URL = "accounts:login"
# A password reset link works once (it is bound to the current password) and for an hour.
PASSWORD_RESET_TIMEOUT = 60 * 60
LOGIN_REDIRECT_URL = "remediation:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Served over HTTPS only, unless running locally with DEBUG: secure cookies, plain HTTP redirected, HSTS.
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE_COOKIES)
# The orchestrator probes these over plain HTTP inside its own network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 60 * 60 if SECURE_COOKIES else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=SECURE_COOKIES)
# Behind a proxy that terminates TLS (docker compose): trust its X-Forwarded-Proto, and only then.
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy: everything from this site, nothing inline, no frames, no plugins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Lockout after repeated failures (compliance/lockout.py): counted per account *and* address, so that nobody can
# lock a person out of their own desk from elsewhere; a minute at first, doubling with each further failure up
# to a day; a known device waits a minute at most; a verified second factor or an administrator ends it.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_VERBOSE = False
AXES_COOLOFF_TIME = "compliance.lockout.lockout_delay"
# Each lock keeps the expiry it was given, so that one request's delay never clears another's longer lock.
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a reverse proxy, the number of proxies in front of the application (for the client's address).
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# A second factor (TOTP) is required of regulator staff; `make run`'s demo may switch it off.
OTP_REQUIRED_FOR_REGULATOR = env.bool("OTP_REQUIRED_FOR_REGULATOR", default=True)
OTP_TOTP_ISSUER = "Compliance case tracker"

# API tokens: stored hashed, expiring, revocable.
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=env.int("API_TOKEN_DAYS", default=90)),
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": 20,
}
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Japanese first, English second; store UTC, show Asia/Tokyo.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env("TIME_ZONE")
# Django's `ja` formats accept no `2025/04/01` or `2025年4月1日` input; ours do.
FORMAT_MODULE_PATH = ["compliance.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str("STATICFILES_STORAGE", default="whitenoise.storage.CompressedManifestStaticFilesStorage")
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Mail: the backend and its settings from the environment (console by default, which only prints).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="compliance-tracker@localhost")
# The address people use to reach the site, for links in mail.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Evidence files: outside the web root, served only through a view that checks scope and logs the read.
EVIDENCE_ROOT = env.path("EVIDENCE_ROOT", default=BASE_DIR / "var" / "evidence")
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_MB", default=20) * 1024 * 1024
EVIDENCE_MAX_FILES = 10
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# pg_dump and pg_restore for `backup` and `restore` from this folder; unset, as config/backup/client.py chooses.
PG_BIN_DIR = env.str("PG_BIN_DIR", default="")

# The access log's checkpoints (compliance/checkpoints.py): the chain's head, signed with this key and appended to
# this file every night, and mailed to the regulator's administrators. Key and file live outside the database, so
# that whoever can rewrite the database cannot rewrite them. Production must set the key (`check --deploy` refuses
# to pass without one); with DEBUG on, unset, it is derived from SECRET_KEY.
ACCESS_LOG_CHECKPOINT_KEY = env.str("ACCESS_LOG_CHECKPOINT_KEY", default="")
if not ACCESS_LOG_CHECKPOINT_KEY and DEBUG:
    ACCESS_LOG_CHECKPOINT_KEY = hmac.new(SECRET_KEY.encode(), b"access-log-checkpoint", hashlib.sha256).hexdigest()
ACCESS_LOG_CHECKPOINT_FILE = env.path(
    "ACCESS_LOG_CHECKPOINT_FILE", default=BASE_DIR / "var" / "access-log-checkpoints.jsonl"
)
# Seconds between two runs of the access log's sequencer, which chains the entries requests write unchained.
ACCESS_LOG_CHAIN_EVERY = env.float("ACCESS_LOG_CHAIN_EVERY", default=5.0)
# Months of the access log kept in the database; older months are archived (ACCESS_LOG_ARCHIVE_DIR) then dropped.
# 0, the default, keeps every month forever.
ACCESS_LOG_RETENTION_MONTHS = env.int("ACCESS_LOG_RETENTION_MONTHS", default=0)
ACCESS_LOG_ARCHIVE_DIR = env.path("ACCESS_LOG_ARCHIVE_DIR", default=BASE_DIR / "var" / "access-log-archives")

# The empty choice of a list page's filter menu, in words (django-filter's own is "---------").
FILTERS_EMPTY_CHOICE_LABEL = pgettext_lazy("filter choice", "All")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "compliance.api.schema_clients.ClientSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "compliance.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "compliance.api.filtering.ApiFilterBackend",
        "compliance.api.filtering.ApiOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "compliance.api.pagination.KeysetPagination",
    # Bodies are JSON, which can say null, a list of one and a number apart from text: one object, nested at most 32
    # levels (compliance/api/parsers.py). Multipart only where a file is uploaded (evidence, a case file), as those
    # views say.
    "DEFAULT_PARSER_CLASSES": ["compliance.api.parsers.JSONObjectParser"],
    # JSON written by orjson: a page of the access log (580 kB) in 1.5 ms rather than 10. Keys that are not text are
    # written as text, as Python's json module does.
    "DEFAULT_RENDERER_CLASSES": [
        "drf_orjson_renderer.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "ORJSON_RENDERER_OPTIONS": [orjson.OPT_NON_STR_KEYS],
    "EXCEPTION_HANDLER": "compliance.api.errors.problem_details_handler",
    "DEFAULT_THROTTLE_CLASSES": ["compliance.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_RATE_PER_TOKEN", default="1200/hour")},
}
# The throttle counts in this cache: shared by every process when it is Redis (`CACHE_URL=redis://…`).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# How long the dashboard's figures may be served from the cache at most; they are recomputed as soon as the data
# they come from changes (remediation/dashboard_cache.py). 0 turns the cache off.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=600)
SPECTACULAR_SETTINGS = {
    "TITLE": "Compliance case tracker API",
    "DESCRIPTION": (
        "Cases, findings, measures, implementations and incidents under supervision.\n\n"
        "Each record shows a person the fields they may see: every field to regulator staff and to the company "
        "the record belongs to; to another company's officer, the published ones only (an implementation's status "
        "and current dates once the regulator publishes the case's status). A field hidden from you is `null`, "
        "and so is what is computed from it; a filter on it matches only the rows in which you see it, and an "
        "ordering sorts it as empty.\n\n"
        "A record with a code is addressed by its code, one path segment per code, so that the URL reads as its "
        "key: `/cases/{code}/` (likewise companies, company groups, laws, law articles, instruments, authorities and "
        "safeguard types), `/findings/{case}/{code}/` and `/regulatory-actions/{case}/{code}/` (codes unique within "
        "a case), `/measures/{case}/{finding}/{code}/` (unique within a finding). A record without a code "
        "(implementations, incidents, incident pairs, progress updates, reviews, evidence, deadline changes, "
        "reminders) is addressed by its id. Bodies name related records the same way, by their codes (a measure's "
        "finding: `case` and `finding`), never by id; answers link them and show the codes that address them "
        "(`case`, `finding_code`, `measure_code`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its documentation page need a signed-in person (or a token) unless the operator publishes
    # them (API_DOCS_PUBLIC); `make run`'s demo, with DEBUG on, does.
    "SERVE_PERMISSIONS": (
        ["rest_framework.permissions.AllowAny"]
        if env.bool("API_DOCS_PUBLIC", default=DEBUG)
        else ["rest_framework.permissions.IsAuthenticated"]
    ),
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ItemStatusEnum": "compliance.choices.ItemStatus",
        "CaseStatusEnum": "cases.choices.CaseStatus",
        # Two `kind` fields, each in a read and a write component: their names as before the writes.
        "CompanyKindEnum": "compliance.choices.CompanyKind",
        "MeasureKindEnum": "remediation.choices.MeasureKind",
        "AuthorityKindEnum": "cases.choices.AuthorityKind",
        "WebhookEventEnum": "compliance.models.webhooks.WebhookEvent",
    },
    # The errors every operation may answer (problem details), and If-Match on conditional writes.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "compliance.api.schema.add_error_responses",
        "compliance.api.schema_clients.made_for_generators",
    ],
    # Docstrings of our own base classes explain the code: a serializer without its own has no description.
    "GET_LIB_DOC_EXCLUDES": "compliance.api.schema_clients.internal_doc_excludes",
}

# Celery: Redis as broker, Asia/Tokyo time, one beat schedule kept in code. Task outcomes live in our
# own tables, so no result backend.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
# A task lost with its worker comes back after this long; longer than any task of ours runs.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # How often a worker looks for such lost tasks: every interval × throttle seconds.
    "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_RESTORE_THROTTLE", default=10),
    # Publishing gives up at once when Redis is down: the web must not hang on it.
    "max_retries": 1,
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    # No Redis (the demo of `make run`): messages are files in one folder that web and worker share.
    CELERY_QUEUE_FOLDER = Path(env.str("CELERY_QUEUE_FOLDER", default=str(BASE_DIR / "var" / "celery")))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_FOLDER),
        "data_folder_out": str(CELERY_QUEUE_FOLDER),
        # The worker's control messages too, or kombu writes them to ./control in the working directory.
        "control_folder": str(CELERY_QUEUE_FOLDER / "control"),
        "store_processed": False,
    }
else:
    # One beat at a time, however many are started: the schedule's state and a lock live in Redis (celery-redbeat).
    # A second beat waits for the lock, scheduling nothing, and takes over within the lock's timeout once the first
    # is gone. Beat wakes at least every CELERY_BEAT_MAX_LOOP_INTERVAL seconds and renews the lock each time.
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    CELERY_REDBEAT_REDIS_URL = CELERY_BROKER_URL
    CELERY_REDBEAT_REDIS_OPTIONS = {}
    CELERY_BEAT_MAX_LOOP_INTERVAL = env.int("CELERY_BEAT_MAX_LOOP_INTERVAL", default=60)
    CELERY_REDBEAT_LOCK_TIMEOUT = env.int("CELERY_BEAT_LOCK_TIMEOUT", default=5 * CELERY_BEAT_MAX_LOOP_INTERVAL)
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_IGNORE_RESULT = True
# Run tasks in the calling process: for the demo of `make run`, which has no broker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The daily reminder sweep; nobody's digest may be set earlier, since it would have nothing in it yet.
REMINDER_SWEEP_AT = datetime.time(9, 0)
CELERY_BEAT_SCHEDULE = {
    # Reminders for everything still open, every morning.
    "sweep-reminders": {
        "task": "remediation.tasks.sweep_reminders",
        "schedule": crontab(hour=REMINDER_SWEEP_AT.hour, minute=REMINDER_SWEEP_AT.minute),
    },
    # Each person's digest at the time they chose, within the regulator's limits.
    "dispatch-digests": {
        "task": "remediation.tasks.dispatch_digests",
        "schedule": crontab(minute="*/15"),
    },
    # The counts by status, company and safeguard type, for the dashboard's trends.
    "take-daily-counts": {
        "task": "remediation.tasks.take_daily_counts",
        "schedule": crontab(hour=0, minute=30),
    },
    # Webhook deliveries whose attempt is due and whose task was lost (a worker killed, the broker down): sent again.
    "sweep-webhooks": {
        "task": "compliance.tasks.sweep_webhooks",
        "schedule": crontab(minute="*"),
    },
    # The access-log analysis of the day before, every night.
    "analyse-access-log": {
        "task": "compliance.tasks.analyse_access_log",
        "schedule": crontab(hour=1, minute=0),
    },
    # A signed checkpoint of the access log's chain, appended to its file and mailed to the regulator's administrators.
    "checkpoint-access-log": {
        "task": "compliance.tasks.checkpoint_access_log",
        "schedule": crontab(hour=0, minute=10),
    },
    # The access log's entries, written unchained by the requests, chained in order (compliance/access_chain.py).
    "chain-access-log": {
        "task": "compliance.tasks.chain_access_log",
        "schedule": ACCESS_LOG_CHAIN_EVERY,
    },
    # The access log's monthly partitions, made ahead: this month and the next two.
    "make-access-log-partitions": {
        "task": "compliance.tasks.make_access_log_partitions",
        "schedule": crontab(hour=0, minute=5),
    },
    # The day before verified, from the checkpoint before it to the end of the log.
    "verify-access-log": {
        "task": "compliance.tasks.verify_access_log",
        "schedule": crontab(hour=0, minute=40),
    },
    # Months of the access log older than ACCESS_LOG_RETENTION_MONTHS archived, then dropped (none when unset).
    "prune-access-log": {
        "task": "config.tasks.prune_access_log",
        "schedule": crontab(hour=2, minute=0),
    },
}

# Webhooks (compliance/webhooks.py). Their signing secrets are stored encrypted with this Fernet key (44 characters of
# URL-safe base64: `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`);
# unset, a key derived from SECRET_KEY (then changing SECRET_KEY makes every subscription need a new secret).
WEBHOOK_SECRET_KEY = env.str("WEBHOOK_SECRET_KEY", default="")
# Plain http:// addresses on this machine (127.0.0.1, ::1, localhost) for trying a receiver out; never in production.
WEBHOOK_ALLOW_HTTP_LOOPBACK = env.bool("WEBHOOK_ALLOW_HTTP_LOOPBACK", default=DEBUG)
# Seconds a receiver has to answer; an attempt running longer than the lease counts as lost and is made again.
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10)
WEBHOOK_LEASE = env.int("WEBHOOK_LEASE", default=60)
# Attempts per delivery, the first retry after WEBHOOK_BACKOFF seconds, doubling each time up to WEBHOOK_BACKOFF_MAX.
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_BACKOFF = env.int("WEBHOOK_BACKOFF", default=30)
WEBHOOK_BACKOFF_MAX = env.int("WEBHOOK_BACKOFF_MAX", default=6 * 3600)
# The sweep sends again what has been due for this long (seconds) without its task having run.
WEBHOOK_SWEEP_GRACE = env.int("WEBHOOK_SWEEP_GRACE", default=60)
# A subscription is paused, and its owner told, once this many deliveries in a row have failed every attempt, or
# once a delivery fails for good after the address has been failing for this many hours.
WEBHOOK_PAUSE_AFTER_FAILURES = env.int("WEBHOOK_PAUSE_AFTER_FAILURES", default=5)
WEBHOOK_PAUSE_AFTER_HOURS = env.int("WEBHOOK_PAUSE_AFTER_HOURS", default=24)
WEBHOOK_MAX_PER_PERSON = env.int("WEBHOOK_MAX_PER_PERSON", default=20)

# The change history records every insert, update and delete of a tracked model (pghistory records no deletes by
# default: a regulatory action, finding or measure removed would leave no trace).
PGHISTORY_DEFAULT_TRACKERS = (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())

# The request id: taken from the proxy's X-Request-ID when it is a valid one, made otherwise, returned in the
# response, and passed to every Celery task the request starts (and on to the tasks those start).
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "IGNORE_URLS": ["healthz", "readyz"],
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True, log_parent=True)],
}

# Logs on standard error: one JSON object a line with LOG_FORMAT=json (production), plain text otherwise.
# Every line carries the request id (`request_id`), in the web and in the worker alike.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT is json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "django_guid.log_filters.CorrelationId", "correlation_id_field": "request_id"},
        "task": {"()": "django_guid.integrations.celery.log_filters.CeleryTracing"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id", "task"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes narrates every sign-in at INFO, which our access log records already; django-guid narrates
    # each request id it makes, which our request line carries already.
    "loggers": {"axes": {"level": "WARNING"}, "django_guid": {"level": "WARNING"}},
}
