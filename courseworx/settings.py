"""CourseWorx settings: one module, every value read from the environment.

Development defaults are embedded (SQLite, Celery eager, console e-mail) so `make run` works on a
fresh machine.  With DEBUG off there are no defaults for secrets: a missing SECRET_KEY or
ALLOWED_HOSTS stops start-up with a clear message.  Every variable is listed in README.md.
"""

import hashlib
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is optional; real deployments set the environment.
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# --- Secrets and hosts: fail fast in production --------------------------------------------
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable (a long random string), "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 (DEBUG only)
# Previous keys, still accepted while rotating SECRET_KEY (sessions, signed links, and the credentials'
# signing key, encrypted with a key derived from it: see deploy/README.md).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. Set ALLOWED_HOSTS to a comma-separated list of the site's host names."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Defaults of live settings (staff may change them in the admin, "System settings"; see courseworx/core/README.md).
SITE_NAME = env.str("SITE_NAME", default="CourseWorx")
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="support@courseworx.local")
LIVE_SETTINGS_CACHE_SECONDS = env.int("LIVE_SETTINGS_CACHE_SECONDS", default=300)

# --- Applications ----------------------------------------------------------------------------
INSTALLED_APPS = [
    "accounts.admin_site.CourseWorxAdminConfig",  # django.contrib.admin with a quieter home for instructors
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "axes",
    "csp",
    "waffle",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # ours
    "courseworx.core",
    "accounts",
    "courses",
    "learning",
    "billing",
    "community",
    "reports",
]

MIDDLEWARE = [
    # First: the request id (X-Request-ID) on every response, log line, audit row and error record.
    "courseworx.core.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): True once a second factor was checked in this session (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Before any view: NUL characters (which PostgreSQL refuses) answer 400/404 here, with the headers
    # and the signed-in layout of the middleware above; nothing above reads the database.
    "courseworx.core.middleware.RejectNulMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Staff (and anyone who enrolled) pass the second factor before any other page (accounts/otp.py).
    "accounts.middleware.RequireSecondFactorMiddleware",
    "accounts.middleware.RequirePasswordChangeMiddleware",
    # X-RateLimit-* headers on responses to API-key requests (counted by accounts.api.authentication).
    "accounts.middleware.ApiKeyRateLimitHeadersMiddleware",
    # AxesMiddleware last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "courseworx.urls"
WSGI_APPLICATION = "courseworx.wsgi.application"
ASGI_APPLICATION = "courseworx.asgi.application"

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
                "courseworx.core.context_processors.site",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if not DEBUG else 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server and a worker read while another writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql") and not env.bool(
    "DB_JIT", default=False
):
    # PostgreSQL's JIT compiler adds 0.5-1 s to the reports' aggregate plans and helps nothing here.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -----------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication --------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.EmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lock out after repeated failures: https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# Count failures under the stored form of the address, so `SEAT3@…` or ` seat3@…` is the same account.
AXES_USERNAME_CALLABLE = "accounts.identity.axes_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# Proxies in front of the app whose X-Forwarded-For entries are trusted (deploy/'s nginx: 1). The lock-out
# and the API/sign-up throttles count per client address through this one rule (courseworx/core/clientip.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "courseworx.core.clientip.client_ip"

# Sign-up attempts per client address (accounts/throttling.py): each one tells whether an e-mail is registered.
ACCOUNTS_SIGNUP_RATE = env.str("ACCOUNTS_SIGNUP_RATE", default="10/hour")
# API keys (accounts/api_keys.py): requests per minute and per hour by the key owner's role, unless the key
# has its own limits (set by staff in the admin); how many unrevoked keys one person may hold.
API_KEY_RATE_LIMITS = {
    "student": {
        "minute": env.int("API_KEY_RATE_STUDENT_MINUTE", default=60),
        "hour": env.int("API_KEY_RATE_STUDENT_HOUR", default=1000),
    },
    "instructor": {
        "minute": env.int("API_KEY_RATE_INSTRUCTOR_MINUTE", default=120),
        "hour": env.int("API_KEY_RATE_INSTRUCTOR_HOUR", default=3000),
    },
    "admin": {
        "minute": env.int("API_KEY_RATE_ADMIN_MINUTE", default=300),
        "hour": env.int("API_KEY_RATE_ADMIN_HOUR", default=10000),
    },
}
API_KEYS_MAX_PER_USER = env.int("API_KEYS_MAX_PER_USER", default=20)

# Two-factor authentication (django-otp, accounts/otp.py).  Staff (is_staff, superusers, staff-duty groups)
# must pass a TOTP code or a recovery code after their password before any page, the admin included; others
# may enrol.  Default: required in production (DEBUG off), not in development, so `make run`'s demo staff can
# log in with a password alone (set it to true to try the flow locally).
OTP_REQUIRED_FOR_STAFF = env.bool("OTP_REQUIRED_FOR_STAFF", default=not DEBUG)
# Wrong codes in a row (TOTP and recovery codes count separately) before the second factor is locked, and for how
# long; django-otp's own growing delay between attempts (1 s, 2 s, 4 s...) applies below that limit.
OTP_FAILURE_LIMIT = env.int("OTP_FAILURE_LIMIT", default=AXES_FAILURE_LIMIT)
OTP_LOCKOUT_MINUTES = env.int("OTP_LOCKOUT_MINUTES", default=env.int("AXES_COOLOFF_MINUTES", default=15))
OTP_TOTP_THROTTLE_FACTOR = env.int("OTP_TOTP_THROTTLE_FACTOR", default=1)
OTP_STATIC_THROTTLE_FACTOR = env.int("OTP_STATIC_THROTTLE_FACTOR", default=1)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="CourseWorx")
OTP_RECOVERY_CODES = 10

AVATAR_MAX_BYTES = env.int("AVATAR_MAX_BYTES", default=2 * 1024 * 1024)

# --- Course content --------------------------------------------------------------------------
_MB = 1024 * 1024
COURSE_UPLOAD_LIMITS = {
    "image": {
        "extensions": {"jpg", "jpeg", "png", "gif", "webp"},
        "max_bytes": env.int("UPLOAD_MAX_IMAGE_MB", 5) * _MB,
    },
    "document": {
        "extensions": {"pdf", "docx", "doc", "pptx", "ppt", "xlsx", "xls", "odt", "txt", "csv", "md"},
        "max_bytes": env.int("UPLOAD_MAX_DOCUMENT_MB", 50) * _MB,
    },
    "video": {"extensions": {"mp4", "m4v", "webm", "ogg"}, "max_bytes": env.int("UPLOAD_MAX_VIDEO_MB", 500) * _MB},
}
# Embedded videos are only accepted from these hosts (https).
VIDEO_EMBED_HOSTS = env.list(
    "VIDEO_EMBED_HOSTS", default=["youtube.com", "youtu.be", "youtube-nocookie.com", "vimeo.com", "player.vimeo.com"]
)

# --- Internationalisation --------------------------------------------------------------------
# The interface is translated into French and Arabic (right-to-left: base.html links Bootstrap's RTL stylesheet
# and sets <html dir="rtl">); catalogs in locale/ (README: "Translations").  Spanish and German are course-content
# languages (course translations): with them selected the interface stays in English (no catalog of ours), only
# Django's own messages (form validation) follow the language.
LANGUAGE_CODE = "en"
UI_LANGUAGES = ("en", "fr", "ar")
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español"), ("ar", "العربية"), ("de", "Deutsch")]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "courseworx" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Private uploads (attachments, submissions, lesson files, certificates, receipts, exports): never under
# MEDIA_ROOT, never served by the proxy; only permission-checked views stream them (courseworx/core/storage.py).
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "courseworx.core.storage.PrivateStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Source maps (vendored with their libraries, see courseworx/static/vendor/README.md) are fetched only by
# developer tools: not pre-compressing them halves collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- E-mail ----------------------------------------------------------------------------------
# EMAIL_URL examples: consolemail://, smtp+tls://user:pass@host:587  (django-environ email_url)
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CourseWorx <no-reply@courseworx.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security (production) -------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 30)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a deliberate, per-deployment decision.
    "security.W021",
    # Ordering constraints are DEFERRABLE on PostgreSQL (production); SQLite checks them at once.
    "models.W038",
    # Covering indexes (INCLUDE) are used on PostgreSQL (production); SQLite builds them without the extra columns.
    "models.W040",
]


# --- Content-Security-Policy (django-csp 4: https://django-csp.readthedocs.io/en/latest/configuration.html)
# Strict: scripts, styles, fonts and XHR only from our own origin, and no inline script, inline event
# handler, inline <style> or style="" attribute anywhere (tests/core/test_csp.py scans the templates;
# tests/e2e/test_csp.py loads the pages in Chromium and fails on any violation).  Behaviour lives in
# static JS files; data reaches it through json_script or data- attributes.  The one exception, per view:
# ReDoc (/api/redoc/) writes <style> elements at run time, see courseworx/core/api/docs.py.
def _embed_frame_sources(hosts: list[str]) -> list[str]:
    """The players learning.embeds.embed_url() can produce for the allowed video hosts."""
    sources = []
    if any("youtu" in host for host in hosts):
        sources.append("https://www.youtube-nocookie.com")
    if any(host == "vimeo.com" or host.endswith(".vimeo.com") for host in hosts):
        sources.append("https://player.vimeo.com")
    return sources


# Where browsers POST violation reports (env CSP_REPORT_URI).  A lower-case name: django-csp 4's start-up
# check rejects settings named like its old CSP_* ones.
_csp_report_uri = env.str("CSP_REPORT_URI", default="")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the SVG icons inside Bootstrap's stylesheet (selects, checkboxes, close buttons).
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        # Embedded lesson videos (VIDEO_EMBED_HOSTS); nothing else is framed.
        "frame-src": _embed_frame_sources(VIDEO_EMBED_HOSTS) or [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        # A real payment provider's hosted checkout would be added here (form posts that redirect to it).
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": [_csp_report_uri] if _csp_report_uri else None,
    },
}

# --- REST framework --------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Client addresses for throttling: X-Forwarded-For only from TRUSTED_PROXY_COUNT proxies (0: ignored).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes "not logged in" a 401, not a 403.
        "rest_framework.authentication.TokenAuthentication",
        # Authorization: Api-Key <key>: scoped, rate-limited keys (accounts/README.md).
        "accounts.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's defaults, with the HTML pages allowed their inline styles (courseworx/core/api/renderers.py).
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "courseworx.core.api.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "courseworx.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="1000/minute"),
        "auth_token": env.str("API_THROTTLE_TOKEN", default="10/minute"),
    },
    "EXCEPTION_HANDLER": "courseworx.core.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "courseworx.core.api.schema.AutoSchema",  # + the documented error responses
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CourseWorx API",
    "DESCRIPTION": "The CourseWorx learning platform's REST API. Authenticate with a session or "
    "`Authorization: Token <key>` (obtain one at `/api/v1/auth/token/`), or with an API key, "
    "`Authorization: Api-Key <key>` (created on the profile page or at `/api/v1/api-keys/`; scoped to areas, "
    "optionally read-only, rate-limited per key with `X-RateLimit-*` headers).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Assets served locally (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choices that are not on a model; model choices are named by courseworx.core.apps at start-up.
    "ENUM_NAME_OVERRIDES": {
        "CheckoutProductKindEnum": ["course", "bundle", "plan"],
        "FlagTargetKindEnum": "community.models.FlagTargetKind",
        # The outbound webhooks' event catalogue (courseworx/core/webhooks.py).
        "WebhookEventTypeEnum": "courseworx.core.webhooks.EVENT_TYPE_CHOICES",
    },
}

# --- Community ------------------------------------------------------------------------------
COMMUNITY_FLAG_HIDE_THRESHOLD = env.int("COMMUNITY_FLAG_HIDE_THRESHOLD", default=3)
COMMUNITY_POST_RATE_LIMIT = env.int("COMMUNITY_POST_RATE_LIMIT", default=6)
COMMUNITY_POST_RATE_WINDOW = env.int("COMMUNITY_POST_RATE_WINDOW", default=60)
COMMUNITY_TICKET_ATTACHMENT_MAX_MB = env.int("COMMUNITY_TICKET_ATTACHMENT_MAX_MB", default=10)
COMMUNITY_TICKET_ATTACHMENTS_MAX = env.int("COMMUNITY_TICKET_ATTACHMENTS_MAX", default=5)
COMMUNITY_DIGEST_HOUR = env.int("COMMUNITY_DIGEST_HOUR", default=7)

# --- Recommendations (learning/services/recommendations.py; the nightly learning.recommendations_compute) ---
# Each active user's top N courses; the score is a weighted blend of item-to-item co-enrolment (cosine of the
# courses' learner sets), content similarity (TF-IDF-like cosine over categories, tags and title words) and
# popularity (recent enrolments and rating).  RECOMMENDATIONS_PER_USER is also a live setting.
RECOMMENDATIONS_PER_USER = env.int("RECOMMENDATIONS_PER_USER", default=10)
RECOMMENDATIONS_WEIGHT_CO_ENROLMENT = env.float("RECOMMENDATIONS_WEIGHT_CO_ENROLMENT", default=0.6)
RECOMMENDATIONS_WEIGHT_CONTENT = env.float("RECOMMENDATIONS_WEIGHT_CONTENT", default=0.3)
RECOMMENDATIONS_WEIGHT_POPULARITY = env.float("RECOMMENDATIONS_WEIGHT_POPULARITY", default=0.1)
# Pairs of courses with fewer shared learners are ignored (noise, and course pages must not reveal one learner).
RECOMMENDATIONS_MIN_CO_ENROLMENTS = env.int("RECOMMENDATIONS_MIN_CO_ENROLMENTS", default=2)
RECOMMENDATIONS_NEIGHBOURS = env.int("RECOMMENDATIONS_NEIGHBOURS", default=50)  # related courses kept per course
RECOMMENDATIONS_POPULAR_DAYS = env.int("RECOMMENDATIONS_POPULAR_DAYS", default=30)
RECOMMENDATIONS_BATCH_SIZE = env.int("RECOMMENDATIONS_BATCH_SIZE", default=500)  # users per transaction
# Evaluation: hit-rate@10 on the most recent enrolment (within these days) of up to this many users.
RECOMMENDATIONS_EVAL_DAYS = env.int("RECOMMENDATIONS_EVAL_DAYS", default=30)
RECOMMENDATIONS_EVAL_USERS = env.int("RECOMMENDATIONS_EVAL_USERS", default=500)
RECOMMENDATIONS_HOUR = env.int("RECOMMENDATIONS_HOUR", default=1)

# --- Reports (read through reports/conf.py) -------------------------------------------------
REPORTS_DEFAULT_RANGE_DAYS = env.int("REPORTS_DEFAULT_RANGE_DAYS", default=90)
REPORTS_PAGE_SIZE = env.int("REPORTS_PAGE_SIZE", default=25)
REPORTS_SYNC_EXPORT_MAX_ROWS = env.int("REPORTS_SYNC_EXPORT_MAX_ROWS", default=5000)
REPORTS_PDF_MAX_ROWS = env.int("REPORTS_PDF_MAX_ROWS", default=2000)
REPORTS_SYNC_PDF_MAX_ROWS = env.int("REPORTS_SYNC_PDF_MAX_ROWS", default=500)
REPORTS_EXPORT_RETENTION_DAYS = env.int("REPORTS_EXPORT_RETENTION_DAYS", default=7)
REPORTS_DATA_EXPORT_LINK_HOURS = env.int("REPORTS_DATA_EXPORT_LINK_HOURS", default=48)
REPORTS_MOBILE_LOG_MAX_EVENTS = env.int("REPORTS_MOBILE_LOG_MAX_EVENTS", default=100)
REPORTS_MOBILE_LOG_MAX_BYTES = env.int("REPORTS_MOBILE_LOG_MAX_BYTES", default=256 * 1024)
REPORTS_MOBILE_LOG_RATE = env.str("REPORTS_MOBILE_LOG_RATE", default="120/minute")
REPORTS_MOBILE_LOG_RETENTION_DAYS = env.int("REPORTS_MOBILE_LOG_RETENTION_DAYS", default=90)
REPORTS_DROP_OFF_INACTIVE_DAYS = env.int("REPORTS_DROP_OFF_INACTIVE_DAYS", default=14)
REPORTS_ROLLUPS = env.bool("REPORTS_ROLLUPS", default=True)
REPORTS_ROLLUP_REFRESH_MINUTES = env.int("REPORTS_ROLLUP_REFRESH_MINUTES", default=15)
REPORTS_ROLLUP_MAX_AGE_MINUTES = env.int("REPORTS_ROLLUP_MAX_AGE_MINUTES", default=60)

# --- Certification exams (learning; the first three are live settings, see learning/apps.py) ----------
# An answer or submission this many seconds after an attempt's deadline is still taken (network, clicks).
EXAM_GRACE_SECONDS = env.int("EXAM_GRACE_SECONDS", default=10)
# An attempt is flagged for review when a suspicious proctoring event kind occurred this many times.
EXAM_PROCTOR_FLAG_THRESHOLD = env.int("EXAM_PROCTOR_FLAG_THRESHOLD", default=3)
# At most this many proctoring events are stored per attempt (the rest are only counted).
EXAM_PROCTOR_MAX_EVENTS = env.int("EXAM_PROCTOR_MAX_EVENTS", default=300)
# At most this many events in one request from the browser.
EXAM_PROCTOR_MAX_BATCH = env.int("EXAM_PROCTOR_MAX_BATCH", default=50)

# --- Billing (read through billing/conf.py) -------------------------------------------------
BILLING_CURRENCY = env.str("BILLING_CURRENCY", default="USD")
# ISO 4217 codes a price may be given in when billing's Currency table is not available (billing registers the
# active Currency rows as the choice; see courseworx/core/currency.py); the site's (base) currency comes first.
_CURRENCIES = env.list("CURRENCIES", default=["USD", "EUR", "GBP", "CAD", "AUD", "CHF", "INR"])
CURRENCIES = list(dict.fromkeys([BILLING_CURRENCY, *_CURRENCIES]))
BILLING_TAX_RATE_PERCENT = Decimal(env.str("BILLING_TAX_RATE_PERCENT", default="0.00"))
# --- Gamification (learning/services/gamification.py; live settings, see LearningConfig.ready) -----
GAMIFICATION_POINTS_LESSON = env.int("GAMIFICATION_POINTS_LESSON", default=10)
GAMIFICATION_POINTS_COURSE = env.int("GAMIFICATION_POINTS_COURSE", default=100)
# A passed quiz earns up to this many points, scaled by its score (80 % -> 80 % of it).
GAMIFICATION_POINTS_QUIZ = env.int("GAMIFICATION_POINTS_QUIZ", default=20)
GAMIFICATION_POINTS_ACCEPTED_ANSWER = env.int("GAMIFICATION_POINTS_ACCEPTED_ANSWER", default=15)
GAMIFICATION_POINTS_REVIEW = env.int("GAMIFICATION_POINTS_REVIEW", default=5)
# How many places each leaderboard snapshot keeps.
GAMIFICATION_LEADERBOARD_SIZE = env.int("GAMIFICATION_LEADERBOARD_SIZE", default=50)

BILLING_REFUND_WINDOW_DAYS = env.int("BILLING_REFUND_WINDOW_DAYS", default=14)
BILLING_REFUND_MAX_PROGRESS_PERCENT = Decimal(env.str("BILLING_REFUND_MAX_PROGRESS_PERCENT", default="30"))
BILLING_REFUND_RESTORES_COUPON = env.bool("BILLING_REFUND_RESTORES_COUPON", default=True)
BILLING_REFUND_REVERSES_REFERRAL_CREDIT = env.bool("BILLING_REFUND_REVERSES_REFERRAL_CREDIT", default=True)
BILLING_SUBSCRIPTION_GRACE_DAYS = env.int("BILLING_SUBSCRIPTION_GRACE_DAYS", default=7)
BILLING_PENDING_PAYMENT_TTL_HOURS = env.int("BILLING_PENDING_PAYMENT_TTL_HOURS", default=24)
BILLING_DEFAULT_PROVIDER = env.str("BILLING_DEFAULT_PROVIDER", default="sandbox")
# The sandbox lets buyers mark their own payments as paid: on in development only (a deploy check warns).
BILLING_SANDBOX_ENABLED = env.bool("BILLING_SANDBOX_ENABLED", default=DEBUG)
# Signs the sandbox provider's webhooks; unset, it is derived from SECRET_KEY (never a fixed value).
BILLING_SANDBOX_WEBHOOK_SECRET = (
    env.str("BILLING_SANDBOX_WEBHOOK_SECRET", default="")
    or hashlib.sha256(f"courseworx-sandbox-webhook:{SECRET_KEY}".encode()).hexdigest()
)
BILLING_WEBHOOK_TOLERANCE_SECONDS = env.int("BILLING_WEBHOOK_TOLERANCE_SECONDS", default=300)
BILLING_REFERRAL_CREDIT_AMOUNT = Decimal(env.str("BILLING_REFERRAL_CREDIT_AMOUNT", default="10.00"))
BILLING_DEFAULT_REVENUE_SHARE_PERCENT = Decimal(env.str("BILLING_DEFAULT_REVENUE_SHARE_PERCENT", default="70.00"))
# Where the daily task billing.exchange_rates_import reads rates: a file path or an https URL (SSRF-checked)
# of JSON {"base": "USD", "date": "2026-12-01", "rates": {"EUR": "0.92", ...}}; empty: the task does nothing.
BILLING_EXCHANGE_RATES_SOURCE = env.str("BILLING_EXCHANGE_RATES_SOURCE", default="")

# --- Backups (courseworx/core/backups.py: manage.py backup / restore, the nightly core.backup_run) -------------
# Outside the media roots in production (a backup inside MEDIA_ROOT is left out of the media archive anyway).
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(BASE_DIR / "backups")))
BACKUP_KEEP = env.int("BACKUP_KEEP", default=7)  # the newest N backups are kept...
BACKUP_KEEP_DAYS = env.int("BACKUP_KEEP_DAYS", default=30)  # ...and none older than this (0: no age limit)
BACKUP_HOUR = env.int("BACKUP_HOUR", default=1)  # the nightly backup's hour (TIME_ZONE), at :20

# --- Outbound webhooks (courseworx/core/webhooks.py, services_webhooks.py) ---------------------
# Private, loopback and link-local destinations (and plain http) are refused unless these are on: development only.
WEBHOOKS_ALLOW_PRIVATE_URLS = env.bool("WEBHOOKS_ALLOW_PRIVATE_URLS", default=DEBUG)
WEBHOOKS_ALLOW_HTTP = env.bool("WEBHOOKS_ALLOW_HTTP", default=DEBUG)
WEBHOOKS_TIMEOUT_SECONDS = env.int("WEBHOOKS_TIMEOUT_SECONDS", default=10)
# Attempts per delivery; waits between them: base * 2^(n-1) seconds, at most WEBHOOKS_RETRY_MAX_SECONDS.
WEBHOOKS_MAX_ATTEMPTS = env.int("WEBHOOKS_MAX_ATTEMPTS", default=8)
WEBHOOKS_RETRY_BASE_SECONDS = env.int("WEBHOOKS_RETRY_BASE_SECONDS", default=60)
WEBHOOKS_RETRY_MAX_SECONDS = env.int("WEBHOOKS_RETRY_MAX_SECONDS", default=6 * 3600)
# An endpoint is disabled (and its owner notified) after this many failed attempts in a row.
WEBHOOKS_DISABLE_AFTER_FAILURES = env.int("WEBHOOKS_DISABLE_AFTER_FAILURES", default=10)
# After a secret rotation the previous secret also signs for this long.
WEBHOOKS_SECRET_OVERLAP_HOURS = env.int("WEBHOOKS_SECRET_OVERLAP_HOURS", default=24)
# Staff groups whose members' endpoints receive every event (administrators always do; instructors their courses').
WEBHOOKS_ALL_EVENTS_GROUPS = env.list("WEBHOOKS_ALL_EVENTS_GROUPS", default=["Finance"])
WEBHOOKS_MAX_ENDPOINTS_PER_USER = env.int("WEBHOOKS_MAX_ENDPOINTS_PER_USER", default=10)
WEBHOOKS_RETENTION_DAYS = env.int("WEBHOOKS_RETENTION_DAYS", default=30)

# --- Celery ----------------------------------------------------------------------------------
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or "cache+memory://")
# No broker configured: run tasks in-process (development, tests).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers keep LOGGING below (request ids, LOG_FORMAT=json) instead of Celery's own root handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic jobs, declared here by task name (django-celery-beat syncs them into its tables at start-up).
CELERY_BEAT_SCHEDULE = {
    "learning-course-stats-refresh": {"task": "learning.course_stats_refresh_all", "schedule": crontab(minute="*/30")},
    "learning-class-sessions-close": {"task": "learning.class_sessions_close_due", "schedule": crontab(minute="*/15")},
    "learning-class-session-reminders": {"task": "learning.class_session_reminders", "schedule": crontab(minute=5)},
    "learning-career-paths-reconcile": {
        "task": "learning.career_paths_reconcile",
        "schedule": crontab(hour=3, minute=40),
    },
    "learning-leaderboards-refresh": {"task": "learning.leaderboards_refresh", "schedule": crontab(minute="*/10")},
    # Exam attempts past their deadline are closed and graded with the answers saved in time.
    "learning-exam-attempts-close": {"task": "learning.exam_attempts_close_due", "schedule": crontab(minute="*/5")},
    "community-daily-digest": {  # name kept: beat's stored entry is updated in place
        "task": "core.notification_send_daily_digests",
        "schedule": crontab(minute=0, hour=COMMUNITY_DIGEST_HOUR),
    },
    "core-backup-nightly": {"task": "core.backup_run", "schedule": crontab(hour=BACKUP_HOUR, minute=20)},
    "core-pending-uploads-purge": {"task": "core.pending_uploads_purge", "schedule": crontab(hour=2, minute=40)},
    "core-job-runs-purge": {"task": "core.job_runs_purge", "schedule": crontab(hour=2, minute=50)},
    # Outbox events the dispatch task missed (broker down) and due retries; finished events' clean-up.
    "core-webhooks-sweep": {"task": "core.webhook_sweep", "schedule": 60.0},
    "core-webhooks-purge": {"task": "core.webhook_events_purge", "schedule": crontab(hour=2, minute=50)},
    "reports-content-analytics": {"task": "reports.content_analytics_refresh", "schedule": crontab(minute=15)},
    "reports-accessibility-scan": {"task": "reports.accessibility_scan", "schedule": crontab(hour=3, minute=30)},
    "reports-subscriptions": {"task": "reports.subscriptions_send", "schedule": crontab(hour=6, minute=0)},
    "reports-cleanup": {"task": "reports.cleanup", "schedule": crontab(hour=4, minute=0)},
    "reports-rollups": {"task": "reports.rollups_refresh", "schedule": REPORTS_ROLLUP_REFRESH_MINUTES * 60.0},
    "billing-subscriptions-renew": {"task": "billing.subscriptions_renew_due", "schedule": crontab(minute=15)},
    "billing-subscriptions-expire": {"task": "billing.subscriptions_expire_due", "schedule": crontab(minute=45)},
    "billing-exchange-rates-import": {"task": "billing.exchange_rates_import", "schedule": crontab(hour=5, minute=5)},
    "billing-payments-expire-pending": {
        "task": "billing.payments_expire_pending",
        "schedule": crontab(minute=30, hour="*/6"),
    },
    "billing-course-revenue": {"task": "billing.course_revenue_refresh_all", "schedule": crontab(hour=3, minute=10)},
    "learning-recommendations": {
        "task": "learning.recommendations_compute",
        "schedule": crontab(hour=RECOMMENDATIONS_HOUR, minute=15),
    },
}
# Heavy or slow work gets its own queue so workers can be scaled per queue (see README).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "learning.certificate_*": {"queue": "certificates"},
    "core.notification_*": {"queue": "notifications"},
    "reports.*": {"queue": "reports"},
    "learning.recommendations_*": {"queue": "reports"},  # a long batch job: off the interactive default queue
    "billing.receipt_*": {"queue": "certificates"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Run history of the periodic jobs above (core.JobRun, admin "Job runs"): kept this many days.
JOB_RUNS_RETENTION_DAYS = env.int("JOB_RUNS_RETENTION_DAYS", default=30)

# --- Feature flags (django-waffle; see courseworx/core/flags.py) ----------------------------------
WAFFLE_FLAG_MODEL = "core.FeatureFlag"
WAFFLE_ENABLE_ADMIN_PAGES = False  # core's admin shows the flags (roles, audit); no switches or samples
WAFFLE_CACHE_PREFIX = "waffle:"

# --- Logging ---------------------------------------------------------------------------------
# LOG_FORMAT: "plain" (development) or "json" (production: one JSON object per line, see
# courseworx/core/logging.py).  Every record carries the request id (X-Request-ID) of its request or task.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be 'plain' or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "courseworx.core.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {"()": "courseworx.core.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Demo data -------------------------------------------------------------------------------
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="demo-pass-2026")
