"""The production kit in deploy/ stays in step with the code (`make prod-smoke` runs it for real)."""

import re
import runpy
import shlex
import shutil
import subprocess
from pathlib import Path

from django.conf import settings

from deploy.smoke import checks, client, config, processes
from tests.utils import skip_or_fail

BASE_DIR = Path(settings.BASE_DIR)
DEPLOY = BASE_DIR / "deploy"


def settings_variables() -> set[str]:
    source = (BASE_DIR / "courseworx" / "settings.py").read_text()
    return set(re.findall(r"env\.\w+\(\s*\"([A-Z][A-Z0-9_]*)\"", source))


def test_the_environment_example_sets_only_variables_the_code_reads_and_readme_documents():
    values = config.read_env_file(DEPLOY / "courseworx.env.example")
    readme = (BASE_DIR / "README.md").read_text()
    gunicorn = (DEPLOY / "gunicorn.conf.py").read_text()
    for name in values:
        if name.startswith("GUNICORN_"):
            assert f'"{name}"' in gunicorn, f"{name} is not read by deploy/gunicorn.conf.py"
        else:
            assert name in settings_variables(), f"{name} is not read by courseworx/settings.py"
            assert f"`{name}`" in readme, f"{name} is not in README.md's Configuration table"
    assert values["DEBUG"] == "false"
    assert values["BILLING_SANDBOX_ENABLED"] == "false"
    for required in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SITE_URL"):
        assert values.get(required), required
    assert values["DEFAULT_FROM_EMAIL"] == "CourseWorx <no-reply@learn.example.com>"  # quotes removed


def test_every_celery_queue_has_a_worker():
    queues = {settings.CELERY_TASK_DEFAULT_QUEUE} | {r["queue"] for r in settings.CELERY_TASK_ROUTES.values()}
    smoke_queues = set(config.QUEUES.split(","))
    assert queues == smoke_queues
    unit = (DEPLOY / "systemd" / "courseworx-worker@.service").read_text()
    readme = (DEPLOY / "README.md").read_text()
    for queue in queues:
        assert queue in unit
        assert f"courseworx-worker@{queue}" in readme


def test_unit_commands_run_this_release(tmp_path):
    web = processes.unit_command("courseworx-web.service")
    assert web[0] == str(BASE_DIR / ".venv" / "bin" / "gunicorn")
    assert web[1:] == ["--config", str(DEPLOY / "gunicorn.conf.py")]
    worker = processes.unit_command("courseworx-worker@.service", instance="certificates")
    assert shlex.join(worker).endswith("--queues certificates --hostname certificates@%h --max-tasks-per-child 200")
    beat = processes.unit_command("courseworx-beat.service")
    assert "django_celery_beat.schedulers:DatabaseScheduler" in beat


def test_gunicorn_listens_on_loopback_and_serves_the_wsgi_app(monkeypatch):
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_ACCESS_LOG"):
        monkeypatch.delenv(name, raising=False)
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["wsgi_app"] == "courseworx.wsgi:application"
    assert Path(config["chdir"]) == BASE_DIR
    assert config["workers"] >= 2
    assert config["control_socket_disable"] is True
    nginx = (DEPLOY / "nginx" / "courseworx.conf").read_text()
    assert "server 127.0.0.1:8000 " in nginx  # the upstream is gunicorn's default bind


def test_nginx_never_serves_private_media():
    nginx = (DEPLOY / "nginx" / "courseworx.conf").read_text()
    roots = re.findall(r"^\s*(?:alias|root)\s+(\S+);", nginx, flags=re.MULTILINE)
    assert roots == ["/var/www/html", "/srv/courseworx/static/", "/srv/courseworx/media/"]
    assert "private_media" not in "".join(roots)
    assert "proxy_set_header X-Forwarded-Proto https;" in nginx


# --- The smoke's own checks (deploy/smoke/) ---------------------------------------------------------


def test_the_smoke_crawls_every_route_without_parameters():
    routes = dict(checks.crawl_routes())
    assert routes["/courses/"] == "catalog"
    assert routes["/api/v1/courses/"] == "course-list"
    assert routes["/api/v1/billing/payments/"] == "billing-payment-list"
    assert "/admin/courses/course/" in routes
    assert all("<" not in path and "(" not in path for path in routes)
    assert not any(path.startswith("/courses/") and path.count("/") > 2 for path in routes), "slug routes skipped"


def response(status=200, content_type="text/html; charset=utf-8", headers=None, body=b""):
    all_headers = {"content-type": content_type}
    all_headers.update({k.lower(): v for k, v in (headers or {}).items()})
    return client.Response("GET", "/x/", status, all_headers, body)


def test_the_smoke_fails_on_5xx_and_on_missing_security_headers():
    secure = dict.fromkeys(config.REQUIRED_HEADERS, "x")

    results = checks.Results()
    checks.check_response(response(headers=secure), "student", results, set())
    checks.check_response(response(404, headers=secure), "student", results, set())
    checks.check_response(response(200, "application/json"), "student", results, set())
    assert results.failures == []

    results = checks.Results()
    checks.check_response(response(502, headers=secure), "admin", results, set())
    assert results.failures == ["admin        GET /x/: 502"]

    results = checks.Results()
    without_csp = {k: v for k, v in secure.items() if k != "Content-Security-Policy"}
    checks.check_response(response(headers=without_csp), "admin", results, set())
    assert results.failures == ["admin        GET /x/: no Content-Security-Policy header"]

    results = checks.Results()
    checks.check_response(response(headers=without_csp), "admin", results, {"content-security-policy"})
    assert results.failures == []
    assert results.tolerated == {"Content-Security-Policy": 1}


def test_the_smoke_collects_the_static_and_media_files_a_page_loads():
    page = client.parse_page(
        b'<link rel="stylesheet" href="/static/css/app.0123456789ab.css"><script src="/static/js/a.js"></script>'
        b'<img src="/media/courses/thumbnails/x.png"><a href="/static/not-loaded.pdf">a link</a>'
        b'<img src="https://cdn.example.com/x.png"><input name="csrfmiddlewaretoken" value="tok">'
    )
    assert page.assets == {"/static/css/app.0123456789ab.css", "/static/js/a.js", "/media/courses/thumbnails/x.png"}
    assert page.csrf == "tok"


def test_the_nginx_site_renders_for_the_smoke_and_nginx_accepts_it(tmp_path):
    smoke_config = config.Config(port=18400)
    for folder in ("static", "media", "logs"):
        (tmp_path / folder).mkdir()
    conf = processes.render_nginx(smoke_config, tmp_path)
    site = (tmp_path / "nginx" / "courseworx.conf").read_text()
    assert "listen 127.0.0.1:18401 ssl http2;" in site
    assert "server 127.0.0.1:18400 " in site
    assert f"alias {tmp_path}/media/;" in site
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        skip_or_fail("nginx is not installed (apt-get install nginx)")
    if shutil.which("openssl") is None:
        skip_or_fail("openssl is not installed")
    processes.self_signed_certificate(tmp_path)
    result = subprocess.run(
        [
            smoke_config.nginx,
            "-e",
            str(tmp_path / "logs" / "e.log"),
            "-t",
            "-p",
            str(tmp_path / "nginx"),
            "-c",
            str(conf),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
