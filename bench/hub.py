"""Hub load benchmark (issue 15) on loopback with PostgreSQL: a synthetic country of N regions x D daily uploads,
then p95 of the overview page and /api/v1/regions, upload p95 of a typical bundle, and concurrent uploads
(none lost, none stored twice, every refusal as expected). Prints numbers; asserts nothing.

    bench/hub [--regions 89] [--days 365] [--requests 200] [--uploads 50] [--concurrent 50] [--workers 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import func, insert, select, text

from hub_common import PASSWORD, free_port, sign_in, start_hub, stats, typical_members, utcnow
from sovstack.bundle import signing
from sovstack.catalogue import load_default
from sovstack.history import identity
from sovstack.hub import auth, db, regions, throwaway
from sovstack.hub.models import FindingRow, Region, Upload
from sovstack.hub.status import requirement_verdicts
from sovstack.hub.synthetic import restamped_bytes


def setup_regions(session, names: list[str], tmp: Path) -> dict[str, tuple[signing.Key, str]]:
    out = {}
    for name in names:
        key = signing.generate(signing.ED25519)
        _, public = signing.write_keys(key, tmp / name)
        out[name] = (key, regions.add(session, name, public)[1])
    auth.add_user(session, "auditor", PASSWORD, auth.Role.AUDITOR)
    return out


def bulk_history(engine, members: list[dict[str, bytes]], days: int, seed: int = 1) -> int:
    """One upload a day per region, inserted directly (the stored bundle bytes of this bulk are left out: no read
    path measured here reads them); findings and verdicts from the typical bundles' real results."""
    catalogue, rng, now = load_default(), random.Random(seed), utcnow().replace(tzinfo=None)
    variants = []
    for m in members:
        doc = json.loads(m["result.json"])
        kept = [f for f in doc["findings"] if f["status"] in ("failed", "waived")]
        variants.append((kept, requirement_verdicts(catalogue, doc["findings"], 0), doc["summary"]))
    with engine.begin() as conn:
        region_ids = dict(conn.execute(select(Region.name, Region.id)).all())
        for name, rid in region_ids.items():
            share = rng.choice((0.0, 0.05, 0.3))
            uploads = []
            for day in range(days):
                bad = rng.random() < share
                kept, reqs, summary = variants[0 if bad else 1]
                uploads.append({"region_id": rid, "manifest_sha256": hashlib.sha256(f"{name}/{day}".encode()).hexdigest(),
                                "manifest_streebog256": "0" * 64, "key_id": "bulk", "algorithm": "ed25519",
                                "created_at": now - dt.timedelta(days=days - 1 - day, minutes=rng.randint(1, 300)),
                                "size": 60000, "filename": f"{name}-{day}.tar.gz", "failed": summary["failed"],
                                "passed": summary["passed"], "waived": summary["waived"], "errors": 0,
                                "requirements": reqs, "_findings": kept})
            ids = conn.execute(insert(Upload).returning(Upload.id),
                               [{k: v for k, v in u.items() if k != "_findings"} for u in uploads]).scalars().all()
            rows = [_finding_row(uid, f) for uid, u in zip(ids, uploads) for f in u["_findings"]]
            if rows:
                conn.execute(insert(FindingRow), rows)
            conn.execute(text("UPDATE regions SET last_upload_id = :u WHERE id = :r"), {"u": ids[-1], "r": rid})
        return conn.scalar(select(func.count()).select_from(Upload))


def _finding_row(upload_id: int, f: dict) -> dict:
    return {"upload_id": upload_id, "identity": identity(f["policy_id"], f["file"], f.get("resource"),
                                                         f.get("excerpt"), f["message"]),
            "policy_id": f["policy_id"], "status": f["status"], "severity": f["severity"],
            "category": f.get("category", ""), "file": f["file"], "line": f.get("line"), "resource": f.get("resource"),
            "message": f["message"], "legal_basis": f.get("legal_basis", []), "chain": f.get("chain", []),
            "waiver": f.get("waiver"), "waiver_expires": None}


def reads(base: str, requests: int, days: int) -> None:
    client = sign_in(base)
    for label, path in (("GET / (overview page)", "/"), ("GET /api/v1/regions", "/api/v1/regions"),
                        (f"GET /regions/region-01 (page, {days} uploads)", "/regions/region-01"),
                        ("GET /api/v1/waivers", "/api/v1/waivers")):
        client.get(path)  # warm
        samples = []
        for _ in range(requests):
            start = time.perf_counter()
            response = client.get(path)
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200, response.text[:300]
        stats(label, samples)


def post(base: str, region: str, token: str, data: bytes) -> tuple[int, str, float]:
    start = time.perf_counter()
    response = httpx.post(f"{base}/api/v1/regions/{region}/bundles", content=data, timeout=60,
                          headers={"Authorization": f"Bearer {token}", "X-Bundle-Filename": f"{region}.tar.gz"})
    return response.status_code, response.json().get("detail", ""), time.perf_counter() - start


def uploads(base: str, keys: dict, members: list[dict[str, bytes]], count: int) -> None:
    names, now, samples = sorted(keys), utcnow(), []
    for i in range(count):
        name = names[i % len(names)]
        data = restamped_bytes(members[i % 2], now + dt.timedelta(seconds=i + 1), keys[name][0])
        status, detail, took = post(base, name, keys[name][1], data)
        assert status == 201, detail
        samples.append(took)
    stats(f"POST bundle (typical, {len(data) // 1024} KiB, sequential)", samples)


def concurrent(base: str, engine, keys: dict, members: list[dict[str, bytes]], count: int) -> None:
    """`count` uploads at once: distinct valid ones, racing duplicates, a foreign token, tampered, replayed."""
    names, later = sorted(keys), utcnow() + dt.timedelta(hours=1)
    jobs = []  # (region, token, data, expected statuses, tag)
    valid = max(1, count * 7 // 10)
    for i in range(valid):
        name = names[i % len(names)]
        data = restamped_bytes(members[i % 2], later + dt.timedelta(seconds=i), keys[name][0])
        jobs.append((name, keys[name][1], data, {201}, "valid"))
    for i in range(count - valid):
        name = names[i % len(names)]
        kind = ("duplicate", "foreign-token", "tampered", "replay")[i % 4]
        if kind == "duplicate":
            jobs.append(jobs[i] [:3] + ({200, 201}, "duplicate"))
        elif kind == "foreign-token":
            jobs.append((name, keys[names[(i + 1) % len(names)]][1], jobs[i][2], {403}, kind))
        elif kind == "tampered":
            bad = dict(members[0], **{"result.json": members[0]["result.json"].replace(b'"failed"', b'"passed"')})
            jobs.append((name, keys[name][1], restamped_bytes(bad, later, keys[name][0]), {422}, kind))
        else:
            old = restamped_bytes(members[1], later - dt.timedelta(days=30), keys[name][0])
            jobs.append((name, keys[name][1], old, {409}, kind))
    before = _count(engine)
    start = time.perf_counter()
    with ThreadPoolExecutor(len(jobs)) as pool:
        answers = list(pool.map(lambda j: post(base, j[0], j[1], j[2]), jobs))
    wall = time.perf_counter() - start
    wrong = [(j[4], a[0], a[1]) for j, a in zip(jobs, answers) if a[0] not in j[3]]
    created = Counter(j[2] for j, a in zip(jobs, answers) if a[0] == 201)
    stored = _count(engine) - before
    distinct = len({j[2] for j in jobs if j[4] == "valid"})
    print(f"{len(jobs)} concurrent uploads in {wall:.2f} s: {Counter(j[4] for j in jobs)}")
    print(f"  stored {stored} of {distinct} distinct valid bundles (lost {distinct - stored if stored < distinct else 0}, "
          f"stored twice {sum(1 for n in created.values() if n > 1) + _duplicates(engine)}), "
          f"unexpected answers {len(wrong)} {wrong[:3]}")
    stats(f"  POST bundle under {len(jobs)}-way concurrency", [a[2] for a in answers])


def _count(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Upload))


def _duplicates(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(text("SELECT count(*) FROM (SELECT region_id, manifest_sha256 FROM uploads "
                                "GROUP BY 1, 2 HAVING count(*) > 1) d"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regions", type=int, default=89)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--uploads", type=int, default=50)
    ap.add_argument("--concurrent", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="sovstack-bench-hub-") as tmp:
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
        with db.sessions(engine)() as session:
            keys = setup_regions(session, [f"region-{n:02d}" for n in range(1, args.regions + 1)], tmp)
        start = time.perf_counter()
        total = bulk_history(engine, members, args.days)
        print(f"history: {total} uploads ({args.regions} regions x {args.days} days) inserted in "
              f"{time.perf_counter() - start:.1f} s; PostgreSQL {cluster.bin.parent.name}")
        port = free_port()
        hub = start_hub(url, port, args.workers, tmp / "hub.log")
        try:
            base = f"http://127.0.0.1:{port}"
            print(f"hub: {args.workers} uvicorn worker(s) on {base}")
            reads(base, args.requests, args.days)
            uploads(base, keys, members, args.uploads)
            concurrent(base, engine, keys, members, args.concurrent)
        finally:
            hub.terminate()
            hub.wait(timeout=30)
    finally:
        cluster.destroy()


if __name__ == "__main__":
    sys.exit(main())
