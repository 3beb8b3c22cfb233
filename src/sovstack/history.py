"""Local history of runs (SQLite): each run recorded in one transaction; the trend and what changed since the last run."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections import Counter
from pathlib import Path

from sovstack.models import FindingChange, History, HistoryRun, InputStatus, RegionCounts, Result, Status
from sovstack.redact import redact_model
from sovstack.regions import Regions

SCHEMA_VERSION = 1  # PRAGMA user_version of a store this code writes
TREND_RUNS = 10  # runs the report's trend shows
SQLITE_MAGIC = b"SQLite format 3\x00"
ENV = "SOVSTACK_HISTORY"

SCHEMA = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scope TEXT NOT NULL,            -- the scanned paths, resolved and sorted: runs of the same scope are compared
    started_at TEXT,
    recorded_at TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    command TEXT,                   -- JSON list
    failed INTEGER NOT NULL, passed INTEGER NOT NULL, waived INTEGER NOT NULL, errors INTEGER NOT NULL
);
CREATE INDEX runs_by_scope ON runs (scope, id);
CREATE TABLE region_counts (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    region TEXT NOT NULL,           -- a Pulumi stack, or '' for the shared inputs
    failed INTEGER NOT NULL, passed INTEGER NOT NULL, waived INTEGER NOT NULL, errors INTEGER NOT NULL,
    PRIMARY KEY (run_id, region)
);
CREATE TABLE findings (             -- failed and waived findings only (passed ones are counted)
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    identity TEXT NOT NULL,         -- policy, file, resource (or the excerpt): line numbers left out
    status TEXT NOT NULL, policy_id TEXT NOT NULL, severity TEXT NOT NULL, file TEXT NOT NULL, line INTEGER,
    resource TEXT, region TEXT NOT NULL, message TEXT NOT NULL, waiver_id TEXT
);
CREATE INDEX findings_by_run ON findings (run_id);
"""


class HistoryError(Exception):
    """The history store cannot be opened, is not a sovstack store, or could not be written."""


def identity(policy_id: str, file: str, resource: str | None, excerpt: str | None, message: str) -> str:
    """The same problem across runs, wherever its line moved: by resource when it has one, else by its text."""
    what = resource if resource else " ".join((excerpt or message).split())
    return hashlib.sha256("\x1f".join((policy_id, file, what)).encode("utf-8")).hexdigest()[:32]


def scope_of(result: Result, cwd: Path | None = None) -> str:
    base = cwd or Path.cwd()
    return "\n".join(sorted(os.path.normpath(base / p) for p in result.scanned_paths))


def record(path: Path, result: Result, cwd: Path | None = None) -> History:
    """Adds the run to the store (created if missing) and returns its trend and changes. All or nothing: on any
    error the transaction is rolled back, and a store this call created is removed."""
    existed = path.exists()
    _check_file(path)
    result = redact_model(result)
    try:
        conn = sqlite3.connect(path, timeout=10, isolation_level=None)
    except sqlite3.Error as exc:
        raise HistoryError(f"{path}: cannot open the history store: {exc}") from exc
    try:
        history = _record(conn, path, result, scope_of(result, cwd))
    except (sqlite3.Error, HistoryError) as exc:
        _rollback(conn)
        conn.close()
        if not existed:
            path.unlink(missing_ok=True)
        if isinstance(exc, HistoryError):
            raise
        raise HistoryError(f"{path}: history store: {exc}") from exc
    conn.close()
    return history


def _check_file(path: Path) -> None:
    if path.exists() and not path.is_file():
        raise HistoryError(f"{path}: not a file")
    if not path.parent.is_dir():
        raise HistoryError(f"{path}: its folder does not exist")
    if path.is_file() and path.stat().st_size:
        try:
            with path.open("rb") as fh:
                head = fh.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise HistoryError(f"{path}: cannot read: {exc}") from exc
        if head != SQLITE_MAGIC:
            raise HistoryError(f"{path}: not a SQLite database (not a sovstack history store)")


def _rollback(conn: sqlite3.Connection) -> None:
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass


def _record(conn: sqlite3.Connection, path: Path, result: Result, scope: str) -> History:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("BEGIN IMMEDIATE")
    _migrate(conn, path)
    previous = conn.execute("SELECT max(id) FROM runs WHERE scope = ?", (scope,)).fetchone()[0]
    run_id = _insert(conn, result, scope)
    runs = _trend(conn, scope)
    before = _findings(conn, previous) if previous is not None else []
    now = _findings(conn, run_id)
    new, fixed, newly_waived = changes(before, now) if previous is not None else ([], [], [])
    conn.execute("COMMIT")
    return History(store=str(path), scope=scope, runs=runs, previous_run_id=previous, new=new, fixed=fixed,
                   newly_waived=newly_waived)


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise HistoryError(f"{path}: history store version {version} is newer than this sovstack "
                           f"understands ({SCHEMA_VERSION})")
    if version == SCHEMA_VERSION:
        return
    tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    if tables:
        raise HistoryError(f"{path}: a SQLite database that is not a sovstack history store")
    for statement in SCHEMA.split(";"):  # no ';' inside the statements or their comments
        if statement.strip():
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _insert(conn: sqlite3.Connection, result: Result, scope: str) -> int:
    s = result.summary
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    cur = conn.execute(
        "INSERT INTO runs (scope, started_at, recorded_at, tool_version, command, failed, passed, waived, errors)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (scope, result.started_at, now, result.tool.version, json.dumps(result.command or []), s.failed, s.passed,
         s.waived, s.errors))
    run_id = int(cur.lastrowid)
    regions = Regions(result)
    counts: dict[str, RegionCounts] = {name: RegionCounts() for name in regions.scopes()}
    rows = []
    for f in result.findings:
        region = regions.of_finding(f)
        c = counts.setdefault(region, RegionCounts())
        setattr(c, f.status.value, getattr(c, f.status.value) + 1)
        if f.status is not Status.PASSED:
            rows.append((run_id, identity(f.policy_id, f.file, f.resource, f.excerpt, f.message), f.status.value,
                         f.policy_id, f.severity.value, f.file, f.line, f.resource, region, f.message,
                         f.waiver.id if f.waiver else None))
    for rec in result.inputs:
        if rec.status is InputStatus.ERROR:
            counts.setdefault(regions.of_input(rec), RegionCounts()).errors += 1
    conn.executemany("INSERT INTO region_counts VALUES (?, ?, ?, ?, ?, ?)",
                     [(run_id, name, c.failed, c.passed, c.waived, c.errors) for name, c in counts.items()])
    conn.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return run_id


def _trend(conn: sqlite3.Connection, scope: str) -> list[HistoryRun]:
    runs = conn.execute("SELECT id, started_at, recorded_at, failed, waived, errors FROM runs WHERE scope = ? "
                        "ORDER BY id DESC LIMIT ?", (scope, TREND_RUNS)).fetchall()
    out = []
    for run_id, started, recorded, failed, waived, errors in reversed(runs):
        regions = {name: RegionCounts(failed=f, passed=p, waived=w, errors=e) for name, f, p, w, e in conn.execute(
            "SELECT region, failed, passed, waived, errors FROM region_counts WHERE run_id = ?", (run_id,))}
        out.append(HistoryRun(run_id=run_id, started_at=started, recorded_at=recorded, failed=failed, waived=waived,
                              errors=errors, regions=regions))
    return out


def _findings(conn: sqlite3.Connection, run_id: int) -> list[FindingChange]:
    rows = conn.execute("SELECT identity, status, policy_id, severity, file, line, resource, region, message, "
                        "waiver_id FROM findings WHERE run_id = ? ORDER BY rowid", (run_id,)).fetchall()
    keys = ("identity", "status", "policy_id", "severity", "file", "line", "resource", "region", "message",
            "waiver_id")
    return [FindingChange.model_validate(dict(zip(keys, row))) for row in rows]


def changes(before: list[FindingChange], now: list[FindingChange]
            ) -> tuple[list[FindingChange], list[FindingChange], list[FindingChange]]:
    """New violations, fixed ones (failed or waived before, neither now) and newly waived ones; counted as
    multisets, so two identical findings in one file are two."""
    new = _unmatched([c for c in now if c.status is Status.FAILED],
                     Counter(c.identity for c in before if c.status is Status.FAILED))
    fixed = _unmatched(before, Counter(c.identity for c in now))
    newly_waived = _unmatched([c for c in now if c.status is Status.WAIVED],
                              Counter(c.identity for c in before if c.status is Status.WAIVED))
    return new, fixed, newly_waived


def _unmatched(items: list[FindingChange], pool: Counter[str]) -> list[FindingChange]:
    left = pool.copy()
    out = []
    for item in items:
        if left[item.identity] > 0:
            left[item.identity] -= 1
        else:
            out.append(item)
    return out
