"""Settings for the Compassion case manager.

Everything that differs between machines comes from the environment (django-environ),
optionally from a ``.env`` file next to ``manage.py``. Without any environment the app
runs on an embedded default that needs no server: SQLite, Celery's filesystem transport
and e-mails written as files, all under ``var/``.

``DJANGO_ENV=production`` switches to production behaviour: DEBUG off, secure cookies,
HSTS, hashed static files, and a refusal to start without the settings production needs.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from compassion.logging import LOG_FORMATS, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}.")
PRODUCTION = DJANGO_ENV == "production"

# Where the embedded default keeps its database, broker messages, e-mails and beat schedule.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

# Settings production cannot do without: a missing one stops start-up with a clear message.
REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL")
if PRODUCTION:
    missing = [name for name in REQUIRED_IN_PRODUCTION if not env.str(name, default="")]
    if missing:
        raise ImproperlyConfigured(
            f"DJANGO_ENV=production needs these environment variables set: {', '.join(missing)}."
        )

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-local-development-key-never-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    # Audit: the history of cases, their steps, personal links and staff access (cases/history.py).
    "simple_history",
    # Participants' phone numbers, stored and checked as real numbers (E.164).
    "phonenumber_field",
    "compassion",  # project-wide template tags (timestamps)
    "cases",
    "reconciliation",
    "notifications",
    "casework",
    "questionnaires",
    "portal",
    "referrals",
    "reporting",
    "privacy",
    "demo",
    # Staff sign-in: lock-out after wrong passwords (axes), two-factor with an app (django-otp).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    # The REST API (/api/v1/), its OpenAPI documentation (Swagger UI served from here) and webhooks.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    # First, so that every log line of the request carries its id (X-Request-ID).
    "compassion.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # A session cookie that cannot be a session key is dropped before the session store sees it.
    "compassion.middleware.SessionCookieShapeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): this session passed two-factor.
    "django_otp.middleware.OTPMiddleware",
    # Every page needs a login unless its view is marked @login_not_required: the list
    # of public pages is explicit and short.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Then a code from the authenticator app, for staff who have one or must (accounts/).
    "accounts.middleware.TwoFactorMiddleware",
    # Lets the audit history record who made a change: the staff user, or the participant of
    # the personal link (cases/history.py).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A form is handled once however often it is sent: a double click makes one case (compassion/once.py).
    "compassion.once.SendOnceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Pages and downloads hold personal data: no browser or proxy keeps a copy.
    "compassion.middleware.NoStoreMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the "too many tries" page.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Static files are served by the app itself, compressed and with hashed names; in
    # development runserver serves them straight from static/.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "compassion.urls"
WSGI_APPLICATION = "compassion.wsgi.application"

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
                "cases.context_processors.staff_roles",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'compassion.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # libpq waits forever for a host that does not answer; /healthz and start-up must not.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 10)
    # Both measured with `make bench`. PostgreSQL's JIT compiles a big query (the CSV export of
    # every case) for 100-200 ms before running it: for an app of short queries it costs far more
    # than it saves. And the planner searches every order of a query's joins: the case page's
    # case with its one-to-one rows (nine tables) took 5-7 ms to plan and 0.5 ms to run. The
    # ORM writes joins from the row asked for outwards along its foreign keys, the order an
    # OLTP lookup wants, so the planner keeps that order (it still picks how to join and which
    # side comes first in each join): about 1 ms to plan.
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", "-c jit=off -c join_collapse_limit=1 -c from_collapse_limit=1"
    )

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default (make run): web, worker and beat write one file, and two people may
    # use the app at once. WAL lets readers go on while one connection writes; a writer waits
    # up to 20 s for another instead of failing with "database is locked"; and IMMEDIATE takes
    # the write lock when a transaction begins, so two transactions never both hold a read lock
    # and then wait on each other to write (which SQLite answers with "locked" at once).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out username and address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["compassion.formats"]  # Spanish dates with their weekday (compassion/formats/es)
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
    # Files kept on cases (casework/attachments.py): outside the static files, never served by the
    # web server itself, only through the scoped download view. A folder under var/ by default;
    # S3-compatible object storage (django-storages) with ATTACHMENT_STORAGE=s3.
    "attachments": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env.str("ATTACHMENT_S3_BUCKET", default=""),
                "endpoint_url": env.str("ATTACHMENT_S3_ENDPOINT_URL", default="") or None,
                "region_name": env.str("ATTACHMENT_S3_REGION", default="") or None,
                "access_key": env.str("ATTACHMENT_S3_ACCESS_KEY_ID", default="") or None,
                "secret_key": env.str("ATTACHMENT_S3_SECRET_ACCESS_KEY", default="") or None,
                "location": env.str("ATTACHMENT_S3_PREFIX", default="attachments"),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
        if env.str("ATTACHMENT_STORAGE", default="local") == "s3"
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            # No base_url: the files have no address of their own.
            "OPTIONS": {"location": env.str("ATTACHMENT_DIR", default=str(VAR_DIR / "attachments"))},
        }
    ),
}
# The largest file a caseworker or a customer may add to a case, in megabytes.
ATTACHMENT_MAX_MB = env.int("ATTACHMENT_MAX_MB", default=10)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: EMAIL_URL (smtp://user:password@host:587/?tls=True, ...) or, by default,
# one file per message under var/mail/ where a person can read it.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PLI Compassion Project <noreply@pli.example>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# Phone numbers: a number typed without a country code is read as one of this region
# (ISO 3166 code); numbers of the region are shown in its national format, others with their
# country code. Stored as E.164 (+12125550100).
PHONENUMBER_DEFAULT_REGION = env.str("PHONE_REGION", default="US").upper()
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "E164"
# Text messages (notifications/sms/): off, reminders and links go by e-mail only, whatever
# people chose. On, they go through the gateway of SMS_URL (Twilio:
# twilio://<account SID>:<auth token>@api.twilio.com/?from=+1...) or, without it, into files
# under var/sms/, one per message. Production needs SMS_URL while texts are on.
SMS_ENABLED = env.bool("SMS_ENABLED", default=True)
SMS_URL = env.str("SMS_URL", default="")
if SMS_URL:
    SMS_BACKEND = "notifications.sms.backends.twilio.SmsBackend"
else:
    SMS_BACKEND = "notifications.sms.backends.filebased.SmsBackend"
    if PRODUCTION and SMS_ENABLED:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production sends text messages: set SMS_URL (the gateway), or SMS_ENABLED=false."
        )
SMS_FILE_PATH = VAR_DIR / "sms"
# Seconds before a call to the gateway gives up.
SMS_TIMEOUT = env.int("SMS_TIMEOUT", default=20)
# No texts at night, in the participant's time zone: what falls in this window waits for its end.
SMS_QUIET_HOURS = env.str("SMS_QUIET_HOURS", default="21:00-08:00")

# Celery: Redis in production (CELERY_BROKER_URL=redis://...), and by default kombu's
# filesystem transport, which needs no server: producers and workers share a folder.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
# A web request that queues a task while Redis is down must not wait for it (kombu's default
# is about six seconds of retries): one quick retry, then the caller logs it and goes on; the
# reminder rows are the record and beat's next pass sends them. Workers reconnect on their
# own schedule (broker_connection_max_retries), not this one.
BROKER_FAIL_FAST_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
    "socket_connect_timeout": 2,
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "data_folder_processed": str(_broker_dir / "processed"),
        "store_processed": False,
        # Broadcast exchanges (worker remote control); kombu's default is ./control.
        "control_folder": str(_broker_dir / "control"),
    }
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = BROKER_FAIL_FAST_OPTIONS
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Beat asks a worker to send the due reminders (reconciliation/tasks.py) every minute; a
# message not picked up before the next one is dropped rather than piling up.
REMINDER_DISPATCH_SECONDS = env.int("REMINDER_DISPATCH_SECONDS", default=60)
CELERY_BEAT_SCHEDULE: dict = {
    "dispatch-due-reminders": {
        "task": "notifications.dispatch_due_reminders",
        "schedule": REMINDER_DISPATCH_SECONDS,
        "options": {"expires": REMINDER_DISPATCH_SECONDS},
    },
    # Webhook deliveries that wait for a retry (api/webhooks.py); new ones are queued on commit.
    "deliver-webhooks": {
        "task": "api.deliver_webhooks",
        "schedule": REMINDER_DISPATCH_SECONDS,
        "options": {"expires": REMINDER_DISPATCH_SECONDS},
    },
}

# Cache: short-lived counters such as the referral form's rate limit. The default lives in
# each process's memory; with several web processes, point CACHE_URL at Redis
# (redis://redis:6379/1) so that they share the counts.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# How many proxies in front of the app append to X-Forwarded-For: the client's address is
# taken that many entries from the right. 0 (no proxy): the connection's own address.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# Referrals accepted from one client address per hour; more are refused with a message.
REFERRAL_RATE_LIMIT_PER_HOUR = env.int("REFERRAL_RATE_LIMIT_PER_HOUR", default=5)
# Password reset requests per hour, per address and per account (accounts/password_reset.py).
PASSWORD_RESET_RATE_LIMIT_PER_HOUR = env.int("PASSWORD_RESET_RATE_LIMIT_PER_HOUR", default=5)

# Security. Production sits behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Health checks come from the proxy or a monitor straight to gunicorn, over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# Content-Security-Policy (django-csp): scripts, styles, fonts and fetches from this site only;
# no inline script or style, no plugins, no framing, forms post only here. Images may also be
# data: URIs (Bootstrap's icons, the two-factor QR code). Templates keep to it: JavaScript
# lives in static/js, data for it in json_script blocks, styles in static/css.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# Lock-out (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords in a row for one username
# from one address, that pair is refused for LOGIN_LOCKOUT_MINUTES ("too many tries" page,
# 429). Username and address together, so that one person guessing cannot lock a whole
# office out, nor one account out everywhere. A successful login clears the count.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"  # honours NUM_PROXIES
AXES_USERNAME_CALLABLE = "accounts.lockout.username"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_CLIENT_STR_CALLABLE = "accounts.lockout.client_str"  # no username or address in the logs
AXES_VERBOSE = False
# Two-factor (django-otp, TOTP): the name staff see in their authenticator app.
OTP_TOTP_ISSUER = "PLI Compassion"

# Logs: one line per event on stdout, JSON in production (compassion/logging.py). Web,
# Celery worker and beat, and gunicorn's master all use this LOGGING.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "plain")
if LOG_FORMAT not in LOG_FORMATS:
    raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {LOG_FORMAT!r}.")
LOGGING = logging_config(log_format=LOG_FORMAT, level=env.str("LOG_LEVEL", default="INFO"))
# django-axes tells of every login at INFO; lock-outs and repeated failures are warnings.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}

# The program's own knobs.
CASE_LIST_PAGE_SIZE = env.int("CASE_LIST_PAGE_SIZE", default=25)
# Calendar files: event ids end in this domain; meetings last this long.
CALENDAR_UID_DOMAIN = env.str("CALENDAR_UID_DOMAIN", default="compassion.pli.example")
MEETING_DURATION = timedelta(minutes=env.int("MEETING_MINUTES", default=90))
# How far ahead a shift or a meeting may be set (further is refused as a typing mistake).
SCHEDULE_AHEAD_DAYS = env.int("SCHEDULE_AHEAD_DAYS", default=730)
# How long a participant's personal link works before it must be renewed.
ACCESS_LINK_DAYS = env.int("ACCESS_LINK_DAYS", default=30)
# Check-ins follow the customer's commitments after these numbers of days.
CHECKIN_DAYS = env.list("CHECKIN_DAYS", cast=int, default=[30, 90, 180])
# Wrong portal tokens allowed from one address per hour before the portal stops answering it.
PORTAL_BAD_TOKENS_PER_HOUR = env.int("PORTAL_BAD_TOKENS_PER_HOUR", default=20)
# Where PLI can be reached, shown to participants whose link no longer works.
PLI_CONTACT_EMAIL = env.str("PLI_CONTACT_EMAIL", default="compassion@pli.example")
PLI_CONTACT_PHONE = env.str("PLI_CONTACT_PHONE", default="555-0199")
# A monitored inbox: replies to e-mails without a caseworker (referral confirmations, notices)
# go there (Reply-To), never to the no-reply sender.
PLI_REPLY_TO_EMAIL = env.str("PLI_REPLY_TO_EMAIL", default=PLI_CONTACT_EMAIL)
# The address of this app as participants reach it: personal links in e-mails start with it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Reminders (reconciliation/reminders.py), in days: the reflection not submitted after each
# of these days; a plan version waiting for a sign-off; a proposed shift not confirmed by the
# business; a shift or meeting (reminded this long before); a case without activity. They are
# the program's rules, so they live here rather than in the environment.
REMINDER_DELAYS = {"reflection": [3, 7], "signoff": 3, "shift_unconfirmed": 2, "before_event": 1, "idle": 14}
# A check-in reminder goes out at this hour (local time) of the day it is due.
REMINDER_CHECKIN_HOUR = 9
# A failed send is tried again after these minutes (the last one repeats), and marked failed,
# for the caseworker to see, after this many attempts in all.
REMINDER_BACKOFF_MINUTES = env.list("REMINDER_BACKOFF_MINUTES", cast=int, default=[1, 5, 30])
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=4)
# One dispatch pass sends at most this many e-mails, and takes no new one after this many
# seconds (a slow mail server then delays the rest to the next pass, a minute later).
REMINDER_BATCH_SIZE = 200
REMINDER_PASS_SECONDS = 50
# The caseworker's record (casework/): a note can be corrected by its author for this many
# minutes, then it is fixed (a correction is a new note; every version stays in the audit).
NOTE_EDIT_MINUTES = env.int("NOTE_EDIT_MINUTES", default=30)
# Privacy: closed cases (and withdrawn ones without activity) older than this many days have
# their participants anonymised by `manage.py purge_expired` (cases/privacy.py). Six years.
RETENTION_DAYS = env.int("RETENTION_DAYS", default=2190)
# The audit history is a record: the admin shows it but never reverts a row to an old version.
SIMPLE_HISTORY_REVERT_DISABLED = True
# Key of the research export's case pseudonyms (an HMAC of the case id). Set it to keep the
# pseudonyms stable when SECRET_KEY is rotated; by default they derive from SECRET_KEY.
RESEARCH_PSEUDONYM_KEY = env.str("RESEARCH_PSEUDONYM_KEY", default=SECRET_KEY)
# Questionnaires (questionnaires/): one reminder this many days after questions are waiting for
# someone (never a second). Research figures and export cells drawn from fewer than
# RESEARCH_MIN_CELL people are suppressed, so that nobody can be recognised in them.
QUESTIONNAIRE_REMINDER_DAYS = env.int("QUESTIONNAIRE_REMINDER_DAYS", default=3)
RESEARCH_MIN_CELL = env.int("RESEARCH_MIN_CELL", default=5)

# The REST API (api/): personal tokens only, JSON only, a request budget per token, cursors.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.authentication.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": f"{env.int('API_REQUESTS_PER_MINUTE', default=120)}/minute"},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NUM_PROXIES": NUM_PROXIES or None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Compassion case manager API",
    "DESCRIPTION": "Cases, their timeline, referrals and report figures. Authenticate with a personal token "
    "(your account page, API tokens): `Authorization: Bearer <token>`.",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"LanguageEnum": "cases.models.Participant.Language"},
}
# Webhooks (api/webhooks.py): seconds to wait for an answer, before each new try, and tries in all.
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)
WEBHOOK_BACKOFF_SECONDS = env.list("WEBHOOK_BACKOFF_SECONDS", cast=int, default=[60, 300, 1800, 7200])
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=5)
# A webhook may point at a private or loopback address only when this is on (a receiver on the
# same machine or network).
WEBHOOK_ALLOW_PRIVATE_URLS = env.bool("WEBHOOK_ALLOW_PRIVATE_URLS", default=False)
