"""Outbound HTTP to addresses given by configuration or users: the one SSRF check.

`check_url(url)` accepts only `https://` URLs (plain `http://` too when `allow_http=True`) without
credentials whose host resolves *only* to public addresses (no loopback, private, link-local, shared,
multicast, reserved or unspecified ones — IPv4 and IPv6, including IPv4-mapped IPv6).  `fetch(url)`
checks the URL, then connects to the address it checked (so a DNS answer that changes between the check
and the connection cannot reach an internal host), does not follow redirects, and reads at most
`max_bytes`.  Any refusal is an `UnsafeURLError`; network failures are `OutboundError`.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit


class OutboundError(Exception):
    """The request could not be made or answered badly."""


class UnsafeURLError(OutboundError):
    """The URL is refused by the SSRF check."""


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve_public(host: str, port: int, *, allow_private: bool = False) -> str:
    """The first address of `host`, provided every address it resolves to is public (any address with
    `allow_private`: development and tests only)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeURLError(f"The host {host!r} cannot be resolved.") from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise UnsafeURLError(f"The host {host!r} has no address.")
    for address in addresses:
        if not allow_private and not _is_public(address):
            raise UnsafeURLError(f"The host {host!r} resolves to a non-public address ({address}).")
    return addresses[0]


def check_url(url: str, *, allow_http: bool = False, allow_private: bool = False) -> tuple[str, str, int, str]:
    """(scheme, host, port, path?query) of an acceptable URL; raises UnsafeURLError otherwise.  Does not
    resolve the host (fetch does, at connection time).  `allow_private` accepts loopback/private addresses
    (development and tests only)."""
    if not isinstance(url, str) or "\x00" in url or len(url) > 2000:
        raise UnsafeURLError("Not a usable URL.")
    parts = urlsplit(url.strip())
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes:
        raise UnsafeURLError(f"Only {' or '.join(schemes)} URLs are allowed.")
    if parts.username or parts.password:
        raise UnsafeURLError("URLs with credentials are not allowed.")
    host = parts.hostname or ""
    if not host:
        raise UnsafeURLError("The URL has no host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeURLError("The URL's port is not valid.") from exc
    try:  # a literal address is checked right away
        if not allow_private and not _is_public(host):
            raise UnsafeURLError(f"The address {host} is not public.")
    except ValueError:
        pass
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, host, port, path


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def fetch(url: str, *, timeout: float = 10.0, max_bytes: int = 1_000_000, allow_http: bool = False) -> bytes:
    """GET `url` after the SSRF check; the body (at most `max_bytes`).  Redirects are not followed."""
    scheme, host, port, path = check_url(url, allow_http=allow_http)
    address = resolve_public(host, port)
    conn: http.client.HTTPConnection
    if scheme == "https":
        conn = _PinnedHTTPSConnection(host, port, address, timeout=timeout, context=ssl.create_default_context())
    else:
        conn = _PinnedHTTPConnection(host, port, address, timeout=timeout)
    try:
        conn.request("GET", path, headers={"User-Agent": "CourseWorx", "Accept": "application/json"})
        response = conn.getresponse()
        if response.status != 200:
            raise OutboundError(f"{host} answered HTTP {response.status}.")
        body = response.read(max_bytes + 1)
    except (OSError, http.client.HTTPException) as exc:
        raise OutboundError(f"Could not fetch from {host}: {exc}") from exc
    finally:
        conn.close()
    if len(body) > max_bytes:
        raise OutboundError(f"The answer from {host} is larger than {max_bytes} bytes.")
    return body


class PostResult:
    """What a POST answered: the status code and at most `max_bytes` of the body (never raises on 4xx/5xx)."""

    __slots__ = ("body", "status")

    def __init__(self, status: int, body: bytes):
        self.status = status
        self.body = body


def post(
    url: str,
    *,
    body: bytes,
    headers: dict[str, str],
    timeout: float = 10.0,
    max_bytes: int = 64 * 1024,
    allow_http: bool = False,
    allow_private: bool = False,
) -> PostResult:
    """POST `body` to `url` after the SSRF check (the host is resolved and checked now, and the checked
    address is the one connected to: a DNS answer changed since the URL was saved cannot reach an internal
    host).  Redirects are not followed (a 3xx is just the answer).  Any HTTP status is returned; refusals
    are `UnsafeURLError`, network failures `OutboundError`."""
    scheme, host, port, path = check_url(url, allow_http=allow_http, allow_private=allow_private)
    address = resolve_public(host, port, allow_private=allow_private)
    conn: http.client.HTTPConnection
    if scheme == "https":
        conn = _PinnedHTTPSConnection(host, port, address, timeout=timeout, context=ssl.create_default_context())
    else:
        conn = _PinnedHTTPConnection(host, port, address, timeout=timeout)
    try:
        conn.request("POST", path, body=body, headers={"User-Agent": "CourseWorx", **headers})
        response = conn.getresponse()
        data = response.read(max_bytes)
        return PostResult(response.status, data)
    except (OSError, http.client.HTTPException) as exc:
        raise OutboundError(f"Could not reach {host}: {exc}") from exc
    finally:
        conn.close()
