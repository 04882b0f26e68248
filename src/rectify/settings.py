"""One settings module; everything that varies between machines comes from the environment."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from rectify.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
RECTIFY_HOME = Path(env_str("RECTIFY_HOME", str(Path.cwd() / "var"))).resolve()
RECTIFY_HOME.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("RECTIFY_DEBUG", False)


def _secret_key() -> str:
    configured = env_str("RECTIFY_SECRET_KEY", "")
    if configured:
        return configured
    # Embedded use: keep a generated key in the data directory so sessions survive restarts.
    key_file = RECTIFY_HOME / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("RECTIFY_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("RECTIFY_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # the API docs page then uses ninja's bundled Swagger UI, not a CDN (intranet; DECISIONS 37)
    "django_tasks",
    "django_tasks_db",
    "axes",
    "rectify.core",
    "rectify.accounts",
    "rectify.audit",
    "rectify.orgs",
    "rectify.inspections",
    "rectify.rectification",
    "rectify.supervision",
    "rectify.notifications",
    "rectify.accountability",
    "rectify.ledger",
    "rectify.reports",
    "rectify.cases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "rectify.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "rectify.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "rectify.core.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a refused login into the login page with the lockout message
]

ROOT_URLCONF = "rectify.urls"
WSGI_APPLICATION = "rectify.wsgi.application"

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
                "rectify.core.context_processors.navigation",
                "rectify.notifications.context_processors.inbox",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
# SQLite in RECTIFY_HOME is the embedded default; DATABASE_URL selects PostgreSQL in production.
_database_url = env_str("DATABASE_URL", f"sqlite:///{RECTIFY_HOME / 'rectify.sqlite3'}")
try:
    _db = dj_database_url.parse(_database_url, conn_max_age=env_int("RECTIFY_DB_CONN_MAX_AGE", 60))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL Rectify understands: {exc}") from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at BEGIN
        # so two writers queue on busy_timeout instead of failing with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 60,  # a 100,000-task import holds the write lock for about 25 s; others wait, not fail
    }
    _db["TEST"] = {"NAME": str(RECTIFY_HOME / "test_rectify.sqlite3") if env_bool("RECTIFY_TEST_SQLITE_FILE", False) else None}
elif _db["ENGINE"] in ("django.db.backends.postgresql",):
    _db.setdefault("TEST", {})["NAME"] = env_str("RECTIFY_TEST_DB_NAME", "test_rectify")
    # Short OLTP queries over indexed rows: the JIT compiler adds 0.4-1.3 s to aggregates for nothing
    # (measured in issue 9), so the project turns it off instead of relying on the server's defaults.
    # work_mem: the case library's RUM index sorts every match of a common word by rank; at the server's 4 MB
    # default that sort spills to disk (0.19 s for 87,000 matches at 10^5 documents, 0.12 s at 32 MB).
    _work_mem = env_str("RECTIFY_PG_WORK_MEM", "32MB").replace(" ", "")
    if not re.fullmatch(r"\d+(kB|MB|GB)?", _work_mem):
        raise ImproperlyConfigured(f"RECTIFY_PG_WORK_MEM={_work_mem!r}: a size such as 32MB, 64MB or 1GB")
    _db.setdefault("OPTIONS", {})["options"] = f"-c jit=off -c work_mem={_work_mem}"
else:
    raise ImproperlyConfigured("DATABASE_URL must point at SQLite or PostgreSQL")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]
AUTHENTICATION_BACKENDS = [
    "rectify.accounts.throttle.LoginThrottleBackend",  # refuses a locked account or address first
    "django.contrib.auth.backends.ModelBackend",
]

# --- Login throttling (django-axes; see accounts/throttle.py and DECISIONS) ------------------------
# A lock by account and, separately, by client address: either one reaching the limit within the
# lockout period refuses further logins until the period has passed since the failure that locked it.
RECTIFY_LOGIN_MAX_FAILURES = env_int("RECTIFY_LOGIN_MAX_FAILURES", 5, minimum=1)
RECTIFY_LOGIN_LOCKOUT_MINUTES = env_int("RECTIFY_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
# Behind a reverse proxy: the header it sets with the client's address (e.g. X-Forwarded-For or
# X-Real-IP) and how many proxies append to it. Empty: the socket peer (REMOTE_ADDR).
RECTIFY_CLIENT_IP_HEADER = env_str("RECTIFY_CLIENT_IP_HEADER", "")
RECTIFY_PROXY_COUNT = env_int("RECTIFY_PROXY_COUNT", 1, minimum=1)
AXES_FAILURE_LIMIT = RECTIFY_LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = dt.timedelta(minutes=RECTIFY_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # attempts while locked do not extend the lock
AXES_RESET_ON_SUCCESS = True  # a successful login forgets this account's and address's earlier failures
AXES_HANDLER = "rectify.accounts.throttle.ClockedDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "rectify.accounts.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "rectify.accounts.views.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # successful logins are not logged a second time (User.last_login has it)
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username"]  # logs name the client address of a failure, never what was typed
AXES_ENABLE_ADMIN = False

# API tokens expire; `rectify token NAME --expires-days N` or the admin page may choose otherwise.
RECTIFY_TOKEN_DAYS = env_int("RECTIFY_TOKEN_DAYS", 180, minimum=1)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("RECTIFY_SESSION_SECONDS", 8 * 3600, minimum=300)
SESSION_COOKIE_SECURE = env_bool("RECTIFY_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"  # shown to users; stored in UTC (USE_TZ)

# --- Files -------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = RECTIFY_HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the installed packages: no collectstatic step
MEDIA_ROOT = RECTIFY_HOME / "media"
MEDIA_URL = "media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Each uploaded file is counted as it streams in and skipped past its view's limit, before it is stored
# (core/uploads.py: evidence RECTIFY_EVIDENCE_MAX_MB, spreadsheets RECTIFY_SHEET_MAX_FILE_MB).
FILE_UPLOAD_HANDLERS = [
    "rectify.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Background work -----------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Domain defaults (DOMAIN.md marks these as configurable) ---------------------------------------
# Typical-case library imports (rectify.cases.reading): one file at most, and a .docx unpacked at most.
RECTIFY_CASE_MAX_FILE_BYTES = env_int("RECTIFY_CASE_MAX_FILE_MB", 20, minimum=1) * 1024 * 1024
RECTIFY_CASE_MAX_UNPACKED_BYTES = env_int("RECTIFY_CASE_MAX_UNPACKED_MB", 50, minimum=1) * 1024 * 1024
RECTIFY_EVIDENCE_MAX_BYTES = env_int("RECTIFY_EVIDENCE_MAX_MB", 50, minimum=1) * 1024 * 1024
RECTIFY_EVIDENCE_EXTENSIONS = env_list(
    "RECTIFY_EVIDENCE_EXTENSIONS",
    ["pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "ofd", "jpg", "jpeg", "png", "txt", "zip", "rar", "mp4"],
)
# Spreadsheets (ledgers, rosters) are checked before they are built: see ledger/guard.py and DECISIONS 19.
RECTIFY_SHEET_MAX_FILE_BYTES = env_int("RECTIFY_SHEET_MAX_FILE_MB", 100, minimum=1) * 1024 * 1024
RECTIFY_SHEET_MAX_UNCOMPRESSED_BYTES = env_int("RECTIFY_SHEET_MAX_UNCOMPRESSED_MB", 500, minimum=1) * 1024 * 1024
RECTIFY_SHEET_MAX_CELLS = env_int("RECTIFY_SHEET_MAX_CELLS", 10_000_000, minimum=1000)
RECTIFY_SHEET_MAX_COLUMNS = env_int("RECTIFY_SHEET_MAX_COLUMNS", 1000, minimum=10)
# ... and read in a child process limited in address space and wall-clock time (ledger/sandbox.py).
RECTIFY_PARSE_MAX_MEMORY_MB = env_int("RECTIFY_PARSE_MAX_MEMORY_MB", 2048, minimum=256)
RECTIFY_PARSE_TIMEOUT_SECONDS = env_int("RECTIFY_PARSE_TIMEOUT_SECONDS", 300, minimum=5)
# Background jobs (ledger imports): a claim holds a lease, renewed while the job reports progress; a job whose
# lease ran out (its worker died) is queued again, or failed after this many attempts (ledger/jobs.py).
RECTIFY_JOB_LEASE_SECONDS = env_int("RECTIFY_JOB_LEASE_SECONDS", 300, minimum=1)
RECTIFY_JOB_MAX_ATTEMPTS = env_int("RECTIFY_JOB_MAX_ATTEMPTS", 2, minimum=1)
RECTIFY_YELLOW_DAYS_DEFAULT = env_int("RECTIFY_YELLOW_DAYS", 10, minimum=0)
RECTIFY_NOTICE_DAYS_DEFAULT = env_int("RECTIFY_NOTICE_DAYS", 20, minimum=0)
RECTIFY_RECTIFICATION_MONTHS_DEFAULT = env_int("RECTIFY_RECTIFICATION_MONTHS", 3, minimum=1)
RECTIFY_REPORT_MONTHS_DEFAULT = env_int("RECTIFY_REPORT_MONTHS", 2, minimum=1)
# Report cycles (issue 10 §2, reports/cycles.py): a round's default progress-report cadence (🟡 half-monthly) and
# how many working days a missed report stays yellow before it turns red.
RECTIFY_REPORT_CADENCE_DEFAULT = env_str("RECTIFY_REPORT_CADENCE", "biweekly")
if RECTIFY_REPORT_CADENCE_DEFAULT not in ("weekly", "biweekly", "monthly"):
    raise ImproperlyConfigured("RECTIFY_REPORT_CADENCE must be weekly, biweekly or monthly")
RECTIFY_REPORT_GRACE_WORKDAYS_DEFAULT = env_int("RECTIFY_REPORT_GRACE_WORKDAYS", 5, minimum=0)
# Rule 2: a 长期坚持 task is reviewed this often unless its plan says otherwise.
RECTIFY_LONG_TERM_REVIEW_MONTHS = env_int("RECTIFY_LONG_TERM_REVIEW_MONTHS", 6, minimum=1)
# A supervision order still unanswered this many days before its response deadline shows yellow (red once past).
RECTIFY_ORDER_DUE_SOON_DAYS = env_int("RECTIFY_ORDER_DUE_SOON_DAYS", 3, minimum=0)
# A ledger export of at most this many tasks is written inside the request; a bigger one by the worker.
RECTIFY_EXPORT_INLINE_TASKS = env_int("RECTIFY_EXPORT_INLINE_TASKS", 5000, minimum=0)
RECTIFY_PAGE_SIZE = env_int("RECTIFY_PAGE_SIZE", 20, minimum=5)
# Rule 12: a clue handed over this many months ago without results raises an alert (🟡 3 months).
RECTIFY_CLUE_FEEDBACK_MONTHS = env_int("RECTIFY_CLUE_FEEDBACK_MONTHS", 3, minimum=1)
# Precise accountability (issue 12). Rule 21: appeal within this many calendar months of delivery, answer within
# this many of receipt; rule 22: organisational formalities within this many of the decision (all 🟡 1 month).
RECTIFY_APPEAL_MONTHS = env_int("RECTIFY_APPEAL_MONTHS", 1, minimum=1)
RECTIFY_APPEAL_ANSWER_MONTHS = env_int("RECTIFY_APPEAL_ANSWER_MONTHS", 1, minimum=1)
RECTIFY_FORMALITIES_MONTHS = env_int("RECTIFY_FORMALITIES_MONTHS", 1, minimum=1)
# 问责泛化: more subjects than this for one problem, or more than this many with the same responsibility type.
RECTIFY_ACCOUNTABILITY_MAX_SUBJECTS = env_int("RECTIFY_ACCOUNTABILITY_MAX_SUBJECTS", 5, minimum=1)
RECTIFY_ACCOUNTABILITY_MAX_SAME_TYPE = env_int("RECTIFY_ACCOUNTABILITY_MAX_SAME_TYPE", 3, minimum=1)
# 问责不严 / 过度问责: a decision this many severity steps lighter or heavier than similar decided cases.
RECTIFY_ACCOUNTABILITY_SEVERITY_GAP = env_int("RECTIFY_ACCOUNTABILITY_SEVERITY_GAP", 2, minimum=1)
# Conflict of interest (scenario 9): worked in the unit, or a superior/subordinate or same leadership body,
# within this many years.
RECTIFY_CONFLICT_YEARS = env_int("RECTIFY_CONFLICT_YEARS", 3, minimum=1)
# False-rectification red flags (issue 11 §5): a unit's close-outs submitted in the last this-many days before the
# task's deadline or the end of the concentrated period, at least this many and this share (%) of its close-outs.
RECTIFY_RED_FLAG_LAST_MINUTE_DAYS = env_int("RECTIFY_RED_FLAG_LAST_MINUTE_DAYS", 3, minimum=1)
RECTIFY_RED_FLAG_LAST_MINUTE_COUNT = env_int("RECTIFY_RED_FLAG_LAST_MINUTE_COUNT", 5, minimum=2)
RECTIFY_RED_FLAG_LAST_MINUTE_SHARE = env_int("RECTIFY_RED_FLAG_LAST_MINUTE_SHARE", 50, minimum=1)

# Notifications (DECISIONS 35). E-mail goes out over SMTP only when RECTIFY_SMTP_HOST is set; the inbox always.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("RECTIFY_SMTP_HOST", "")
EMAIL_PORT = env_int("RECTIFY_SMTP_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("RECTIFY_SMTP_USER", "")
EMAIL_HOST_PASSWORD = env_str("RECTIFY_SMTP_PASSWORD", "")  # or RECTIFY_SMTP_PASSWORD_FILE
EMAIL_USE_TLS = env_bool("RECTIFY_SMTP_TLS", False)
EMAIL_TIMEOUT = env_int("RECTIFY_SMTP_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("RECTIFY_MAIL_FROM", "rectify@localhost")
RECTIFY_EMAIL_ENABLED = bool(EMAIL_HOST)
RECTIFY_NOTIFY_HOUR = env_int("RECTIFY_NOTIFY_HOUR", 8, minimum=0)  # the worker's daily run, local time
RECTIFY_WEBHOOK_TIMEOUT = env_int("RECTIFY_WEBHOOK_TIMEOUT", 10, minimum=1)
RECTIFY_ADMONITION_DAYS = env_int("RECTIFY_ADMONITION_DAYS", 15, minimum=1)
RECTIFY_ADMONITION_FINAL_WORKING_DAYS = env_int("RECTIFY_ADMONITION_FINAL_WORKING_DAYS", 10, minimum=1)
RECTIFY_REVIEW_WARNING_WORKING_DAYS = env_int("RECTIFY_REVIEW_WARNING_WORKING_DAYS", 5, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("RECTIFY_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"},
                # axes logs every attempt at INFO; failures and lockouts (WARNING) are what operators need
                "axes": {"level": "WARNING"}},
}
