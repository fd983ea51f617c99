"""Production settings fail fast without secrets and pass `check --deploy`; front-end assets are vendored."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

BASE_DIR = Path(settings.BASE_DIR)
VENDOR = BASE_DIR / "courseworx" / "static" / "vendor"

# Variables pytest-env (pyproject.toml) or a developer's shell may set; each subprocess starts without them.
ENV_TO_STRIP = (
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by tests/e2e/conftest.py; check --deploy rightly refuses it
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "AXES_ENABLED",
    "EMAIL_URL",
    "MEDIA_ROOT",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "CSRF_TRUSTED_ORIGINS",
)


def production_env(**values: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ENV_TO_STRIP}
    # Empty rather than absent: an optional .env file must not fill them in (read_env uses setdefault).
    env.update(
        {"DJANGO_SETTINGS_MODULE": "courseworx.settings", "DEBUG": "false", "SECRET_KEY": "", "ALLOWED_HOSTS": ""}
    )
    env.update(values)
    return env


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def long_secret() -> str:
    return secrets.token_urlsafe(50)


def test_missing_secret_key_stops_startup():
    result = run(["-c", "import django; django.setup()"], production_env(ALLOWED_HOSTS="courseworx.example.com"))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_missing_allowed_hosts_stops_startup():
    result = run(["-c", "import django; django.setup()"], production_env(SECRET_KEY=long_secret()))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_debug_defaults_to_off():
    env = production_env(SECRET_KEY=long_secret(), ALLOWED_HOSTS="courseworx.example.com")
    del env["DEBUG"]
    result = run(["-c", "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_check_deploy_passes_with_production_settings():
    env = production_env(SECRET_KEY=long_secret(), ALLOWED_HOSTS="courseworx.example.com")
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_are_hardened():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'hasher': s.PASSWORD_HASHERS[0], 'session_secure': s.SESSION_COOKIE_SECURE,"
        "'csrf_secure': s.CSRF_COOKIE_SECURE, 'ssl_redirect': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS,"
        "'frame': s.X_FRAME_OPTIONS, 'static': s.STORAGES['staticfiles']['BACKEND'],"
        "'api_default_permission': s.REST_FRAMEWORK['DEFAULT_PERMISSION_CLASSES'],"
        "'eager': s.CELERY_TASK_ALWAYS_EAGER}))"
    )
    env = production_env(SECRET_KEY=long_secret(), ALLOWED_HOSTS="courseworx.example.com")
    result = run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["hasher"].endswith("Argon2PasswordHasher")
    assert values["session_secure"] is True
    assert values["csrf_secure"] is True
    assert values["ssl_redirect"] is True
    assert values["hsts"] >= 60 * 60 * 24 * 30
    assert values["frame"] == "DENY"
    assert values["static"].endswith("CompressedManifestStaticFilesStorage")
    assert values["api_default_permission"] == ["rest_framework.permissions.IsAuthenticated"]
    assert values["eager"] is True, "without CELERY_BROKER_URL tasks run in-process"


@pytest.mark.django_db
def test_no_missing_migrations():
    # Exits with status 1 (SystemExit) when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


# --- Vendored front-end assets -------------------------------------------------------------------

VENDOR_FILES = {
    "bootstrap/bootstrap.min.css": r"Bootstrap\s+v5\.3\.",
    "bootstrap/bootstrap.bundle.min.js": r"Bootstrap v5\.3\.",
    "htmx/htmx.min.js": r'version:"2\.\d+\.\d+"',
    "chartjs/chart.umd.min.js": r"Chart\.js v4\.",
}


@pytest.mark.parametrize(("name", "version_pattern"), VENDOR_FILES.items())
def test_vendor_file_exists_with_the_expected_major_version(name, version_pattern):
    path = VENDOR / name
    assert path.is_file(), f"missing vendored asset {path}"
    assert path.stat().st_size > 10_000
    head = path.read_text(encoding="utf-8", errors="replace")[:200_000]
    assert re.search(version_pattern, head), f"{name} is not the expected version ({version_pattern})"


@pytest.mark.django_db
def test_base_page_references_local_assets_only(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("bootstrap/bootstrap.min.css", "bootstrap/bootstrap.bundle.min.js", "htmx/htmx.min.js"):
        assert f"/static/vendor/{name}" in html
    scripts = re.findall(r"<script[^>]*\ssrc=[\"']([^\"']+)", html)
    stylesheets = re.findall(r"<link[^>]*\shref=[\"']([^\"']+)", html)
    assert scripts
    assert stylesheets
    for url in scripts + stylesheets:
        assert url.startswith("/static/"), f"{url} is not served locally"
        asset = client.get(url)
        assert asset.status_code == 200, url
        asset.close()


def template_files():
    roots = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates"), *BASE_DIR.glob("courseworx/*/templates")]
    return sorted(p for root in roots for p in root.rglob("*.html"))


def test_no_template_loads_scripts_or_styles_from_a_cdn():
    remote = re.compile(r"<(?:script[^>]*\ssrc|link[^>]*\shref)=[\"'](?:https?:)?//", re.IGNORECASE)
    offenders = [str(p.relative_to(BASE_DIR)) for p in template_files() if remote.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
