"""Settings for supportsite: one file, read from environment variables.

Local runs need nothing: SQLite and private file storage under `var/` (git-ignored), secrets
generated once into `var/`. Production is switched on by PRODUCTION=1, which then demands the
secrets from the environment and turns every transport-security setting on. See README.md.
"""

import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from supportsite.env import (
    envbool,
    envint,
    envlist,
    envsecret,
    envstr,
    private_folder,
    private_sqlite_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("VAR_DIR") or BASE_DIR / "var")

PRODUCTION = envbool("PRODUCTION")
DEBUG = envbool("DEBUG")

SECRET_KEY = envsecret("SECRET_KEY", VAR_DIR / "secret_key", allow_file=not PRODUCTION)

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "django_htmx",
    "template_partials",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "common",
    "guidance",
    "accounts",
    "evidence",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before anything reads the session: the quick exit's revocations (common/sessions.py).
    "supportsite.middleware.RevokedSessionMiddleware",
    # The language comes from the URL prefix only, so this never reads or writes the session.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "supportsite.middleware.NoStoreMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "supportsite.urls"
WSGI_APPLICATION = "supportsite.wsgi.application"
ASGI_APPLICATION = "supportsite.asgi.application"

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
                "supportsite.context_processors.shell",
                # `access`: what the person may do on the dossier of the page.
                "evidence.access.context",
            ],
        },
    },
]
# Every form field renders through templates/forms/field.html (see common/forms.py).
FORM_RENDERER = "common.forms.FormRenderer"

# --- Database: SQLite by default, PostgreSQL (psycopg 3) with DATABASE_URL -----------------
if envstr("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            envstr("DATABASE_URL"), conn_max_age=600, conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "db.sqlite3"),
            "OPTIONS": {
                # WAL lets readers work while a writer commits; the busy timeout and immediate
                # transactions turn "database is locked" into a short wait.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Made private before SQLite creates it with the umask's 0644 (see env.py).
    private_sqlite_file(Path(DATABASES["default"]["NAME"]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sessions -----------------------------------------------------------------
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
# Sessions live in the database, which every web server shares (never in one process's memory).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Shared and monitored devices are common: the session ends when the browser closes, and on
# the server after SESSION_IDLE_SECONDS without a request.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = envint("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_SAMESITE = "Lax"
# One-time notices (django.contrib.messages) wait in the session, never in a cookie: they can
# name a dossier. Stored when the response leaves, so a notice added after logout() lands in
# the new, empty session and is shown once on the next page (the account-deleted summary).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CSRF_COOKIE_HTTPONLY = True

# The cache holds what must be shared by every web process without the database: sessions
# revoked by the quick exit (common/sessions.py). Files under VAR_DIR on one machine; with
# several web servers, REDIS_URL (a Redis all of them reach: WEB_NODES below insists).
REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # The quick exit reads and writes it: a Redis that is down or hangs must cost it
            # a fraction of a second, not the client's default of waiting for ever.
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(private_folder(VAR_DIR / "cache")),
        }
    }

# --- Languages: French first, English second -----------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

# --- Static files (served by WhiteNoise) and private storage -------------------------------
STATIC_URL = "/static/"
# collectstatic target in production; elsewhere WhiteNoise reads the source folders.
STATIC_ROOT = BASE_DIR / "staticfiles" if PRODUCTION else None
STATICFILES_DIRS = [BASE_DIR / "static"]
PRIVATE_STORAGE_ROOT = Path(envstr("PRIVATE_STORAGE_ROOT") or VAR_DIR / "private")
STORAGES = {
    # Private: no base URL, so nothing stored here is reachable except through views that
    # check ownership.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_STORAGE_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
if envstr("S3_BUCKET"):
    from boto3.s3.transfer import TransferConfig

    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": envstr("S3_BUCKET"),
            "endpoint_url": envstr("S3_ENDPOINT_URL") or None,
            "region_name": envstr("S3_REGION") or None,
            "access_key": envstr("S3_ACCESS_KEY_ID") or None,
            "secret_key": envstr("S3_SECRET_ACCESS_KEY") or None,
            # Path-style URLs (bucket in the path, not in the host name) for servers without
            # a wildcard DNS name, such as Garage or MinIO; unset: boto3's own choice.
            "addressing_style": envstr("S3_ADDRESSING_STYLE") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            # An opened object is downloaded into a temporary file, kept in memory only up to
            # this size (django-storages' default, 0, never spills: a package of hundreds of
            # MB would sit whole in the web process). Blobs are sealed: the spill shows nothing.
            "max_memory_size": 2 * 1024 * 1024,
            # boto3's threaded downloads queue up to 25 MB per object in memory; one stream
            # keeps a download to a few MB (tests/production/test_object_storage.py).
            "transfer_config": TransferConfig(use_threads=False),
        },
    }
else:
    private_folder(PRIVATE_STORAGE_ROOT)
# Files and folders the file storage makes are its owner's only (Django's default: 0644).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Outside production, WhiteNoise serves straight from the source folders (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security headers ----------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
        "manifest-src": [SELF],
    },
}
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "browsing-topics",
    )
}
# Other sites never learn where the visitor came from. Not "no-referrer": under it Chrome sends
# "Origin: null" with our own form POSTs, which Django's CSRF check rightly refuses.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when PRODUCTION is on")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- Evidence vault ------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Files at rest are encrypted with these keys (comma-separated, the first one encrypts; older
# ones still decrypt until `manage.py evidence rotate-key` has re-encrypted everything).
EVIDENCE_ENCRYPTION_KEYS = envsecret(
    "EVIDENCE_ENCRYPTION_KEYS",
    VAR_DIR / "evidence_keys",
    # A 256-bit key in URL-safe base64, as evidence.sealing.crypto.decode_key reads it.
    generate=lambda: secrets.token_urlsafe(32),
    allow_file=not PRODUCTION,
)
# The server's signing keys (Ed25519; comma-separated, the first signs, the others still verify):
# every custody event and every exported manifest is signed, so that the log cannot be rewritten
# by someone who can only write to the database. Kept outside the database, like the keys above.
EVIDENCE_SIGNING_KEYS = envsecret(
    "EVIDENCE_SIGNING_KEYS",
    VAR_DIR / "evidence_signing_keys",
    # A 32-byte Ed25519 private key in URL-safe base64, as evidence.sealing.signing reads it.
    generate=lambda: secrets.token_urlsafe(32),
    allow_file=not PRODUCTION,
)
# An RFC 3161 time-stamping authority (optional): each exported manifest is then time-stamped
# by it and the token put in the package. TSA_CA_FILE: its certificate chain's root (PEM), to
# check its answers and to be put in the package for the recipient.
TSA_URL = envstr("TSA_URL")
TSA_CA_FILE = envstr("TSA_CA_FILE")
EVIDENCE_MAX_UPLOAD_BYTES = envint("EVIDENCE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
EVIDENCE_MAX_PIXELS = envint("EVIDENCE_MAX_PIXELS", 40_000_000)
# One account's images waiting for the task worker to decode them, in pixels (about 70 phone
# screenshots): past it, an upload is refused with "try again in a minute".
EVIDENCE_MAX_PENDING_PIXELS = envint("EVIDENCE_MAX_PENDING_PIXELS", 250_000_000)
# Uploads one account may send at the same time (the others are answered at once, their text
# kept): no account can hold every web worker.
EVIDENCE_MAX_CONCURRENT_UPLOADS = envint("EVIDENCE_MAX_CONCURRENT_UPLOADS", 2)
EVIDENCE_MAX_FILES_PER_PIECE = 10
# Screenshots sent at once ("add many screenshots": the phone's photo picker), each sealed as it
# arrives (evidence/intake/batch_uploads.py): how many files, and how many bytes in all.
EVIDENCE_MAX_FILES_PER_BATCH = envint("EVIDENCE_MAX_FILES_PER_BATCH", 50)
EVIDENCE_MAX_BATCH_BYTES = envint("EVIDENCE_MAX_BATCH_BYTES", 300 * 1024 * 1024)
# A conversation exported by its app (WhatsApp's .txt or .zip with its media), read in memory;
# and how many of its messages one choice may make pieces.
EVIDENCE_MAX_CHAT_BYTES = envint("EVIDENCE_MAX_CHAT_BYTES", 100 * 1024 * 1024)
EVIDENCE_MAX_MESSAGES_PER_CHOICE = envint("EVIDENCE_MAX_MESSAGES_PER_CHOICE", 1000)
# Uploads to the vault are received in memory by evidence.intake.uploads (never a temporary file on
# disk) and bounded per file; these cover every other form. A request past them gets the
# vault's own page ("too big, nothing was kept"), not a bare 400.
FILE_UPLOAD_MAX_MEMORY_SIZE = EVIDENCE_MAX_UPLOAD_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # the text fields of one form: 2.5 MB
DATA_UPLOAD_MAX_NUMBER_FILES = 2 * max(EVIDENCE_MAX_FILES_PER_PIECE, EVIDENCE_MAX_FILES_PER_BATCH)

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "evidence:dossier_list"
LOGOUT_REDIRECT_URL = "home"
# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords or recovery codes
# for one pseudonym from one address, that pair waits AXES_COOLOFF_TIME (float: hours). Never
# by pseudonym alone, so a harasser cannot lock their target out; never by address alone, since
# a whole school may share one. The lockout page is ours, translated, in the site's shell.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
# Failures are counted in the database, which every web server shares (not in a cache).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# Behind N reverse proxies that each append to X-Forwarded-For, set TRUSTED_PROXY_COUNT=N so
# the address counted is the visitor's, not the proxy's (0: REMOTE_ADDR, no proxy). Required
# in production, 0 included: left at 0 behind a proxy, every visitor has the proxy's address,
# and a harasser's wrong passwords would lock their target out.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0, required=PRODUCTION)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# No record of successful logins (address, browser): where a victim logs in from is nobody's
# business; only failures are counted, and only for the cool-off.
AXES_DISABLE_ACCESS_LOG = True

# --- Helpers and read-only shares (evidence/sharing/) ---------------------------------------
# An invitation to help on a dossier works once, for this long, unless withdrawn.
SHARING_INVITATION_HOURS = envint("INVITATION_HOURS", 48)
# Invitations, and read-only shares, one account may make in 24 hours. Wrong codes are
# throttled like passwords (LOGIN_FAILURE_LIMIT, LOGIN_COOLOFF_MINUTES; evidence/sharing).
SHARING_INVITATIONS_PER_DAY = envint("INVITATIONS_PER_DAY", 10)
SHARING_SHARES_PER_DAY = envint("SHARES_PER_DAY", 10)

# --- Background tasks (dossier exports) -------------------------------------------------------
# The database backend needs nothing more than the database; `make run` starts its worker
# (`manage.py worker`: it also purges ended sessions and tidies up after dead workers), which may
# as well run on other machines that reach the database. TASKS_BACKEND=django_tasks_rq.RQBackend
# queues in Redis (REDIS_URL) for RQ's workers (`manage.py rqworker --job-class
# django_tasks_rq.Job`, with `manage.py worker --tidy-only` on a schedule: see README).
RQ_BACKEND = "django_tasks_rq.RQBackend"
TASKS = {"default": {"BACKEND": envstr("TASKS_BACKEND") or "django_tasks_db.DatabaseBackend"}}
if TASKS["default"]["BACKEND"] == RQ_BACKEND:
    if not REDIS_URL:
        raise ImproperlyConfigured(f"TASKS_BACKEND={RQ_BACKEND} needs REDIS_URL")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    # RQ stops a job after 180 s unless told otherwise; a big dossier's export takes minutes.
    # An hour, like evidence.export.jobs.STALE_AFTER: an export still running then is lost.
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60 * 60}}

# --- Several web servers ---------------------------------------------------------------------
# How many machines serve the site. One keeps its cache (the quick exit's revocations) in files
# and may keep its database and private files on its own disk; several must share all three,
# or a session ended on one would still open on another and a piece stored by one would be
# missing on the next: refuse to start rather than half work.
WEB_NODES = envint("WEB_NODES", 1)
if WEB_NODES > 1:
    unshared = [
        name
        for name, shared in (
            ("DATABASE_URL (PostgreSQL)", DATABASES["default"]["ENGINE"].endswith("postgresql")),
            ("S3_BUCKET (object storage)", bool(envstr("S3_BUCKET"))),
            ("REDIS_URL (the shared cache)", bool(REDIS_URL)),
        )
        if not shared
    ]
    if unshared:
        raise ImproperlyConfigured(
            f"WEB_NODES={WEB_NODES}: several web servers must share their state; set "
            + ", ".join(unshared)
        )

# --- Quick exit ----------------------------------------------------------------------------
# Where the quick exit sends the visitor: a neutral page that shows nothing personal.
QUICK_EXIT_URL = envstr("QUICK_EXIT_URL") or "https://meteofrance.com/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL") or "WARNING"},
}
CSRF_FAILURE_VIEW = "supportsite.views.csrf_failure"
