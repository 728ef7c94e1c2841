"""Settings of the stack server, read from the environment; every one has a working local default.

Local state (SQLite database, the embedded broker's spool, stored files, the generated secret key)
lives in one directory, `STACK_STATE_DIR`. Production points `DATABASE_URL`, `CELERY_BROKER_URL`
and `CACHE_URL` at real services and sets `SECRET_KEY`.
"""

import json
import os
import secrets
import time
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


STATE_DIR = Path(os.environ.get("STACK_STATE_DIR") or BASE_DIR / "var").resolve()
STATE_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", True)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    key_file = STATE_DIR / "secret_key"
    try:
        # O_EXCL: when several processes start at once, exactly one writes the key.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    for _ in range(50):
        key = key_file.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    raise ImproperlyConfigured(f"{key_file} is empty.")


SECRET_KEY = _secret_key()
# Key for provider secrets stored in the database; defaults to one derived from SECRET_KEY.
STACK_ENCRYPTION_KEY = os.environ.get("STACK_ENCRYPTION_KEY", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
STACK_PORT = env_int("STACK_PORT", 8321)
STACK_CONFIG = Path(os.environ.get("STACK_CONFIG") or BASE_DIR / "distributions" / "default.yaml")
STACK_VERSION = "0.1.0"

# The API apps, in the order their routers are mounted.
STACK_API_APPS = [
    "apis.inspect",
    "apis.providers",
    "apis.models",
    "apis.inference",
    "apis.files",
    "apis.batches",
    "apis.shields",
    "apis.safety",
    "apis.vector_dbs",
    "apis.vector_io",
    "apis.tool_groups",
    "apis.tool_runtime",
    "apis.datasets",
    "apis.datasetio",
    "apis.scoring_functions",
    "apis.scoring",
    "apis.benchmarks",
    "apis.eval",
]

INSTALLED_APPS = [
    # The admin with the console's site (apis.console.sites): dashboard and branding.
    "apis.console.apps.ConsoleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "stackproject.apps.StackProjectConfig",
    "apis.access",
    "apis.console.apps.ConsoleConfig",
    *STACK_API_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "stackproject.observability.RequestIdMiddleware",
    "apis.access.middleware.AccessMiddleware",
    "stackproject.middleware.StaticFilesMiddleware",
    "stackproject.middleware.ApiErrorBodyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# The chain of API requests under ASGI (see stackproject.asgi): every one of these is async-capable.
API_MIDDLEWARE = [
    "stackproject.observability.RequestIdMiddleware",
    "apis.access.middleware.AccessMiddleware",
    "stackproject.middleware.ApiErrorBodyMiddleware",
    "stackproject.middleware.ApiSecurityHeadersMiddleware",
]

ROOT_URLCONF = "stackproject.urls"
WSGI_APPLICATION = "stackproject.wsgi.application"
ASGI_APPLICATION = "stackproject.asgi.application"

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
            ],
        },
    },
]

# SQLite: WAL and IMMEDIATE transactions let the web process and workers write side by side.
SQLITE_OPTIONS = {
    "timeout": 30,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{STATE_DIR / 'stack.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DATABASE_POOL", True):
    # Under ASGI the admin's requests run their database work in threads of their own, where
    # persistent connections (one per thread) would mean a new connection per request: a pool instead.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "pool": {"min_size": 1, "max_size": env_int("DATABASE_POOL_MAX_SIZE", 10), "timeout": 30}
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_cache_url = os.environ.get("CACHE_URL", "")
if _cache_url.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}}
else:
    # Shared by every local process through the state directory.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(STATE_DIR / "cache"),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STACK_STATIC_ROOT") or STATE_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("STACK_FILES_DIR") or STATE_DIR / "files")
# Stored files: local by default; any Django storage backend otherwise, e.g. S3-compatible storage with
# STACK_FILES_STORAGE_BACKEND=storages.backends.s3.S3Storage and its options as JSON (django-storages).
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("STACK_FILES_STORAGE_BACKEND") or "django.core.files.storage.FileSystemStorage",
        "OPTIONS": json.loads(os.environ.get("STACK_FILES_STORAGE_OPTIONS") or "{}"),
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

if not DEBUG:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Uploads are streamed to disk; the API checks the size limit itself.
DATA_UPLOAD_MAX_MEMORY_SIZE = None
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_TEMP_DIR = None
STACK_FILES_MAX_BYTES = env_int("STACK_FILES_MAX_BYTES", 512 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    # Stops an upload with 413 as soon as it passes STACK_FILES_MAX_BYTES.
    "apis.files.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Celery. The embedded default is kombu's filesystem transport in the state directory, which the
# web process and the workers share with no server running.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _spool = STATE_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_spool / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT = "stackproject.broker:FilesystemTransport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_spool / "queue"),
        "data_folder_out": str(_spool / "queue"),
        "processed_folder": str(_spool / "processed"),
        "control_folder": str(_spool / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}

# Queues: "celery" (the default), "batches.control" (validate, finalize), "batches.chunks" (the requests
# of a batch, chunk by chunk) and "maintenance" (expiry and stall recovery). A plain `celery worker`
# consumes all of them; production can give chunks workers of their own with `-Q batches.chunks`.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue(name) for name in ("celery", "batches.control", "batches.chunks", "maintenance")]
CELERY_TASK_ROUTES = {
    "batches.validate": {"queue": "batches.control"},
    "batches.finalize": {"queue": "batches.control"},
    "batches.process_chunk": {"queue": "batches.chunks"},
    "batches.recover": {"queue": "maintenance"},
    "files.expire": {"queue": "maintenance"},
}
# How often the maintenance sweep runs (with `celery worker --beat` or `celery beat`); it also runs when a
# worker starts. It re-sends chunks whose worker died, restarts stalled stages and expires batches.
STACK_MAINTENANCE_INTERVAL = float(os.environ.get("STACK_MAINTENANCE_INTERVAL") or 15)
CELERY_BEAT_SCHEDULE["batches-recover"] = {"task": "batches.recover", "schedule": STACK_MAINTENANCE_INTERVAL}
CELERY_BEAT_SCHEDULE["files-expire"] = {"task": "files.expire", "schedule": 300.0}
# Provider model discovery: registers the models each inference provider lists (apis.models.tasks).
STACK_MODELS_REFRESH_INTERVAL = float(os.environ.get("STACK_MODELS_REFRESH_INTERVAL") or 300)
CELERY_TASK_ROUTES["models.refresh_from_providers"] = {"queue": "maintenance"}
CELERY_BEAT_SCHEDULE["models-refresh"] = {
    "task": "models.refresh_from_providers",
    "schedule": STACK_MODELS_REFRESH_INTERVAL,
}

# Datasets, scoring and eval. `file://` dataset URIs may name files under these directories only (comma-separated;
# the state directory's "datasets" folder by default, never the rest of it: it holds the database and the keys).
STACK_DATASETS_DIRS = env_list("STACK_DATASETS_DIRS", [str(STATE_DIR / "datasets")])
STACK_DATASETIO_PAGE_SIZE = env_int("STACK_DATASETIO_PAGE_SIZE", 1000)
STACK_SCORING_MAX_ROWS = env_int("STACK_SCORING_MAX_ROWS", 10_000)
# Eval jobs run on the default queue; the sweep ("eval.recover", maintenance queue) re-sends those whose worker
# stopped renewing its lease (see apis.eval.conf for what each setting means).
STACK_EVAL_SYNC_MAX_ROWS = env_int("STACK_EVAL_SYNC_MAX_ROWS", 20)
STACK_EVAL_JOB_MAX_ROWS = env_int("STACK_EVAL_JOB_MAX_ROWS", 10_000)
STACK_EVAL_CONCURRENCY = env_int("STACK_EVAL_CONCURRENCY", 8)
STACK_EVAL_LEASE_SECONDS = float(os.environ.get("STACK_EVAL_LEASE_SECONDS") or 60)
STACK_EVAL_REQUEUE_SECONDS = float(os.environ.get("STACK_EVAL_REQUEUE_SECONDS") or 120)
STACK_EVAL_MAX_ATTEMPTS = env_int("STACK_EVAL_MAX_ATTEMPTS", 3)
STACK_EVAL_REQUEST_RETRIES = env_int("STACK_EVAL_REQUEST_RETRIES", 3)
STACK_EVAL_RETRY_BACKOFF_SECONDS = float(os.environ.get("STACK_EVAL_RETRY_BACKOFF_SECONDS") or 1.0)
CELERY_TASK_ROUTES["eval.run_job"] = {"queue": "celery"}
CELERY_TASK_ROUTES["eval.recover"] = {"queue": "maintenance"}
CELERY_BEAT_SCHEDULE["eval-recover"] = {"task": "eval.recover", "schedule": STACK_MAINTENANCE_INTERVAL}

# The batch engine (see apis.batches.conf for what each one means).
STACK_BATCH_CHUNK_SIZE = env_int("STACK_BATCH_CHUNK_SIZE", 250)
STACK_BATCH_CONCURRENCY = env_int("STACK_BATCH_CONCURRENCY", 32)
STACK_BATCH_CHUNK_CONCURRENCY = env_int("STACK_BATCH_CHUNK_CONCURRENCY", 16)
STACK_BATCH_PROVIDER_CONCURRENCY = env_int("STACK_BATCH_PROVIDER_CONCURRENCY", 64)
# "provider_id=limit,provider_id=limit": bounds for particular providers.
STACK_BATCH_PROVIDER_LIMITS = {
    key.strip(): int(value)
    for key, _, value in (item.partition("=") for item in env_list("STACK_BATCH_PROVIDER_LIMITS", []))
}
STACK_BATCH_MAX_LINES = env_int("STACK_BATCH_MAX_LINES", 50_000)
STACK_BATCH_MAX_ERRORS = env_int("STACK_BATCH_MAX_ERRORS", 1000)
STACK_BATCH_LEASE_SECONDS = float(os.environ.get("STACK_BATCH_LEASE_SECONDS") or 60)
STACK_BATCH_FLUSH_SECONDS = float(os.environ.get("STACK_BATCH_FLUSH_SECONDS") or 0.5)
STACK_BATCH_REQUEUE_SECONDS = float(os.environ.get("STACK_BATCH_REQUEUE_SECONDS") or 120)
STACK_BATCH_LANE_SECONDS = float(os.environ.get("STACK_BATCH_LANE_SECONDS") or 300)
STACK_BATCH_MAX_ATTEMPTS = env_int("STACK_BATCH_MAX_ATTEMPTS", 5)
STACK_BATCH_REQUEST_RETRIES = env_int("STACK_BATCH_REQUEST_RETRIES", 3)
STACK_BATCH_RETRY_BACKOFF_SECONDS = float(os.environ.get("STACK_BATCH_RETRY_BACKOFF_SECONDS") or 1.0)

# Logs: JSON lines (the default when DEBUG is off) or plain text; every record carries the request id.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "stackproject.observability.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        # The MCP client's HTTP library logs every request at INFO.
        "httpx2": {"level": "WARNING"},
    },
}
# Workers log through the same configuration (and so in the same format) as the web processes.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Prometheus metrics of every process on this machine, aggregated by /metrics. prometheus_client
# reads this variable when it is first imported, which happens after the settings are loaded.
PROMETHEUS_MULTIPROC_DIR = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or STATE_DIR / "metrics")
PROMETHEUS_MULTIPROC_DIR.mkdir(parents=True, exist_ok=True)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(PROMETHEUS_MULTIPROC_DIR)

NINJA_PAGINATION_PER_PAGE = 20
