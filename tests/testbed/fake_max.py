"""A local HTTP(S) server that behaves like the documented MAX Bot API endpoints the alert bridge uses.

POST /messages?chat_id=N with the bot token in the Authorization header (no "Bearer") and a JSON body
{"text": ...} (at most 4000 characters) answers 200 with a message object; a wrong token answers 401;
`rate_limit_next` makes the next N sends answer 429 with a Retry-After header.
"""

from __future__ import annotations

import json
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MAX_TEXT = 4000


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: dict | None
    status: int


@dataclass
class FakeMax:
    token: str
    retry_after: str = "1"
    rate_limit_next: int = 0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def messages(self) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.status == 200]

    def handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _answer(self, status: int, payload: dict, extra: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = None
                status, payload, extra = fake._decide(url.path, parse_qs(url.query), self.headers, body)
                with fake.lock:
                    fake.received.append(Received(url.path, parse_qs(url.query), dict(self.headers), body,
                                                  status))
                self._answer(status, payload, extra)

        return Handler

    def _decide(self, path, query, headers, body):
        if path != "/messages":
            return 404, {"code": "not.found", "message": "Path not found"}, None
        if headers.get("Authorization") != self.token:
            return 401, {"code": "verify.token", "message": "Invalid access_token"}, None
        if not (query.get("chat_id") or query.get("user_id")):
            return 400, {"code": "proto.payload", "message": "chat_id or user_id required"}, None
        if not isinstance(body, dict) or not isinstance(body.get("text"), str) or len(body["text"]) > MAX_TEXT:
            return 400, {"code": "proto.payload", "message": "text must be a string of <= 4000 chars"}, None
        with self.lock:
            if self.rate_limit_next > 0:
                self.rate_limit_next -= 1
                return 429, {"code": "too.many.requests", "message": "Rate limit"}, {
                    "Retry-After": self.retry_after}
            n = len(self.received) + 1
        return 200, {"message": {"body": {"mid": f"mid.{n}", "text": body["text"]}}}, None


class Server:
    """Serves a FakeMax on (host, port); TLS when given a certificate chain and key."""

    def __init__(self, fake: FakeMax, host: str = "127.0.0.1", port: int = 0,
                 certfile: str | None = None, keyfile: str | None = None) -> None:
        self.fake = fake
        self.httpd = ThreadingHTTPServer((host, port), fake.handler())
        self.httpd.daemon_threads = True
        if certfile:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(certfile, keyfile)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.scheme = "https" if certfile else "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.httpd.server_address[0]}:{self.port}"

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.1)

    def start(self) -> Server:
        threading.Thread(target=self.serve_forever, daemon=True, name="fake-max").start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
