"""Gunicorn configuration for CourseWorx: `gunicorn --config deploy/gunicorn.conf.py` (no other argument).

Behind nginx (deploy/nginx/courseworx.conf), which terminates TLS, serves /static/ and /media/, buffers
slow clients and sets X-Forwarded-Proto / X-Forwarded-For / Host.  Gunicorn listens on loopback only:
Django trusts X-Forwarded-Proto (settings.SECURE_PROXY_SSL_HEADER), so nothing but the proxy may reach it.

Every value can be overridden from the environment (the systemd unit reads /etc/courseworx/courseworx.env):

| variable | default | meaning |
|---|---|---|
| GUNICORN_BIND | 127.0.0.1:8000 | address (or unix:/run/courseworx/web.sock) nginx proxies to |
| GUNICORN_WORKERS | 2 x CPU cores + 1 | worker processes (each one request at a time) |
| GUNICORN_TIMEOUT | 60 | seconds a request may take before its worker is restarted (PDF/CSV exports) |
| GUNICORN_MAX_REQUESTS | 1000 | requests a worker serves before it is replaced (bounds memory growth) |
| GUNICORN_LOG_LEVEL | info | gunicorn's own log level |
| GUNICORN_ACCESS_LOG | - | access log file, "-" = stdout (the journal under systemd), "" = off |
"""

import multiprocessing
import os
from pathlib import Path

# The project (the release this file belongs to); the app needs no command-line argument.
chdir = str(Path(__file__).resolve().parent.parent)
wsgi_app = "courseworx.wsgi:application"

bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
# Sync workers: nginx buffers requests and responses, so a worker is never held by a slow client.
worker_class = "sync"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10
# Not preloaded: `systemctl reload courseworx-web` (HUP) starts fresh workers that import the code again.
preload_app = False
# The heartbeat file of each worker in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (not a temp file name)

# Only the local proxy may set X-Forwarded-* for gunicorn itself (wsgi.url_scheme, REMOTE_ADDR stays the proxy).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Requests bigger than nginx lets through never reach us; keep gunicorn's header limits at their defaults.
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
access_log_format = '%(h)s "%({x-forwarded-for}i)s" %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
capture_output = True
proc_name = "courseworx-web"
# The runtime control socket (gunicornc) is not used; without this it is created under $HOME, which the
# service user does not have (and several instances on one machine would share).
control_socket_disable = True
