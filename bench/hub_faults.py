"""Hub fault benchmark (issue 15) on loopback with PostgreSQL: regions push bundles (`bundle push`'s retry with
back-off) while the hub is killed (SIGKILL; a supervisor restarts it, as systemd's Restart=always would) and,
separately, while PostgreSQL restarts. Then every bundle must be stored exactly once, whole. Prints numbers.

    bench/hub_faults [--regions 10] [--bundles 12]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import os
import signal
import sys
import tarfile
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import func, select, text

from hub_common import free_port, start_hub, typical_members, utcnow, wait_up
from sovstack.bundle import signing
from sovstack.hub import db, regions, throwaway
from sovstack.hub.models import BundleBlob, FindingRow, Region, Upload
from sovstack.hub.push import push
from sovstack.hub.synthetic import restamped_bytes


class Supervisor:
    """Keeps one hub process running: restarts it when it dies (1 s later), counting restarts."""

    def __init__(self, database: str, port: int, log: Path):
        self.database, self.port, self.log = database, port, log
        self.proc = start_hub(database, port, 2, log)
        self.restarts, self.stop = 0, threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        while not self.stop.is_set():
            if self.proc.poll() is not None:
                time.sleep(1)
                self.proc = start_hub(self.database, self.port, 2, self.log)
                self.restarts += 1
            time.sleep(0.1)

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)  # the whole hub: the uvicorn parent and its workers

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


def make_bundles(tmp: Path, members, keys, count: int, start: dt.datetime, tag: str) -> dict[str, list[Path]]:
    out = {}
    for name, (key, _) in keys.items():
        folder = tmp / tag / name
        folder.mkdir(parents=True)
        out[name] = []
        for i in range(count):
            path = folder / f"{name}-{i:03d}.tar.gz"
            path.write_bytes(restamped_bytes(members[i % 2], start + dt.timedelta(minutes=i), key))
            out[name].append(path)
    return out


def push_all(base: str, keys, bundles: dict[str, list[Path]]) -> dict:
    """Each region pushes its bundles in order (as its CI would), all regions at once."""
    def region_run(name: str) -> list:
        return [(path, push(base, keys[name][1], name, path, retries=12, backoff=0.25, cap=4.0, timeout=30))
                for path in bundles[name]]

    started = time.perf_counter()
    with ThreadPoolExecutor(len(bundles)) as pool:
        results = [item for chunk in pool.map(region_run, sorted(bundles)) for item in chunk]
    return {"results": results, "seconds": time.perf_counter() - started}


def check_store(engine, bundles: dict[str, list[Path]], outcome: dict) -> str:
    ok = sum(1 for _, p in outcome["results"] if p.ok)
    retried = sum(p.attempts - 1 for _, p in outcome["results"])
    wanted = {(name, hashlib.sha256(_manifest(path)).hexdigest()) for name, paths in bundles.items() for path in paths}
    with engine.connect() as conn:
        stored = {tuple(row) for row in conn.execute(select(Region.name, Upload.manifest_sha256)
                                                      .join(Region, Region.id == Upload.region_id))}
        dupes = conn.scalar(text("SELECT count(*) FROM (SELECT region_id, manifest_sha256 FROM uploads "
                                 "GROUP BY 1, 2 HAVING count(*) > 1) d"))
        no_blob = conn.scalar(select(func.count()).select_from(Upload).outerjoin(
            BundleBlob, BundleBlob.upload_id == Upload.id).where(BundleBlob.upload_id.is_(None)))
        counts = conn.execute(select(Upload.failed + Upload.waived, func.count(FindingRow.id))
                              .outerjoin(FindingRow, FindingRow.upload_id == Upload.id).group_by(Upload.id)).all()
    partial = sum(1 for want, got in counts if want != got)
    return (f"pushes ok {ok}/{len(outcome['results'])} in {outcome['seconds']:.1f} s ({retried} retries); "
            f"stored {len(stored & wanted)}/{len(wanted)} (lost {len(wanted - stored)}), stored twice {dupes}, "
            f"uploads without their bundle {no_blob}, uploads with missing findings {partial}")


def _manifest(path: Path) -> bytes:
    with tarfile.open(fileobj=io.BytesIO(path.read_bytes())) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/manifest.json"))
        return tar.extractfile(member).read()


def scenario_kill(base, sup: Supervisor, keys, bundles, engine) -> None:
    def chaos() -> None:
        time.sleep(1.0)
        sup.kill()
        killed = time.perf_counter()
        while sup.restarts == 0:
            time.sleep(0.05)
        print(f"  hub killed (SIGKILL) mid-upload; back, answering, after {time.perf_counter() - killed:.1f} s")

    thread = threading.Thread(target=chaos)
    thread.start()
    outcome = push_all(base, keys, bundles)
    thread.join()
    print("  " + check_store(engine, bundles, outcome))


def scenario_postgres(base, port: int, cluster: throwaway.Cluster, keys, bundles, engine) -> None:
    def chaos() -> None:
        time.sleep(1.0)
        start = time.perf_counter()
        cluster.stop("fast")
        time.sleep(1.0)
        cluster.start()
        engine.dispose()
        print(f"  PostgreSQL stopped (fast: sessions cut) and started again in {time.perf_counter() - start:.1f} s")

    thread = threading.Thread(target=chaos)
    thread.start()
    outcome = push_all(base, keys, bundles)
    thread.join()
    print("  " + check_store(engine, bundles, outcome))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regions", type=int, default=10)
    ap.add_argument("--bundles", type=int, default=12, help="bundles per region per scenario")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="sovstack-bench-hubf-") as tmp:
        run(args, Path(tmp))
    return 0


def run(args: argparse.Namespace, tmp: Path) -> None:
    members = typical_members(tmp)
    cluster = throwaway.Cluster()
    cluster.start()
    try:
        url = cluster.create_database("hub")
        engine = db.engine_for(url)
        db.migrate(engine)
        keys = {}
        with db.sessions(engine)() as session:
            for n in range(1, args.regions + 1):
                name, key = f"region-{n:02d}", signing.generate(signing.ED25519)
                keys[name] = (key, regions.add(session, name, signing.write_keys(key, tmp / name)[1])[1])
        port = free_port()
        base, sup = f"http://127.0.0.1:{port}", Supervisor(url, port, tmp / "hub.log")
        try:
            now = utcnow()
            print(f"scenario 1: {args.regions} regions x {args.bundles} bundles, hub killed during the uploads")
            scenario_kill(base, sup, keys, make_bundles(tmp, members, keys, args.bundles, now, "a"), engine)
            wait_up(port)
            print(f"scenario 2: {args.regions} regions x {args.bundles} bundles, PostgreSQL restarted during the "
                  "uploads (the hub is not restarted)")
            later = now + dt.timedelta(days=1)
            scenario_postgres(base, port, cluster, keys, make_bundles(tmp, members, keys, args.bundles, later, "b"),
                              engine)
            print(f"hub restarts by the supervisor: {sup.restarts} (scenario 1 only)")
        finally:
            sup.close()
    finally:
        cluster.destroy()


if __name__ == "__main__":
    sys.exit(main())
