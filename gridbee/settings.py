"""Settings come from GRIDBEE_* environment variables; with none set, GridBee runs as a demo on
SQLite (WAL) under a local data folder. Misconfiguration fails at start with a clear message."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"GRIDBEE_{name}", default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = env(name, "1" if default else "0").strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"GRIDBEE_{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = env(name, str(default)).strip()
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"GRIDBEE_{name} must be a whole number, not {raw!r}") from None


DATA_DIR = Path(env("DATA_DIR") or BASE_DIR.parent / "data").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


# A demo install keeps a random key of its own rather than a well-known one (backed up with
# the data, see core/backup.py).
SECRET_KEY_FILE = None if env("SECRET_KEY") else DATA_DIR / "secret_key"


def _secret_key() -> str:
    if key := env("SECRET_KEY"):
        return key
    path = SECRET_KEY_FILE
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "huey.contrib.djhuey",
    "gridbee.core",
    "gridbee.people",
    "gridbee.geo",
    "gridbee.reports",
    "gridbee.cases",
    "gridbee.rewards",
    "gridbee.claims",
    "gridbee.alerts",
    "gridbee.services",
    "gridbee.stats",
    "gridbee.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gridbee.core.security.ContentSecurityPolicy",
    "gridbee.core.middleware.RequestSizeLimit",
    "gridbee.core.middleware.RejectNulCharacters",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gridbee.core.routers.ReadYourWrites",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "gridbee.urls"
ASGI_APPLICATION = "gridbee.asgi.application"
WSGI_APPLICATION = "gridbee.wsgi.application"

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
                "gridbee.core.context_processors.site",
                "gridbee.services.context_processors.inbox",
            ],
        },
    },
]


def _databases() -> dict:
    url = env("DATABASE_URL")
    if not url:
        return {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": DATA_DIR / "gridbee.sqlite3",
                "OPTIONS": {
                    # WAL lets readers go on while one writer commits; IMMEDIATE takes the write
                    # lock at BEGIN so concurrent writers queue instead of failing mid-transaction.
                    "init_command": (
                        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                        "PRAGMA foreign_keys=ON;"
                    ),
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 20,
                },
                "TEST": {"NAME": None},
            }
        }
    try:
        config = dj_database_url.parse(url, conn_health_checks=True)
    except Exception as exc:
        raise ImproperlyConfigured(f"GRIDBEE_DATABASE_URL is not a database URL: {exc}") from exc
    if config["ENGINE"] not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise ImproperlyConfigured("GRIDBEE_DATABASE_URL must point to PostgreSQL or SQLite")
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Under ASGI each request runs its sync code in a thread of its own, so a connection
        # kept per thread (CONN_MAX_AGE) is never used again: every request would open one and
        # leave it to the garbage collector. A pool per process hands connections back at the
        # end of each request instead.
        size = env_int("DATABASE_POOL_SIZE", 8)
        if size > 0:
            config["CONN_MAX_AGE"] = 0
            config.setdefault("OPTIONS", {})["pool"] = {
                "min_size": min(2, size),
                "max_size": size,
                "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
            }
        # Parameters sent apart from the query text, and the queries a connection has run
        # twice kept prepared: psycopg then quotes nothing in Python and PostgreSQL plans each
        # query once (a report's intake: server CPU 35 → 28 ms, PostgreSQL's 6.5 → 3.8 ms).
        # A transaction-pooling PgBouncer in between cannot keep them: turn them off there.
        # A server-side cursor (.iterator()) lives across transactions, which the same
        # PgBouncer cannot keep either.
        if env_bool("DATABASE_PREPARED_STATEMENTS", True):
            config.setdefault("OPTIONS", {})
            config["OPTIONS"] |= {"server_side_binding": True, "prepare_threshold": 2}
        else:
            config["DISABLE_SERVER_SIDE_CURSORS"] = True
    databases = {"default": config}
    # A streaming replica (read-only): heavy reads go there, see core/routers.py.
    if replica := env("DATABASE_REPLICA_URL"):
        if config["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured("GRIDBEE_DATABASE_REPLICA_URL needs PostgreSQL")
        try:
            databases["replica"] = {
                **config,
                **dj_database_url.parse(replica, conn_health_checks=True),
                "OPTIONS": config.get("OPTIONS", {}),
                "CONN_MAX_AGE": config.get("CONN_MAX_AGE", 0),
                "DISABLE_SERVER_SIDE_CURSORS": config.get("DISABLE_SERVER_SIDE_CURSORS", False),
                "TEST": {"MIRROR": "default"},
            }
        except Exception as exc:
            raise ImproperlyConfigured(f"GRIDBEE_DATABASE_REPLICA_URL: {exc}") from exc
    return databases


DATABASES = _databases()
DATABASE_ROUTERS = ["gridbee.core.routers.ReplicaRouter"]
# After a person's own write their reads stay on the primary this long (read-your-writes): a
# replica that lags a little never hides what they just did.
READ_YOUR_WRITES_SECONDS = env_int("READ_YOUR_WRITES_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
REDIS_PREFIX = env("REDIS_PREFIX", "gridbee")  # keys and channels of this install in Redis
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("REDIS_PREFIX", "gridbee"),
        }
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env("REDIS_PREFIX", "gridbee"),
        "url": REDIS_URL,
        "immediate": env_bool("HUEY_IMMEDIATE"),
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "gridbee",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": env_bool("HUEY_IMMEDIATE"),
    }

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Assets are served by the app itself (no CDN: government intranets have no internet).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
# Photos in S3-compatible object storage (Ceph RGW, a cloud OSS, the rig's S3 server) instead
# of MEDIA_ROOT. They are always served through the app, which checks who may see them.
S3_BUCKET = env("S3_BUCKET")
if S3_BUCKET:
    STORAGES = {
        "default": {
            "BACKEND": "gridbee.core.storage.SharedS3Storage",
            "OPTIONS": {
                "bucket_name": S3_BUCKET,
                "endpoint_url": env("S3_ENDPOINT_URL") or None,
                "access_key": env("S3_ACCESS_KEY") or None,
                "secret_key": env("S3_SECRET_KEY") or None,
                "region_name": env("S3_REGION") or None,
                "addressing_style": env("S3_ADDRESSING_STYLE", "path"),
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

SESSION_COOKIE_HTTPONLY = True
# Partners stay logged in on their phones for two weeks; staff, who act for the county, for a
# working day (people/sessions.py).
SESSION_COOKIE_AGE = 14 * 24 * 3600
STAFF_SESSION_HOURS = env_int("STAFF_SESSION_HOURS", 10)
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Behind an HTTPS reverse proxy. Off by default: the demo serves plain http://127.0.0.1.
HTTPS = env_bool("HTTPS")
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The proxy must set this header itself (and drop one sent by the client).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # A load balancer checks health over plain HTTP and takes a redirect for a failure.
    SECURE_REDIRECT_EXEMPT = [r"^api/health"]
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS")

# GridBee's own knobs.
TILE_URL = env("TILE_URL")  # e.g. http://tiles.intranet/{z}/{x}/{y}.png; empty: no base map
GRID_INDEX_CHECK_SECONDS = float(env("GRID_INDEX_CHECK_SECONDS", "2"))
# Live pages (Server-Sent Events): how many one account may keep open at once, and how often an
# open one checks that its viewer may still see what it streams (it ends when not).
LIVE_STREAMS_PER_USER = env_int("LIVE_STREAMS_PER_USER", 6)
try:
    LIVE_RECHECK_SECONDS = float(env("LIVE_RECHECK_SECONDS", "30"))
except ValueError:
    LIVE_RECHECK_SECONDS = 0.0
if not LIVE_RECHECK_SECONDS > 0:  # 0 would query the database without a pause
    raise ImproperlyConfigured("GRIDBEE_LIVE_RECHECK_SECONDS must be a number of seconds above 0")
# How far back a live page that lost its stream catches up (Last-Event-ID): events kept per topic,
# and seconds a topic keeps them; past either the page reloads what it shows.
LIVE_REPLAY_EVENTS = env_int("LIVE_REPLAY_EVENTS", 1000)
LIVE_REPLAY_SECONDS = env_int("LIVE_REPLAY_SECONDS", 900)
# Office hours for ordinary deadlines; emergencies' rapid-response steps in minutes (1-3-5).
WORK_HOURS = env("WORK_HOURS", "08:30-12:00,14:30-18:00")
RAPID_RESPONSE_MINUTES = {
    "accept": env_int("RAPID_ACCEPT_MINUTES", 1),
    "dispatch": env_int("RAPID_DISPATCH_MINUTES", 3),
    "on_scene": env_int("RAPID_ON_SCENE_MINUTES", 5),
}
ORDINARY_STEP_MINUTES = {"accept": 60, "dispatch": 120}  # working minutes
NOTIFY_CHANNELS = [
    path for path in env("NOTIFY_CHANNELS", "gridbee.core.notify.OutboxChannel").split(",") if path
]
# Photos processed at once per process (each can hold ~190 MB while decoded whole, see
# bench/photo_memory.py), and how long a request waits for its turn before a 503 "busy".
# The CPUs this process may use (a container's share, not the host's count).
_CPUS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
PHOTO_DECODES = env_int("PHOTO_DECODES", _CPUS or 2)
PHOTO_DECODE_WAIT_SECONDS = env_int("PHOTO_DECODE_WAIT_SECONDS", 10)
if PHOTO_DECODES < 1 or PHOTO_DECODE_WAIT_SECONDS < 1:
    raise ImproperlyConfigured(
        "GRIDBEE_PHOTO_DECODES and GRIDBEE_PHOTO_DECODE_WAIT_SECONDS must be at least 1"
    )
# Open311 calls a minute per client (api_key) or address; 0: no limit.
OPEN311_REQUESTS_PER_MINUTE = env_int("OPEN311_REQUESTS_PER_MINUTE", 60)
MAX_REQUEST_BYTES = 40 * 1024 * 1024  # three 12 MB photos and the form around them
FILE_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
# Enrolment applications keep the applicant's ID number until the decision is this old; the
# approved partner's own copy stays on the partner (people/actions/retention.py).
ID_NUMBER_RETENTION_DAYS = env_int("ID_NUMBER_RETENTION_DAYS", 180)

# Django's logging and uvicorn's in one configuration, every handler dropping the secrets a
# line may carry (an Open311 client's api_key, an applicant's status link in an access line).
# uvicorn installs its own configuration first, then imports gridbee.asgi, whose
# django.setup() puts this one in its place, in each worker process too.
_REDACT = ["redact_secrets"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "gridbee.core.security.RedactSecrets"}},
    "formatters": {
        # uvicorn's own formatters, under the names uvicorn looks them up by.
        "default": {
            "()": "uvicorn.logging.DefaultFormatter",
            "fmt": "%(levelprefix)s %(message)s",
            "use_colors": None,
        },
        "access": {
            "()": "uvicorn.logging.AccessFormatter",
            "fmt": '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s',
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": _REDACT},
        "default": {
            "class": "logging.StreamHandler",
            "formatter": "default",
            "stream": "ext://sys.stderr",
            "filters": _REDACT,
        },
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "stream": "ext://sys.stdout",
            "filters": _REDACT,
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Huey's consumer logs through its own handler already.
        "huey": {"level": "INFO", "propagate": False},
        "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"level": "INFO"},
        "uvicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
}

# --- Logins: one throttle for every login form (web, API, admin) ------------------------------
# django-axes counts failed logins in the database (no Redis needed, so logins work while the
# cache is down), per mobile number AND client address together: failures from elsewhere never
# lock the owner out. Five failures lock that pair for a quarter of an hour; failures during the
# lock are refused unheard and do not prolong it. A reviewer unlocks at once in the admin (the
# user's "Unlock logins" action, or Axes' access attempts) or with `gridbee axes_reset_username`.
INSTALLED_APPS += ["axes"]
# First: refuses a locked pair before the password is even checked, and counts each attempt
# atomically before it is heard (see people/backends.py).
AUTHENTICATION_BACKENDS = ["gridbee.people.backends.LoginThrottle", *AUTHENTICATION_BACKENDS]
AXES_HANDLER = "gridbee.people.backends.CountFirst"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours: a quarter of an hour
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "gridbee.people.throttle.login_username"
AXES_CLIENT_IP_CALLABLE = "gridbee.people.addresses.client_address"
# A row per successful login would be personal data kept forever; failures expire with the lock.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no banner on every command; failures are still logged
# The forms and the token endpoint answer a refusal themselves (auth.throttled, in Chinese), so
# Axes' middleware, which swaps the answer for its own lockout page, is left out on purpose.
SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "axes.W002"]


def _trusted_proxies() -> list:
    import ipaddress

    networks = []
    for item in filter(None, (p.strip() for p in env("TRUSTED_PROXIES").split(","))):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"GRIDBEE_TRUSTED_PROXIES: {item!r} is not an IP address or network (CIDR)"
            ) from None
    return networks


# The reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs, comma-separated).
# None set: the address a request comes from is the client's, whatever the header says.
TRUSTED_PROXIES = _trusted_proxies()
# Axes tells of every successful login at INFO (four lines each); failures come at WARNING.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}
