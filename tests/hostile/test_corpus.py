"""Hostile inputs: for each, a clear error naming the file, bounded time and memory, exit 2, no code run, and
every other input still evaluated. Each case runs `sovstack check` in its own process under a memory limit, so a
crash (a signal) or a hang (the time-out) is caught as such."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import CASES, SENTINEL, SENTINEL_TEXT  # noqa: E402

MEMORY_LIMIT = 3 * 1024 ** 3  # bytes of address space for the whole check (plans get their own, smaller limit)
HANG_AFTER_S = 240  # no case comes near this: reaching it means sovstack hung


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_check(folder: Path) -> tuple[int, dict, str]:
    cmd = [str(Path(sys.executable).parent / "sovstack"), "check", str(folder), "--format", "json", "--plan-timeout", "5"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=HANG_AFTER_S, preexec_fn=_limits)
    except subprocess.TimeoutExpired:
        pytest.fail(f"hang: sovstack check did not finish within {HANG_AFTER_S} s")
    assert proc.returncode >= 0, f"crash: killed by signal {-proc.returncode}\n{proc.stderr[-2000:]}"
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return proc.returncode, json.loads(proc.stdout), proc.stderr


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hostile_input(tmp_path, case):
    _, writer, reported, expected = case
    folder = tmp_path / "tree"
    (folder / SENTINEL).parent.mkdir(parents=True)
    (folder / SENTINEL).write_text(SENTINEL_TEXT)
    writer(folder)
    code, result, _ = run_check(folder)
    if expected is None:
        assert_evaluated_not_run(tmp_path, code, result, reported)
        return
    assert code == 2
    errors = {i["path"]: i["error"] for i in result["inputs"] if i["status"] == "error"}
    kinds = {i["path"]: i["kind"] for i in result["inputs"] if i["status"] == "error"}
    assert reported in errors, errors
    assert expected in errors[reported], errors[reported]
    assert result["policy_errors"] == []  # the input's fault is never blamed on a policy
    assert any(f["policy_id"] == "SOV-MSG-001" and f["file"] == SENTINEL and f["status"] == "failed"
               for f in result["findings"]), "the other inputs must still be evaluated"
    assert not any(tmp_path.rglob("PWNED")), "hostile code ran"
    evaluated = {(i["path"], i["kind"]) for i in result["inputs"] if i["status"] == "evaluated"}
    assert (reported, kinds[reported]) not in evaluated  # never both an error and a pass


def assert_evaluated_not_run(tmp_path: Path, code: int, result: dict, reported: str) -> None:
    """A valid input with hostile text: evaluated like any other file, and nothing in it ran."""
    status = {i["path"]: i["status"] for i in result["inputs"]}
    assert code == 1 and status.get(reported) == "evaluated", status
    assert result["summary"]["errors"] == 0 and result["policy_errors"] == []
    assert not any(tmp_path.rglob("PWNED")), "hostile code ran"


def test_whole_corpus_at_once(tmp_path):
    folder = tmp_path / "tree"
    (folder / SENTINEL).parent.mkdir(parents=True)
    (folder / SENTINEL).write_text(SENTINEL_TEXT)
    for _, writer, _, _ in CASES:
        writer(folder)
    code, result, _ = run_check(folder)
    errors = {i["path"] for i in result["inputs"] if i["status"] == "error"}
    refused = {c[2] for c in CASES if c[3] is not None}
    assert code == 2
    assert refused <= errors and not errors & {c[2] for c in CASES if c[3] is None}
    assert result["summary"]["errors"] >= len(refused)
    assert not any(tmp_path.rglob("PWNED"))
