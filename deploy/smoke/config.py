"""The smoke's settings and constants, its log, and the environment file it writes from
deploy/courseworx.env.example (production values, its own database, Redis and folders)."""

import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
DEPLOY = BASE_DIR / "deploy"
SERVER_ROOT = "/srv/courseworx"  # the paths deploy/README.md uses
REQUIRED_HEADERS = (
    "Content-Security-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
)
QUEUES = "default,certificates,notifications,reports"
# Route names never requested: they end the session being crawled.
SKIPPED_ROUTE_NAMES = {"logout"}
CERTIFICATE_TIMEOUT = 120
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

START = time.monotonic()


def elapsed() -> str:
    return f"{time.monotonic() - START:5.1f}s"


def log(message: str) -> None:
    print(f"[smoke {elapsed()}] {message}", flush=True)


class SmokeError(Exception):
    """A step that cannot go on (the crawl's own failures are collected, not raised)."""


# --- Configuration ---------------------------------------------------------------------------------


@dataclass
class Config:
    database_url: str = os.environ.get("SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/courseworx_smoke")
    redis_url: str = os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/13")
    broker_url: str = os.environ.get("SMOKE_BROKER_URL", "redis://127.0.0.1:6379/14")
    port: int = int(os.environ.get("SMOKE_PORT", "18400"))
    allow_missing: set = field(
        default_factory=lambda: {
            h.strip().lower() for h in os.environ.get("SMOKE_ALLOW_MISSING", "").split(",") if h.strip()
        }
    )
    concurrency: int = int(os.environ.get("SMOKE_CONCURRENCY", "3"))
    keep: bool = os.environ.get("SMOKE_KEEP", "") not in ("", "0", "false")
    nginx: str = os.environ.get("NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"

    @property
    def https_port(self) -> int:
        return self.port + 1

    @property
    def http_port(self) -> int:
        return self.port + 2

    @property
    def site(self) -> str:
        return f"https://localhost:{self.https_port}"


# --- Environment file ------------------------------------------------------------------------------


def read_env_file(path: Path) -> dict[str, str]:
    """NAME=value lines as systemd's EnvironmentFile= reads them (comments, blank lines, quotes)."""
    values = {}
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name.strip()):
            raise SmokeError(f"{path}:{number}: not NAME=value: {raw!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[name.strip()] = value
    return values


def write_env_file(path: Path, values: dict[str, str]) -> None:
    lines = ["# Written by deploy/smoke (make prod-smoke) from deploy/courseworx.env.example"]
    for name, value in values.items():
        needs_quotes = re.search(r"[\s<>|&;$`'\\\"]", value)
        lines.append(f'{name}="{value}"' if needs_quotes else f"{name}={value}")
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)


def production_env(config: Config, work: Path) -> dict[str, str]:
    example = read_env_file(DEPLOY / "courseworx.env.example")
    required = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
    required |= {"EMAIL_URL", "STATIC_ROOT", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"}
    missing = required - set(example)
    if missing:
        raise SmokeError(f"deploy/courseworx.env.example lacks {', '.join(sorted(missing))}")
    if example["DEBUG"].lower() != "false":
        raise SmokeError("deploy/courseworx.env.example must set DEBUG=false")
    env = dict(example)
    env.update(
        {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "CSRF_TRUSTED_ORIGINS": config.site,
            "SITE_URL": config.site,
            "DATABASE_URL": config.database_url,
            "REDIS_URL": config.redis_url,
            "CELERY_BROKER_URL": config.broker_url,
            # No mail leaves this machine: e-mails (notifications) are printed in the worker's log.
            "EMAIL_URL": "consolemail://",
            "STATIC_ROOT": str(work / "static"),
            "MEDIA_ROOT": str(work / "media"),
            "PRIVATE_MEDIA_ROOT": str(work / "private_media"),
            "BACKUP_DIR": str(work / "backups"),
            "GUNICORN_BIND": f"127.0.0.1:{config.port}",
            "GUNICORN_WORKERS": os.environ.get("SMOKE_GUNICORN_WORKERS", "3"),
            "GUNICORN_ACCESS_LOG": str(work / "logs" / "gunicorn-access.log"),
            # One client address makes every request: the crawl would hit the anonymous 60/minute limit,
            # and ten accounts crawling the token endpoint (plus the certificate flow's token) the
            # 10/minute one.  The limits themselves are tested in the suite, not here.
            "API_THROTTLE_ANON": "1000/minute",
            "API_THROTTLE_TOKEN": "1000/minute",
            "ACCOUNTS_SIGNUP_RATE": "1000/hour",
        }
    )
    return env


def process_env(values: dict[str, str], **extra: str) -> dict[str, str]:
    """A clean environment: the file's values, not whatever the caller's shell (or CI) exported."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PGPASSWORD", "TZ")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update(values)
    env.update(extra)
    env["PYTHONUNBUFFERED"] = "1"
    return env
