"""The local history store: runs recorded all or nothing, the trend per region, changes since the previous run."""

from __future__ import annotations

import sqlite3

import pytest

from sovstack import history
from sovstack.models import InputRecord, InputStatus, PulumiRef, Status


def _run(result, findings):
    return result.model_copy(update={"findings": findings, "scanned_paths": ["repo"]})


def _count(path, table="runs") -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_first_run_then_changes(result, tmp_path):
    db = tmp_path / "h.db"
    failed, _res, waived, passed = result.findings
    first = history.record(db, _run(result, [failed, waived, passed]), cwd=tmp_path)
    assert first.previous_run_id is None and [r.run_id for r in first.runs] == [1]
    assert first.new == first.fixed == first.newly_waived == []

    moved = failed.model_copy(update={"line": 99})  # the same problem on another line is not new
    brand_new = failed.model_copy(update={"resource": "notify slack", "line": 30})
    now_waived = result.findings[1].model_copy(update={"status": Status.WAIVED, "waiver": waived.waiver})
    second = history.record(db, _run(result, [moved, brand_new, now_waived, passed]), cwd=tmp_path)
    assert second.previous_run_id == 1 and [r.run_id for r in second.runs] == [1, 2]
    assert [(c.policy_id, c.resource) for c in second.new] == [("SOV-MSG-001", "notify slack")]
    assert [(c.policy_id, c.file) for c in second.fixed] == [("SOV-MSG-002", "monitoring/alertmanager.yml")]
    assert [c.policy_id for c in second.newly_waived] == ["SOV-RES-001"]
    assert second.runs[-1].regions[""].failed == 2 and second.runs[-1].regions[""].waived == 1


def test_trend_per_region(result, tmp_path):
    db = tmp_path / "h.db"
    stack = InputRecord(path="Pulumi.tyumen.yaml", kind="pulumi-program", status=InputStatus.EVALUATED, stack="tyumen")
    planned = result.findings[1].model_copy(update={"pulumi": PulumiRef(urn="u", type="t", stack="tyumen")})
    broken = InputRecord(path="Pulumi.tyumen.yaml", kind="pulumi-config", status=InputStatus.ERROR, error="bad")
    doc = _run(result, [result.findings[0], planned]).model_copy(update={"inputs": [stack, broken]})
    got = history.record(db, doc, cwd=tmp_path)
    regions = got.runs[-1].regions
    assert (regions["tyumen"].failed, regions["tyumen"].errors) == (1, 1)
    assert (regions[""].failed, regions[""].errors) == (1, 0)


def test_runs_of_other_paths_are_not_compared(result, tmp_path):
    db = tmp_path / "h.db"
    history.record(db, _run(result, result.findings), cwd=tmp_path)
    other = result.model_copy(update={"scanned_paths": ["elsewhere"]})
    got = history.record(db, other, cwd=tmp_path)
    assert got.previous_run_id is None and len(got.runs) == 1 and _count(db) == 2


def test_not_a_database_is_refused_untouched(result, tmp_path):
    db = tmp_path / "h.db"
    db.write_bytes(b"these are not the runs you are looking for" * 10)
    before = db.read_bytes()
    with pytest.raises(history.HistoryError, match=r"h\.db: not a SQLite database"):
        history.record(db, result, cwd=tmp_path)
    assert db.read_bytes() == before


def test_corrupt_database_names_the_file(result, tmp_path):
    db = tmp_path / "h.db"
    history.record(db, result, cwd=tmp_path)
    data = bytearray(db.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the header survives, the schema page does not
    db.write_bytes(bytes(data))
    with pytest.raises(history.HistoryError, match=r"h\.db"):
        history.record(db, result, cwd=tmp_path)


def test_foreign_or_newer_databases_are_refused(result, tmp_path):
    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(history.HistoryError, match="not a sovstack history store"):
        history.record(foreign, result, cwd=tmp_path)
    newer = tmp_path / "newer.db"
    history.record(newer, result, cwd=tmp_path)
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(history.HistoryError, match="version 99 is newer"):
        history.record(newer, result, cwd=tmp_path)


def test_a_failure_mid_run_leaves_nothing_half_written(result, tmp_path, monkeypatch):
    db = tmp_path / "h.db"
    history.record(db, result, cwd=tmp_path)

    def broken_trend(conn, scope):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(history, "_trend", broken_trend)
    with pytest.raises(history.HistoryError, match="disk I/O error"):
        history.record(db, result, cwd=tmp_path)
    assert _count(db) == 1 and _count(db, "region_counts") >= 1
    assert _count(db, "findings") == 3  # the first run's failed and waived findings, no more
    fresh = tmp_path / "fresh.db"
    with pytest.raises(history.HistoryError):
        history.record(fresh, result, cwd=tmp_path)
    assert not fresh.exists()  # a store this run would have created is not left behind


def test_missing_folder(result, tmp_path):
    with pytest.raises(history.HistoryError, match="its folder does not exist"):
        history.record(tmp_path / "no" / "h.db", result, cwd=tmp_path)


def test_identity_ignores_lines_but_not_resources():
    a = history.identity("SOV-MSG-001", "f.yml", "task x", "excerpt", "msg")
    assert a == history.identity("SOV-MSG-001", "f.yml", "task x", "other excerpt", "other msg")
    assert a != history.identity("SOV-MSG-001", "f.yml", "task y", "excerpt", "msg")
    b = history.identity("SOV-MSG-007", "f.yml", None, "- api.telegram.org", "m")
    assert b == history.identity("SOV-MSG-007", "f.yml", None, "  - api.telegram.org ", "m")
    assert b != history.identity("SOV-MSG-007", "f.yml", None, "- hooks.slack.com", "m")
