"""A small browser-like HTTP client (keep-alive, cookies, CSRF) and the parser that finds the static and
media files a page loads."""

import http.client
import json
import ssl
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

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
