"""A real HTTP receiver for webhook tests: a thread on 127.0.0.1 that checks signatures with ITS secret
(which may be wrong on purpose) and answers 2xx only when the signature verifies."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from courseworx.core.webhooks import SIGNATURE_HEADER, verify_signature


class Receiver:
    def __init__(self, secret: str = "", status: int = 200):
        self.secret = secret
        self.status = status  # what to answer when the signature verifies (or when no secret is set)
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                header = self.headers.get(SIGNATURE_HEADER, "")
                verified = verify_signature(receiver.secret, header, body) if receiver.secret else None
                receiver.requests.append(
                    {"headers": dict(self.headers), "body": body, "json": json.loads(body), "verified": verified}
                )
                status = 400 if verified is False else receiver.status
                answer = b"bad signature" if verified is False else b'{"ok": true}'
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
