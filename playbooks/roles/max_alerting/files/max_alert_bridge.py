#!/usr/bin/python3
"""max-alert-bridge: receives Prometheus Alertmanager webhooks and posts them to a MAX chat.

Alerting then needs no foreign messenger: Alertmanager's `webhook_configs` points here, and the bridge sends
each notification through the MAX Bot API (POST {api}/messages?chat_id=..., the bot token in the
Authorization header, JSON {"text": ...}). Standard library only, so it runs on any Debian host.

Settings (environment):
  MAX_BOT_TOKEN or MAX_BOT_TOKEN_FILE   the bot's token (never logged)
  MAX_CHAT_ID                           chat to post to
  MAX_API_URL                           default https://platform-api2.max.ru
  MAX_CA_FILE                           CA bundle for the API (default: the system trust store, which
                                        holds the Russian national CA on sovstack hosts)
  BRIDGE_LISTEN                         host:port, default 127.0.0.1:9095
  BRIDGE_AUTH_TOKEN                     if set, Alertmanager must send "Authorization: Bearer <token>"
  BRIDGE_MAX_ATTEMPTS                   attempts per message (429 and 5xx are retried), default 5
  BRIDGE_MAX_RETRY_WAIT                 longest wait between attempts in seconds, default 30
  BRIDGE_TIMEOUT                        HTTP timeout in seconds, default 10

Endpoints: POST /alertmanager (Alertmanager webhook, payload version 4), GET /healthz.
Answers 200 when every message was accepted by MAX, 502 otherwise (Alertmanager retries), 400 on a
malformed payload, 401 on a missing or wrong bearer token, 413 when the payload is too large.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import ssl
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_TEXT = 4000               # MAX's limit on message text
MIN_INTERVAL = 0.5            # MAX allows 2 messages per second per chat
MAX_BODY = 1024 * 1024        # largest Alertmanager payload accepted
DEFAULT_API = "https://platform-api2.max.ru"

log = logging.getLogger("max-alert-bridge")


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Config:
    token: str
    chat_id: str
    api_url: str = DEFAULT_API
    ca_file: str | None = None
    host: str = "127.0.0.1"
    port: int = 9095
    auth_token: str | None = None
    max_attempts: int = 5
    max_retry_wait: float = 30.0
    timeout: float = 10.0

    def __repr__(self) -> str:  # never show secrets
        return f"Config(chat_id={self.chat_id!r}, api_url={self.api_url!r}, listen={self.host}:{self.port})"

    @classmethod
    def from_env(cls, env: dict[str, str]) -> Config:
        token = env.get("MAX_BOT_TOKEN", "")
        if not token and env.get("MAX_BOT_TOKEN_FILE"):
            with open(env["MAX_BOT_TOKEN_FILE"], encoding="utf-8") as f:
                token = f.read().strip()
        if not token:
            raise ConfigError("MAX_BOT_TOKEN (or MAX_BOT_TOKEN_FILE) is not set")
        chat = env.get("MAX_CHAT_ID", "").strip()
        if not chat.lstrip("-").isdigit():
            raise ConfigError("MAX_CHAT_ID must be a chat id (an integer)")
        api = env.get("MAX_API_URL", DEFAULT_API).rstrip("/")
        if urllib.parse.urlsplit(api).scheme not in ("http", "https"):
            raise ConfigError("MAX_API_URL must be an http(s) URL")
        host, _, port = env.get("BRIDGE_LISTEN", "127.0.0.1:9095").rpartition(":")
        return cls(token=token, chat_id=chat, api_url=api, ca_file=env.get("MAX_CA_FILE") or None,
                   host=host.strip("[]") or "127.0.0.1", port=int(port),
                   auth_token=env.get("BRIDGE_AUTH_TOKEN") or None,
                   max_attempts=max(1, int(env.get("BRIDGE_MAX_ATTEMPTS", "5"))),
                   max_retry_wait=float(env.get("BRIDGE_MAX_RETRY_WAIT", "30")),
                   timeout=float(env.get("BRIDGE_TIMEOUT", "10")))


# ---- formatting ----------------------------------------------------------------------------------
def _alert_lines(alert: dict) -> list[str]:
    labels = alert.get("labels") or {}
    ann = alert.get("annotations") or {}
    status = str(alert.get("status", "firing")).upper()
    name = labels.get("alertname", "alert")
    where = labels.get("instance") or labels.get("job") or ""
    sev = labels.get("severity")
    head = f"[{status}] {name}" + (f" ({sev})" if sev else "") + (f" on {where}" if where else "")
    lines = [head]
    for key in ("summary", "description"):
        if ann.get(key):
            lines.append(f"  {ann[key]}")
    if alert.get("startsAt"):
        lines.append(f"  since {alert['startsAt']}")
    return lines


def format_messages(payload: dict) -> list[str]:
    """Turns an Alertmanager webhook payload into MAX messages of at most MAX_TEXT characters each."""
    if not isinstance(payload, dict) or not isinstance(payload.get("alerts"), list):
        raise ValueError("not an Alertmanager webhook payload: 'alerts' list missing")
    alerts = payload["alerts"]
    firing = sum(1 for a in alerts if a.get("status") == "firing")
    group = payload.get("groupLabels") or {}
    title = (f"Alertmanager: {str(payload.get('status', '')).upper()} - {firing} firing, "
             f"{len(alerts) - firing} resolved")
    if group:
        title += " [" + ", ".join(f"{k}={v}" for k, v in sorted(group.items())) + "]"
    blocks = ["\n".join(_alert_lines(a)) for a in alerts if isinstance(a, dict)]
    messages, current, fresh = [], title, True
    for block in blocks:
        room = MAX_TEXT - len(current) - 2
        if len(block) > room and not fresh:
            messages.append(current)
            current, fresh = "(continued)", True
            room = MAX_TEXT - len(current) - 2
        if len(block) > room:
            block = block[: room - 1] + "…"
        current, fresh = current + "\n\n" + block, False
    messages.append(current)
    return messages


# ---- sending -------------------------------------------------------------------------------------
class SendError(RuntimeError):
    pass


class MaxClient:
    """Posts text to one MAX chat; retries 429 (honouring Retry-After) and 5xx; spaces sends per chat."""

    def __init__(self, cfg: Config, sleep=time.sleep, clock=time.monotonic) -> None:
        self.cfg = cfg
        self.sleep, self.clock = sleep, clock
        self._lock = threading.Lock()
        self._last = -1e9
        self._ctx = ssl.create_default_context(cafile=cfg.ca_file) if cfg.api_url.startswith("https") else None

    def _request(self, text: str) -> urllib.request.Request:
        url = f"{self.cfg.api_url}/messages?" + urllib.parse.urlencode({"chat_id": self.cfg.chat_id})
        data = json.dumps({"text": text}, ensure_ascii=False).encode("utf-8")
        return urllib.request.Request(url, data=data, method="POST", headers={
            "Authorization": self.cfg.token, "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "sovstack-max-alert-bridge/1"})

    def _pace(self) -> None:
        wait = self._last + MIN_INTERVAL - self.clock()
        if wait > 0:
            self.sleep(wait)
        self._last = self.clock()

    def send(self, text: str) -> None:
        with self._lock:  # one message at a time keeps the per-chat rate and the order
            for attempt in range(1, self.cfg.max_attempts + 1):
                self._pace()
                status, retry_after, detail = self._post(text)
                if 200 <= status < 300:
                    return
                retryable = status == 429 or status >= 500 or status == 0
                if not retryable or attempt == self.cfg.max_attempts:
                    raise SendError(f"MAX API answered {status or 'no response'} ({detail}) "
                                    f"after {attempt} attempt(s)")
                wait = retry_after if retry_after is not None else min(2 ** (attempt - 1), 8)
                wait = min(max(wait, 0.0), self.cfg.max_retry_wait)
                log.warning("MAX API answered %s, retrying in %.1fs (attempt %d/%d)",
                            status or "no response", wait, attempt, self.cfg.max_attempts)
                self.sleep(wait)

    def _post(self, text: str) -> tuple[int, float | None, str]:
        try:
            with urllib.request.urlopen(self._request(text), timeout=self.cfg.timeout,
                                        context=self._ctx) as resp:
                resp.read()
                return resp.status, None, "ok"
        except urllib.error.HTTPError as err:
            body = err.read(300).decode("utf-8", "replace")
            return err.code, _retry_after(err.headers.get("Retry-After")), _code(body)
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            return 0, None, f"{type(reason).__name__}: {reason}"


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _code(body: str) -> str:
    try:
        data = json.loads(body)
        return str(data.get("code") or data.get("message") or "error")
    except (ValueError, AttributeError):
        return "error"


# ---- HTTP server ---------------------------------------------------------------------------------
def make_handler(cfg: Config, client: MaxClient):
    class Handler(BaseHTTPRequestHandler):
        server_version = "max-alert-bridge"
        sys_version = ""

        def log_message(self, fmt: str, *args) -> None:
            log.info("%s %s", self.address_string(), fmt % args)

        def _reply(self, status: int, text: str) -> None:
            data = (text + "\n").encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/healthz":
                self._reply(200, "ok")
            else:
                self._reply(404, "not found")

        def do_POST(self) -> None:  # noqa: N802
            if self.path.split("?")[0] != "/alertmanager":
                return self._reply(404, "not found")
            if cfg.auth_token:
                given = self.headers.get("Authorization", "")
                if not hmac.compare_digest(given.encode(), f"Bearer {cfg.auth_token}".encode()):
                    return self._reply(401, "unauthorized")
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError:
                return self._reply(411, "length required")
            if length > MAX_BODY:
                self.close_connection = True
                return self._reply(413, "payload too large")
            try:
                messages = format_messages(json.loads(self.rfile.read(length)))
            except ValueError as err:
                return self._reply(400, f"bad payload: {err}")
            try:
                for text in messages:
                    client.send(text)
            except SendError as err:
                log.error("could not deliver to MAX chat %s: %s", cfg.chat_id, err)
                return self._reply(502, str(err))
            log.info("delivered %d message(s) to MAX chat %s", len(messages), cfg.chat_id)
            self._reply(200, f"delivered {len(messages)}")

    return Handler


def make_server(cfg: Config, client: MaxClient | None = None) -> ThreadingHTTPServer:
    httpd = ThreadingHTTPServer((cfg.host, cfg.port), make_handler(cfg, client or MaxClient(cfg)))
    httpd.daemon_threads = True
    return httpd


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        cfg = Config.from_env(dict(os.environ))
    except (ConfigError, OSError, ValueError) as err:
        log.error("configuration: %s", err)
        return 2
    httpd = make_server(cfg)
    log.info("listening on %s:%d, posting to %s (chat %s)", cfg.host, httpd.server_address[1],
             cfg.api_url, cfg.chat_id)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
