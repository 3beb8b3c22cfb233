"""`sovstack bundle push`: upload a bundle to a hub, retrying with exponential back-off while the hub or its
database is unreachable (the upload is idempotent, so a retry after a lost answer stores nothing twice)."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import httpx

RETRY_STATUS = {429, 500, 502, 503, 504}


@dataclass
class Pushed:
    status: int  # the hub's final HTTP status (0: never reached)
    body: dict
    attempts: int

    @property
    def ok(self) -> bool:
        return self.status in (200, 201)


def push(hub: str, token: str, region: str, path: Path, *, retries: int = 8, timeout: float = 60.0,
         backoff: float = 0.5, cap: float = 10.0, say: Callable[[str], None] = lambda _: None) -> Pushed:
    """Refusals (4xx) are final; connection failures and 5xx are retried `retries` times."""
    data = path.read_bytes()
    url = f"{hub.rstrip('/')}/api/v1/regions/{quote(region, safe='')}/bundles"
    headers = {"Authorization": f"Bearer {token}", "X-Bundle-Filename": path.name,
               "Content-Type": "application/octet-stream"}
    last = Pushed(0, {"detail": "not attempted"}, 0)
    with httpx.Client(timeout=timeout) as client:
        for attempt in range(1, retries + 2):
            last = _once(client, url, data, headers, attempt)
            if last.status and last.status not in RETRY_STATUS:
                return last
            if attempt <= retries:
                delay = min(cap, backoff * 2 ** (attempt - 1)) * (0.5 + random.random() / 2)
                say(f"attempt {attempt}: {last.body.get('detail')}; retrying in {delay:.1f} s")
                time.sleep(delay)
    return last


def _once(client: httpx.Client, url: str, data: bytes, headers: dict[str, str], attempt: int) -> Pushed:
    try:
        response = client.post(url, content=data, headers=headers)
    except httpx.TransportError as exc:
        return Pushed(0, {"detail": f"{type(exc).__name__}: {exc}"}, attempt)
    try:
        body = response.json()
    except ValueError:
        body = {"detail": response.text[:500]}
    return Pushed(response.status_code, body if isinstance(body, dict) else {"detail": str(body)}, attempt)
