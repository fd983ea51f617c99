"""Production smoke test (`make prod-smoke`, `python -m deploy.smoke`): the deploy/ kit, run for real here.

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
   anonymously and as each demo account (logged in through the login form; staff then pass two-factor
   authentication with a TOTP device the smoke gives them), plus a course page, a lesson
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

import argparse
import concurrent.futures
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit

from .certificate import certificate_flow, parameterised_paths
from .checks import Results, check_assets, crawl_role, crawl_routes
from .client import Client
from .config import (
    BASE_DIR,
    DEPLOY,
    QUEUES,
    SKIPPED_ROUTE_NAMES,
    START,
    Config,
    SmokeError,
    log,
    process_env,
    production_env,
    read_env_file,
    write_env_file,
)
from .processes import (
    Processes,
    flush_redis,
    render_nginx,
    reset_database,
    run_step,
    self_signed_certificate,
    tail,
    unit_command,
    verify_units,
    wait_for,
)


def second_factor_devices(emails: list[str]):
    """Give each demo account that must pass two-factor authentication (staff, OTP_REQUIRED_FOR_STAFF is on in
    production) a confirmed TOTP device, as enrolling would; returns `code_for(email)`: its current code."""
    # Imported here: Django is set up inside main(), with the production environment.
    from django.contrib.auth import get_user_model
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import otp

    devices = {}
    for user in get_user_model().objects.filter(email__in=emails):
        if otp.second_factor_required_for(user):
            devices[user.email], _ = TOTPDevice.objects.get_or_create(
                user=user, name="prod-smoke", defaults={"confirmed": True}
            )
    log(f"two-factor devices for {len(devices)} staff accounts")

    def code_for(email: str) -> str:
        device = devices[email]
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        return f"{totp.token():0{device.digits}d}"

    return code_for


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.smoke", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.parse_args(argv)  # no options: --help prints the above; settings come from the environment
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

        code_for = second_factor_devices([email for email, _pw, _ in demo_logins()])

        routes = [r for r in crawl_routes() if r[1] not in SKIPPED_ROUTE_NAMES]
        extra, _course_slug = parameterised_paths()
        accounts = [("anonymous", None)] + [(email.split("@")[0], (email, pw)) for email, pw, _ in demo_logins()]
        log(f"crawling {len(routes)} routes + {len(extra)} parameterised pages as {len(accounts)} accounts")

        t_crawl = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=config.concurrency + 1) as pool:
            certificate = pool.submit(certificate_flow, config, results, settings.DEMO_PASSWORD)
            crawls = [
                pool.submit(crawl_role, config, role, credentials, routes, extra, results, code_for)
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
