"""The crawl's checks: every route without parameters as every account, the security headers of each
HTML page, the static and media files the pages load, collected into one `Results`."""

import http.client
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from .client import Client, Response, parse_page
from .config import BROWSER_ACCEPT, REQUIRED_HEADERS, Config, SmokeError

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


def second_factor(client: Client, email: str, location: str, code_for) -> None:
    """Staff pass two-factor authentication after the password (accounts/otp.py): the code page, then a code
    from the TOTP device the smoke gave the account (`code_for(email)`)."""
    if code_for is None:
        raise SmokeError(f"logging in as {email} asks for a second factor ({location}) and the smoke has no code")
    path = urlsplit(location).path
    page = client.get(path)
    token = parse_page(page.body).csrf
    if page.status != 200 or not token:
        raise SmokeError(f"second-factor page {path} for {email}: {page.status}")
    response = client.request("POST", path, form={"csrfmiddlewaretoken": token, "code": code_for(email)})
    if response.status != 302:
        raise SmokeError(f"second factor for {email} answered {response.status}, not a redirect")


def login_form(client: Client, email: str, password: str, code_for=None) -> None:
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
    after = client.get(urlsplit(response.header("location")).path or "/", headers={"Accept": BROWSER_ACCEPT})
    if after.status == 302 and "/accounts/2fa/" in after.header("location"):
        second_factor(client, email, after.header("location"), code_for)
    me = client.get("/api/v1/me/", headers={"Accept": "application/json"})
    if me.status != 200 or me.json().get("email") != email:
        raise SmokeError(f"after logging in as {email}, /api/v1/me/ answered {me.status}")


def crawl_role(config: Config, role: str, credentials, routes, extra_paths, results: Results, code_for=None) -> None:
    client = Client(config.site)
    try:
        if credentials:
            login_form(client, *credentials, code_for=code_for)
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
