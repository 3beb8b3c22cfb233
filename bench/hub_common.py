"""Shared parts of the hub benchmarks: typical bundles from bench/estate.py results, a hub process, timing."""

from __future__ import annotations

import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from sovstack import bundle
from sovstack.bundle import archive, signing
from sovstack.catalogue import load_default
from sovstack.models import Result

sys.path.insert(0, str(Path(__file__).resolve().parent))
import estate  # noqa: E402

SOVSTACK = os.path.join(os.path.dirname(sys.executable), "sovstack")
PASSWORD = "bench password for the auditor"


def typical_members(tmp: Path) -> list[dict[str, bytes]]:
    """Two real bundles (a region with violations, a clean one): `sovstack check` of an estate region, then
    `bundle.create` with every report, PDF included. Returned as members, to be restamped per upload."""
    estate.generate(tmp / "estate", regions=2, violations=0.5, seed=1)
    catalogue, key, out = load_default(), signing.generate(signing.ED25519), []
    dirs = sorted((tmp / "estate" / "regions").iterdir())
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda d: _check(d, tmp / f"{d.name}.json"), dirs))
    for folder, res in zip(dirs, results):
        path = tmp / f"{folder.name}.tar.gz"
        bundle.create(path, res, catalogue, lang="ru", roots=[folder], extra={}, key=key, command=None)
        out.append(archive.read(path))
        print(f"typical bundle {folder.name}: {path.stat().st_size} bytes, {res.summary.failed} failed, "
              f"{res.summary.passed} passed")
    return out


def _check(folder: Path, out: Path) -> Result:
    subprocess.run([SOVSTACK, "check", str(folder), "--no-plan", "-f", "json", "-o", str(out)], check=False,
                   capture_output=True)
    return Result.model_validate_json(out.read_text())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_hub(database: str, port: int, workers: int = 1, log: Path | None = None) -> subprocess.Popen:
    proc = subprocess.Popen([SOVSTACK, "hub", "serve", "--database", database, "--listen", f"127.0.0.1:{port}",
                             "--workers", str(workers)], stdout=subprocess.DEVNULL, start_new_session=True,
                            stderr=log.open("ab") if log else subprocess.DEVNULL)
    wait_up(port)
    return proc


def wait_up(port: int, timeout: float = 60) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return time.monotonic() - start
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the hub on port {port} did not come up")


def sign_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    page = client.get("/login")
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    done = client.post("/login", data={"username": "auditor", "password": PASSWORD, "csrf": csrf})
    assert done.status_code in (200, 303), done.text
    return client


def stats(label: str, samples: list[float]) -> None:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(f"{label:<44} n={len(ms):<4} p50 {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   "
          f"max {ms[-1]:7.1f} ms")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
