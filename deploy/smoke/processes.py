"""What the smoke runs: the database and Redis it resets, the background processes (nginx, gunicorn,
worker, beat) started from deploy/'s own files, one-off steps (manage.sh commands), the systemd units
it verifies, and the nginx site and certificate it renders."""

import contextlib
import http.client
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .config import BASE_DIR, DEPLOY, QUEUES, SERVER_ROOT, Config, SmokeError, log

if TYPE_CHECKING:
    from .checks import Results

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
