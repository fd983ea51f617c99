#!/usr/bin/env python3
"""Production smoke test (`make prod-smoke`): the deploy/ kit, run for real on this machine.

What it does, in a temporary folder, with the virtualenv's python:

1. Writes an environment file from deploy/courseworx.env.example (production values: DEBUG=false, a
   generated SECRET_KEY, HTTPS redirect and HSTS on, sandbox payments off), pointing at its own
   PostgreSQL database (dropped and re-created), its own two Redis databases (flushed), and its folders.
2. Through deploy/manage.sh: `collectstatic` (WhiteNoise's manifest storage, in parallel with) `migrate`
   and `seed_demo` (the demo loader pays through the sandbox provider, so only that step has it on).
3. Starts nginx with deploy/nginx/courseworx.conf (its ports, paths and a self-signed certificate put in),
   and the commands of deploy/systemd/*.service: gunicorn with deploy/gunicorn.conf.py, one Celery worker
   consuming every queue, and beat.
4. Through nginx (HTTPS, so the proxy's X-Forwarded-Proto is what makes requests secure), crawls every
   page and API route without parameters — read from the URL configuration, so new routes are covered —
   anonymously and as each demo account (logged in through the login form), plus a course page, a lesson
   in the player and a certificate verification page.  Fails on any 5xx, on any static or media file a
   page references that does not load, and on an HTML page without Content-Security-Policy,
   Strict-Transport-Security, X-Content-Type-Options, Referrer-Policy or X-Frame-Options.
5. As the second demo student, through the API (token login): enrols in a free course, completes it
   (passing its quiz) and waits for the worker to render the certificate PDF; downloads it, opens its
   public verification page, and checks the proxy does not serve it under /media/.

Settings (environment):
  SMOKE_DATABASE_URL   postgres://postgres@127.0.0.1:5432/courseworx_smoke  (dropped and re-created!)
  SMOKE_REDIS_URL      redis://127.0.0.1:6379/13   cache and sessions (flushed)
  SMOKE_BROKER_URL     redis://127.0.0.1:6379/14   Celery broker (flushed)
  SMOKE_PORT           18400: gunicorn on it, nginx HTTPS on +1 and HTTP on +2 (loopback only)
  SMOKE_ALLOW_MISSING  comma-separated security headers reported but not failed (e.g. while a branch
                       that adds one is not merged); empty by default
  SMOKE_CONCURRENCY    3: accounts crawled at the same time
  SMOKE_GUNICORN_WORKERS  3: gunicorn workers (GUNICORN_WORKERS in the smoke's environment file)
  SMOKE_KEEP           1: keep the temporary folder (logs, collected files) after the run
  NGINX                the nginx binary (default: nginx on PATH, else /usr/sbin/nginx)

Exit status 0 when every check passed.  Needs PostgreSQL, Redis, nginx and openssl.
"""

import concurrent.futures
import contextlib
import html
import http.client
import json
import os
import re
import resource
import secrets
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
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
    lines = ["# Written by deploy/smoke.py from deploy/courseworx.env.example"]
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


# --- Services: database, Redis ---------------------------------------------------------------------


def reset_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SmokeError(f"SMOKE_DATABASE_URL must name a plain database, not {name!r}")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def flush_redis(*urls: str) -> None:
    import redis

    if len(set(urls)) != len(urls):
        raise SmokeError("SMOKE_REDIS_URL and SMOKE_BROKER_URL must be different Redis databases")
    for url in urls:
        client = redis.Redis.from_url(url)
        client.flushdb()
        client.close()


# --- Processes -------------------------------------------------------------------------------------


class Processes:
    """Background processes, each in its own session, all stopped by stop_all (also on Ctrl-C)."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.running: list[tuple[str, subprocess.Popen, Path]] = []
        self.cpu: dict[str, float] = {}  # name -> CPU seconds, for steps and (once stopped) services

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log_path = self.logs / f"{name}.log"
        with open(log_path, "ab") as out:
            proc = subprocess.Popen(  # noqa: S603 (commands from our own unit files)
                args, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.running.append((name, proc, log_path))
        log(f"started {name} (pid {proc.pid}): {shlex.join(args)}")
        return proc

    def check_alive(self) -> list[str]:
        return [
            f"{name} exited with status {proc.returncode}" for name, proc, _ in self.running if proc.poll() is not None
        ]

    def stop_all(self) -> None:
        """SIGTERM to each process group, SIGKILL after 20 s; records each one's CPU time (with its children)."""
        for _name, proc, _ in reversed(self.running):
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for name, proc, _ in reversed(self.running):
            while proc.returncode is None:
                pid, wait_status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    proc.returncode = os.waitstatus_to_exitcode(wait_status)
                    self.cpu[name] = usage.ru_utime + usage.ru_stime
                elif time.monotonic() > deadline:
                    log(f"{name} did not stop within 20 s: killing it")
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    deadline = time.monotonic() + 5
                else:
                    time.sleep(0.1)
        self.running.clear()


def run_step(name: str, args: list[str], env: dict[str, str], logs: Path, cpu: dict[str, float]) -> None:
    """Run a command to its end; its wall and CPU time are logged (the CPU time says more on a busy machine)."""
    t0 = time.monotonic()
    log_path = logs / f"{name}.log"
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(args, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        _pid, wait_status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(wait_status)
    if proc.returncode != 0:
        raise SmokeError(f"{name} failed (status {proc.returncode}):\n{tail(log_path, 40)}")
    cpu[name] = usage.ru_utime + usage.ru_stime
    log(f"{name} done in {time.monotonic() - t0:.1f} s (CPU {cpu[name]:.1f} s)")


def tail(path: Path, lines: int) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def unit_command(unit: str, instance: str = "") -> list[str]:
    """The ExecStart= of deploy/systemd/UNIT, with this checkout for /srv/courseworx/current."""
    text = (DEPLOY / "systemd" / unit).read_text().replace("\\\n", " ")
    lines = [line for line in text.splitlines() if line.startswith("ExecStart=")]
    if len(lines) != 1:
        raise SmokeError(f"{unit}: expected one ExecStart= line")
    command = lines[0].removeprefix("ExecStart=")
    command = command.replace("%i", instance).replace("%%", "%")
    if re.search(r"%[a-zA-Z]", command.replace("%h", "")):  # %h is Celery's, after %% was unescaped
        raise SmokeError(f"{unit}: a systemd specifier the smoke does not know: {command}")
    command = command.replace(f"{SERVER_ROOT}/current", str(BASE_DIR))
    return shlex.split(command)


def verify_units(work: Path, results: "Results") -> None:
    """`systemd-analyze verify` on the units (paths pointed at this checkout), where systemd is installed."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        results.notes.append("systemd-analyze not installed: unit files not verified")
        return
    folder = work / "systemd"
    folder.mkdir()
    for unit in (DEPLOY / "systemd").glob("*.service"):
        text = unit.read_text().replace(f"{SERVER_ROOT}/current", str(BASE_DIR))
        (folder / unit.name).write_text(text)
    names = ["courseworx-web.service", "courseworx-beat.service"]
    names += [f"courseworx-worker@{queue}.service" for queue in QUEUES.split(",")]
    result = subprocess.run(  # noqa: S603
        [analyze, "verify", *(f"./{name}" for name in names)],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    problems = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    for line in problems:
        results.fail(f"systemd-analyze verify: {line}")
    if result.returncode != 0 and not problems:
        results.fail(f"systemd-analyze verify exited with {result.returncode}")


def render_nginx(config: Config, work: Path) -> Path:
    """deploy/nginx/courseworx.conf with the smoke's ports, paths and certificate, in a minimal nginx.conf."""
    site = (DEPLOY / "nginx" / "courseworx.conf").read_text()
    replacements = [
        ("listen 80;", f"listen 127.0.0.1:{config.http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{config.https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("server 127.0.0.1:8000 ", f"server 127.0.0.1:{config.port} "),
        ("/etc/letsencrypt/live/learn.example.com/fullchain.pem", str(work / "tls" / "cert.pem")),
        ("/etc/letsencrypt/live/learn.example.com/privkey.pem", str(work / "tls" / "key.pem")),
        (f"{SERVER_ROOT}/static/", f"{work}/static/"),
        (f"{SERVER_ROOT}/media/", f"{work}/media/"),
        ("shared:courseworx_tls:", "shared:courseworx_smoke_tls:"),
    ]
    expected_counts = {"listen 80;": 1, "listen 443 ssl http2;": 1, "server_name learn.example.com;": 2}
    for old, new in replacements:
        count = site.count(old)
        if count != expected_counts.get(old, 1):
            raise SmokeError(f"deploy/nginx/courseworx.conf: expected {old!r} once, found it {count} times")
        site = site.replace(old, new)
    site = site.replace("server_name learn.example.com;", "server_name localhost 127.0.0.1;")
    prefix = work / "nginx"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    (prefix / "courseworx.conf").write_text(site)
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers read the smoke's private temp folder
    main = f"""{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {work}/logs/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {work}/logs/nginx-access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/courseworx.conf;
}}
"""
    conf = prefix / "nginx.conf"
    conf.write_text(main)
    return conf


def self_signed_certificate(work: Path) -> None:
    tls = work / "tls"
    tls.mkdir()
    result = subprocess.run(  # noqa: S603
        [  # noqa: S607 (openssl from PATH)
            "openssl", "req", "-x509", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-keyout", str(tls / "key.pem"), "-out", str(tls / "cert.pem"), "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise SmokeError(f"openssl could not make a certificate:\n{result.stderr}")


# --- HTTP client -----------------------------------------------------------------------------------


@dataclass
class Response:
    method: str
    path: str
    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    @property
    def is_html(self) -> bool:
        return self.header("content-type").startswith("text/html")

    def json(self):
        return json.loads(self.body)


class Client:
    """One browser-like session against one origin: keep-alive, cookies, CSRF for forms."""

    def __init__(self, base: str, *, verify: bool = False):
        parts = urlsplit(base)
        self.scheme, self.host, self.port = parts.scheme, parts.hostname, parts.port
        self.origin = base.rstrip("/")
        self.cookies: dict[str, str] = {}
        self.token = ""
        self.context = ssl.create_default_context()
        if not verify:  # the smoke's self-signed certificate
            self.context.check_hostname = False
            self.context.verify_mode = ssl.CERT_NONE
        self.conn = None

    def _connect(self):
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.host, self.port, timeout=60, context=self.context)
        return http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(self, method: str, path: str, *, body=None, headers=None, form=None, data=None) -> Response:
        headers = dict(headers or {})
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
            headers.setdefault("Accept", "application/json")
        if method not in ("GET", "HEAD"):
            headers.setdefault("Origin", self.origin)
            headers.setdefault("Referer", self.origin + path)
            if "csrftoken" in self.cookies:
                headers.setdefault("X-CSRFToken", self.cookies["csrftoken"])
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        headers.setdefault("User-Agent", "CourseWorx-prod-smoke")
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = self._connect()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                raw = self.conn.getresponse()
                payload = raw.read()
                break
            except (
                http.client.RemoteDisconnected,
                ConnectionResetError,
                BrokenPipeError,
                http.client.CannotSendRequest,
            ):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        response_headers: dict[str, str] = {}
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                cookie = SimpleCookie()
                cookie.load(value)
                for key, morsel in cookie.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = morsel.value
            response_headers[name.lower()] = (
                f"{response_headers[name.lower()]}, {value}" if name.lower() in response_headers else value
            )
        if raw.getheader("connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return Response(method, path, raw.status, response_headers, payload)

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class AssetParser(HTMLParser):
    """Same-site /static/ and /media/ URLs a page loads (scripts, styles, icons, images, media)."""

    ATTRIBUTES = {"src", "href", "poster", "data-src"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.assets: set[str] = set()
        self.csrf = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name") == "csrfmiddlewaretoken":
            self.csrf = attributes.get("value") or ""
        if tag == "a":
            return  # links are pages, crawled on their own
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                path = urlsplit(value).path
                if path.startswith(("/static/", "/media/")):
                    self.assets.add(path)


def parse_page(body: bytes) -> AssetParser:
    parser = AssetParser()
    parser.feed(body.decode("utf-8", errors="replace"))
    return parser


# --- The crawl ---------------------------------------------------------------------------------------


@dataclass
class Results:
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    by_role: dict[str, dict[str, int]] = field(default_factory=dict)
    assets: dict[str, str] = field(default_factory=dict)  # asset path -> first page that referenced it
    tolerated: dict[str, int] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)  # every crawled response, written to logs/crawl.tsv
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, message: str) -> None:
        with self.lock:
            self.failures.append(message)

    def count(self, role: str, status: int) -> None:
        with self.lock:
            row = self.by_role.setdefault(role, {"requests": 0, "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0})
            row["requests"] += 1
            row[f"{status // 100}xx"] = row.get(f"{status // 100}xx", 0) + 1


def crawl_routes() -> list[tuple[str, str]]:
    """(path, route name) of every URL pattern without parameters, from the URL configuration."""
    from django.urls import URLResolver, get_resolver
    from django.urls.resolvers import RegexPattern, RoutePattern

    def walk(patterns, prefix):
        for entry in patterns:
            pattern = entry.pattern
            if isinstance(pattern, RoutePattern):
                text = str(pattern)
                if pattern.converters or "<" in text:
                    continue
            elif isinstance(pattern, RegexPattern):
                if pattern.regex.groups or re.search(
                    r"[\\.*+?\[(|]", pattern.regex.pattern.strip("^$").replace("\\Z", "")
                ):
                    continue  # a capturing or non-literal regex: a parameterised route
                text = pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\Z", "")
            else:
                continue
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + text)
            else:
                yield "/" + prefix + text, entry.name or ""

    return sorted(set(walk(get_resolver().url_patterns, "")))


def check_response(response: Response, role: str, results: Results, allow_missing: set) -> None:
    results.count(role, response.status)
    with results.lock:
        results.log.append(
            f"{role}\t{response.method}\t{response.path}\t{response.status}\t{response.header('content-type')}"
        )
    where = f"{role:<12} {response.method} {response.path}"
    if response.status >= 500:
        results.fail(f"{where}: {response.status}")
    elif response.status == 429:
        results.fail(f"{where}: 429 (throttled: the smoke's requests are limited, raise its API_THROTTLE_*)")
    if response.is_html:
        for name in REQUIRED_HEADERS:
            if not response.header(name):
                if name.lower() in allow_missing:
                    with results.lock:
                        results.tolerated[name] = results.tolerated.get(name, 0) + 1
                else:
                    results.fail(f"{where}: no {name} header")
        if response.status == 200:
            page = parse_page(response.body)
            with results.lock:
                for asset in page.assets:
                    results.assets.setdefault(asset, f"{role} {response.path}")


def login_form(client: Client, email: str, password: str) -> None:
    page = client.get("/accounts/login/")
    token = parse_page(page.body).csrf
    if page.status != 200 or not token:
        raise SmokeError(f"login page: {page.status}, CSRF token {'found' if token else 'missing'}")
    response = client.request(
        "POST",
        "/accounts/login/",
        form={"csrfmiddlewaretoken": token, "username": email, "password": password},
    )
    if response.status != 302:
        raise SmokeError(f"logging in as {email} through the form answered {response.status}, not a redirect")
    me = client.get("/api/v1/me/", headers={"Accept": "application/json"})
    if me.status != 200 or me.json().get("email") != email:
        raise SmokeError(f"after logging in as {email}, /api/v1/me/ answered {me.status}")


def crawl_role(config: Config, role: str, credentials, routes, extra_paths, results: Results) -> None:
    client = Client(config.site)
    try:
        if credentials:
            login_form(client, *credentials)
        for path, _name in routes + [(p, "") for p in extra_paths]:
            accept = "application/json" if path.startswith("/api/v1/") else BROWSER_ACCEPT
            try:
                response = client.get(path, headers={"Accept": accept})
            except (OSError, http.client.HTTPException) as exc:
                results.fail(f"{role:<12} GET {path}: {exc.__class__.__name__}: {exc}")
                continue
            check_response(response, role, results, config.allow_missing)
    except SmokeError as exc:
        results.fail(f"{role}: {exc}")
    finally:
        client.close()


CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")


def check_assets(config: Config, results: Results) -> int:
    """Every /static/ and /media/ file a page referenced loads from nginx (and the files CSS refers to)."""
    client = Client(config.site)
    checked: set[str] = set()
    queue = sorted(results.assets.items())
    while queue:
        path, referrer = queue.pop()
        if path in checked:
            continue
        checked.add(path)
        response = client.get(path)
        if response.status != 200:
            results.fail(f"asset {path} (on {referrer}): {response.status}")
            continue
        if path.startswith("/static/") and HASHED.search(path) and "immutable" not in response.header("cache-control"):
            results.fail(f"asset {path}: not cached as immutable (Cache-Control: {response.header('cache-control')!r})")
        if path.endswith(".css"):
            for ref in CSS_URL.findall(response.body.decode("utf-8", errors="replace")):
                if ref.startswith(("data:", "http:", "https:", "#")):
                    continue
                target = urlsplit(urljoin(path, ref)).path
                if target not in checked:
                    queue.append((target, path))
    # The proxy serves the .gz files collectstatic wrote (gzip_static) for clients that accept them.
    css = next((p for p in sorted(checked) if p.startswith("/static/") and p.endswith(".css")), None)
    if css:
        response = client.get(css, headers={"Accept-Encoding": "gzip"})
        if response.header("content-encoding") != "gzip":
            results.fail(f"asset {css}: not served pre-compressed to a client that accepts gzip")
    client.close()
    return len(checked)


# --- Certificate through the worker --------------------------------------------------------------


def certificate_flow(config: Config, results: Results, password: str) -> dict:
    """A student completes a free course through the API; the worker must render the certificate."""
    from courses.models import Course, CourseContent, QuizQuestion
    from learning.models import Enrollment, IssuedCertificate

    email = "student2@courseworx.local"
    client = Client(config.site)
    t0 = time.monotonic()
    token = client.request("POST", "/api/v1/auth/token/", data={"username": email, "password": password})
    if token.status != 200:
        raise SmokeError(f"token API: {token.status} {token.body[:200]!r}")
    client.token = token.json()["token"]
    from django.db.models import Q
    from django.utils import timezone

    today = timezone.localdate()
    taken = Enrollment.objects.filter(user__email=email).values("course_id")
    # A course this student can finish alone, today: free, open, no prerequisites, no hand-graded quiz.
    hand_graded = CourseContent.objects.filter(kind=CourseContent.Kind.QUIZ, manual_grading=True, is_required=True)
    course = (
        Course.objects.filter(status="published", price=0, contents__is_required=True, prerequisites=None)
        .filter(
            Q(start_date__isnull=True) | Q(start_date__lte=today), Q(end_date__isnull=True) | Q(end_date__gte=today)
        )
        .exclude(pk__in=taken)
        .exclude(pk__in=hand_graded.values("course_id"))
        .distinct()
        .order_by("slug")
        .first()
    )
    if course is None:
        raise SmokeError("no free published course the second demo student is not enrolled in")
    enrol = client.request("POST", "/api/v1/enrollments/", data={"course": course.slug})
    if enrol.status != 201:
        raise SmokeError(f"enrolling in {course.slug}: {enrol.status} {enrol.body[:300]!r}")
    lessons = CourseContent.objects.filter(course=course, is_required=True, is_published=True).order_by(
        "section__order", "order"
    )
    for lesson in lessons:
        if lesson.kind == CourseContent.Kind.QUIZ:
            attempt = client.request("POST", f"/api/v1/lessons/{lesson.pk}/quiz-attempts/", data={})
            if attempt.status != 201:
                raise SmokeError(f"starting the quiz {lesson.title!r}: {attempt.status} {attempt.body[:300]!r}")
            answers = {}
            for question in attempt.json()["questions"]:
                q = QuizQuestion.objects.get(pk=question["id"])
                multiple = q.question_type == QuizQuestion.Type.MULTIPLE_CHOICE
                answers[str(q.pk)] = list(q.correct_answers) if multiple else q.correct_answers[0]
            submit = client.request(
                "POST", f"/api/v1/quiz-attempts/{attempt.json()['id']}/submit/", data={"answers": answers}
            )
            if submit.status != 200 or not submit.json().get("passed"):
                raise SmokeError(f"submitting the quiz {lesson.title!r}: {submit.status} {submit.body[:300]!r}")
        else:
            done = client.request("POST", f"/api/v1/lessons/{lesson.pk}/complete/", data={})
            if done.status != 200:
                raise SmokeError(f"completing {lesson.title!r}: {done.status} {done.body[:300]!r}")
    completed_at = time.monotonic()
    enrollment = Enrollment.objects.get(user__email=email, course=course)
    if enrollment.status != "completed":
        raise SmokeError(f"{course.slug}: every required lesson done, but the enrolment is {enrollment.status}")
    log(f"certificate: student2 completed {course.slug} through the API; waiting for the worker")
    certificate = None
    deadline = time.monotonic() + CERTIFICATE_TIMEOUT
    while time.monotonic() < deadline:
        certificate = IssuedCertificate.objects.filter(enrollment=enrollment).exclude(pdf="").first()
        if certificate is not None and certificate.pdf.storage.exists(certificate.pdf.name):
            break
        certificate = None
        time.sleep(0.5)
    if certificate is None:
        raise SmokeError(f"no certificate PDF {CERTIFICATE_TIMEOUT} s after completing {course.slug}")
    waited = time.monotonic() - completed_at
    pdf_path = Path(certificate.pdf.path)
    download = client.get(f"/api/v1/certificates/{certificate.pk}/download/")
    if download.status != 200 or not download.body.startswith(b"%PDF"):
        raise SmokeError(f"certificate download: {download.status} {download.header('content-type')}")
    anonymous = Client(config.site)
    verify = anonymous.get(f"/certificates/verify/{certificate.code}/")
    check_response(verify, "anonymous", results, config.allow_missing)
    if verify.status != 200 or html.escape(certificate.holder_name).encode() not in verify.body:
        raise SmokeError(f"certificate verification page: {verify.status}, holder name shown: no")
    api_verify = anonymous.get(
        f"/api/v1/certificates/verify/{certificate.code}/", headers={"Accept": "application/json"}
    )
    check_response(api_verify, "anonymous", results, config.allow_missing)
    # Private files are streamed by a permission-checked view; the proxy never serves them.
    leaked = anonymous.get(f"/media/{certificate.pdf.name}")
    if leaked.status != 404:
        raise SmokeError(f"the private certificate PDF answers {leaked.status} under /media/ (must be 404)")
    anonymous.close()
    client.close()
    return {
        "course": course.slug,
        "code": certificate.code,
        "pdf_bytes": pdf_path.stat().st_size,
        "waited": waited,
        "total": time.monotonic() - t0,
    }


# --- Main ----------------------------------------------------------------------------------------------


def wait_for(check, what: str, timeout: float, processes: Processes) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        dead = processes.check_alive()
        if dead:
            raise SmokeError(f"while waiting for {what}: {'; '.join(dead)}")
        try:
            if check():
                return
        except (OSError, http.client.HTTPException) as exc:
            last = f" ({exc})"
        time.sleep(0.3)
    raise SmokeError(f"{what} not ready after {timeout:.0f} s{last}")


def parameterised_paths() -> tuple[list[str], str]:
    """A course page, a lesson in the player (the demo student is enrolled), a certificate's verify page."""
    from courses.models import Course, CourseContent
    from learning.models import Enrollment, IssuedCertificate

    paths = []
    course = Course.objects.filter(status="published").order_by("-is_featured", "slug").first()
    if course is None:
        raise SmokeError("the demo data has no published course")
    paths.append(f"/courses/{course.slug}/")
    enrollment = (
        Enrollment.objects.filter(user__email="student@courseworx.local", course__status="published")
        .order_by("course__slug")
        .first()
    )
    if enrollment is None:
        raise SmokeError("the demo student has no enrolment")
    lesson = CourseContent.objects.filter(course_id=enrollment.course_id, is_published=True).order_by(
        "section__order", "order"
    )[0]
    paths += [f"/learn/{enrollment.course.slug}/", f"/learn/{enrollment.course.slug}/{lesson.pk}/"]
    # The demo student's completed course: seed_demo queued its certificate for the worker.
    deadline = time.monotonic() + CERTIFICATE_TIMEOUT
    while (
        certificate := IssuedCertificate.objects.filter(enrollment__user__email="student@courseworx.local")
        .exclude(pdf="")
        .first()
    ) is None:
        if time.monotonic() > deadline:
            raise SmokeError(f"the worker rendered no certificate for the demo student in {CERTIFICATE_TIMEOUT} s")
        time.sleep(0.5)
    paths += [f"/certificates/verify/{certificate.code}/", f"/api/v1/certificates/verify/{certificate.code}/"]
    return paths, course.slug


def main() -> int:
    config = Config()
    if not Path(config.nginx).is_file():
        print("nginx is not installed (Debian: apt-get install nginx); the smoke runs the deploy/ nginx site.")
        return 2
    if shutil.which("openssl") is None:
        print("openssl is not installed (Debian: apt-get install openssl).")
        return 2
    work = Path(tempfile.mkdtemp(prefix="courseworx-smoke-"))
    logs = work / "logs"
    logs.mkdir()
    processes = Processes(logs)
    results = Results()
    cert_info: dict = {}
    routes: list = []
    status = 1

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    try:
        log(f"work folder {work}; site {config.site}; database {urlsplit(config.database_url).path[1:]}")
        env_values = production_env(config, work)
        env_file = work / "courseworx.env"
        write_env_file(env_file, env_values)
        for folder in ("static", "media", "private_media"):
            (work / folder).mkdir()
        base_env = process_env(read_env_file(env_file))
        manage_env = process_env({}, COURSEWORX_ENV_FILE=str(env_file))  # deploy/manage.sh sources the file
        reset_database(config.database_url)
        flush_redis(config.redis_url, config.broker_url)
        manage = [str(DEPLOY / "manage.sh")]

        # collectstatic does not touch the database: it runs while the schema and the demo data load.
        t_setup = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            static = pool.submit(
                run_step, "collectstatic", [*manage, "collectstatic", "--noinput"], manage_env, logs, processes.cpu
            )

            def database():
                run_step("migrate", [*manage, "migrate", "--noinput"], manage_env, logs, processes.cpu)
                # The demo purchases go through the sandbox provider: on for the loader only, off for the site.
                seed_file = work / "seed.env"
                write_env_file(seed_file, {**env_values, "BILLING_SANDBOX_ENABLED": "true"})
                seed_env = dict(manage_env, COURSEWORX_ENV_FILE=str(seed_file))
                run_step("seed_demo", [*manage, "seed_demo"], seed_env, logs, processes.cpu)

            data = pool.submit(database)
            for future in (static, data):
                future.result()
        setup_seconds = time.monotonic() - t_setup
        check_deploy = [*manage, "check", "--deploy", "--fail-level", "WARNING"]
        run_step("check-deploy", check_deploy, manage_env, logs, processes.cpu)

        verify_units(work, results)
        self_signed_certificate(work)
        nginx_conf = render_nginx(config, work)
        # -e: nginx opens its error log before reading the configuration (the default one is root's).
        nginx = [config.nginx, "-e", str(logs / "nginx-error.log"), "-p", str(work / "nginx"), "-c", str(nginx_conf)]
        test = subprocess.run(  # noqa: S603
            [*nginx, "-t", "-q"],
            capture_output=True,
            text=True,
            check=False,
        )
        if test.returncode != 0:
            raise SmokeError(f"nginx -t refused deploy/nginx/courseworx.conf:\n{test.stderr}")
        processes.start("nginx", [*nginx, "-g", "daemon off;"], base_env)
        processes.start("gunicorn", unit_command("courseworx-web.service"), base_env)
        worker = unit_command("courseworx-worker@.service", instance=QUEUES)
        worker = [arg.replace(f"{QUEUES}@%h", "smoke@%h") for arg in worker]  # one worker for every queue
        processes.start("worker", worker, base_env)
        processes.start("beat", unit_command("courseworx-beat.service"), base_env)

        probe = Client(config.site)

        def healthy():
            response = probe.get("/healthz", headers={"Accept": "application/json"})
            return response.status == 200

        wait_for(healthy, "the site behind nginx (/healthz)", 60, processes)
        probe.close()
        log("gunicorn and nginx answer")

        # This process reads the URL configuration and the database with the same settings.
        os.environ.update(read_env_file(env_file))
        os.environ["DJANGO_SETTINGS_MODULE"] = "courseworx.settings"
        sys.path.insert(0, str(BASE_DIR))
        import django

        django.setup()
        from django.conf import settings

        from accounts.demo import demo_logins

        # Plain HTTP goes to HTTPS, at the proxy and (without the proxy's header) in Django.
        plain = Client(f"http://127.0.0.1:{config.http_port}").get("/courses/")
        if plain.status != 301 or not plain.header("location").startswith("https://"):
            results.fail(
                f"http:// on the proxy answered {plain.status} {plain.header('location')}, not a redirect to https"
            )
        direct = Client(f"http://127.0.0.1:{config.port}").get("/courses/", headers={"Host": "localhost"})
        if direct.status != 301 or not direct.header("location").startswith("https://"):
            results.fail(f"gunicorn without X-Forwarded-Proto answered {direct.status}, not a redirect to https")

        routes = [r for r in crawl_routes() if r[1] not in SKIPPED_ROUTE_NAMES]
        extra, _course_slug = parameterised_paths()
        accounts = [("anonymous", None)] + [(email.split("@")[0], (email, pw)) for email, pw, _ in demo_logins()]
        log(f"crawling {len(routes)} routes + {len(extra)} parameterised pages as {len(accounts)} accounts")

        t_crawl = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=config.concurrency + 1) as pool:
            certificate = pool.submit(certificate_flow, config, results, settings.DEMO_PASSWORD)
            crawls = [
                pool.submit(crawl_role, config, role, credentials, routes, extra, results)
                for role, credentials in accounts
            ]
            for future in crawls:
                future.result()
            crawl_seconds = time.monotonic() - t_crawl
            log(f"crawl done in {crawl_seconds:.1f} s")
            try:
                cert_info = certificate.result()
            except SmokeError as exc:
                results.fail(f"certificate: {exc}")
        asset_count = check_assets(config, results)
        for problem in processes.check_alive():
            results.fail(problem)
        processes.stop_all()
        # A task that failed (or a beat that could not send) is a production failure the pages do not show.
        for name in ("worker", "beat"):
            for line in (logs / f"{name}.log").read_text(errors="replace").splitlines():
                if re.search(r"\] (ERROR|CRITICAL)/|raised unexpected", line):
                    results.fail(f"{name}.log: {line[:300]}")
        (logs / "crawl.tsv").write_text("account\tmethod\tpath\tstatus\tcontent-type\n" + "\n".join(results.log) + "\n")

        # --- Summary -------------------------------------------------------------------------------
        print()
        print("=" * 78)
        print(f"Production smoke: {len(routes)} routes from the URL configuration + {len(extra)} parameterised pages")
        print(f"{'account':<14}{'requests':>9}{'2xx':>6}{'3xx':>6}{'4xx':>6}{'5xx':>6}")
        total = 0
        for role, _ in accounts:
            row = results.by_role.get(role, {})
            total += row.get("requests", 0)
            print(
                f"{role:<14}{row.get('requests', 0):>9}{row.get('2xx', 0):>6}{row.get('3xx', 0):>6}"
                f"{row.get('4xx', 0):>6}{row.get('5xx', 0):>6}"
            )
        print(f"{len(accounts)} accounts x {len(routes) + len(extra)} pages: {total} requests in {crawl_seconds:.1f} s")
        print(f"static/media files referenced by the pages, loaded through nginx: {asset_count}")
        if cert_info:
            print(
                f"certificate: {cert_info['course']} completed through the API; PDF ({cert_info['pdf_bytes']} bytes)"
                f" rendered by the worker {cert_info['waited']:.1f} s after completion;"
                f" verify page {cert_info['code']} OK"
            )
        print(f"setup (collectstatic | migrate + seed_demo): {setup_seconds:.1f} s")
        processes.cpu["crawler"] = resource.getrusage(resource.RUSAGE_SELF).ru_utime
        print("CPU seconds: " + ", ".join(f"{name} {seconds:.1f}" for name, seconds in processes.cpu.items()))
        for name, count in sorted(results.tolerated.items()):
            print(f"TOLERATED (SMOKE_ALLOW_MISSING): {count} HTML responses without {name}")
        for note in results.notes:
            print(f"note: {note}")
        if results.failures:
            print(f"FAILURES ({len(results.failures)}):")
            for failure in results.failures[:200]:
                print(f"  {failure}")
            if len(results.failures) > 200:
                print(f"  ... and {len(results.failures) - 200} more")
        print(f"prod-smoke {'FAILED' if results.failures else 'PASSED'} in {time.monotonic() - START:.0f} s")
        print("=" * 78)
        status = 1 if results.failures else 0
    except SmokeError as exc:
        print(f"\nprod-smoke FAILED: {exc}")
    except KeyboardInterrupt as exc:
        print(f"\nprod-smoke interrupted ({exc})")
    except Exception:  # noqa: BLE001 (report any crash of the smoke itself with its traceback)
        traceback.print_exc()
        print("\nprod-smoke FAILED: the smoke itself crashed")
    finally:
        failed = status != 0
        processes.stop_all()
        if failed:
            for name in ("gunicorn", "worker", "beat", "nginx-error"):
                path = logs / f"{name}.log"
                if path.exists():
                    print(f"\n--- last lines of {name}.log ---\n{tail(path, 60)}")
        if config.keep or failed and os.environ.get("CI") != "true":
            print(f"logs and files kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
