"""Checks each whole repository of ../shared/realtrees and compares the result with bench/realtrees.yaml.

The expected file holds, per tree: the exit code, input counts per state, failed/passed counts per policy, and
every failed finding grouped by (policy, file, excerpt) with a judgment (true/false) and the reason, written by
a person who read the file. `--update` rewrites it from a fresh run and keeps every judgment whose key is still
found, so detection changes only need the new findings judged; new findings arrive with `judgment: null`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "bench" / "realtrees.yaml"
HEADER = ("# Expected `sovstack check` result on each tree of ../shared/realtrees (bench/realtrees.py compares;\n"
          "# `bench/realtrees --update` regenerates and keeps judgments by (policy, file, excerpt)). Every failed\n"
          "# finding carries a judgment made by reading the file: true (a real configured channel or resource\n"
          "# abroad, or a place that cannot be verified) or false (with the owner of the defect); null: not judged.\n")


def shared_dir() -> Path | None:
    """../shared beside the clone (CI), or beside the worktree folder (development worktrees)."""
    return next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()), None)


def trees_dir() -> Path | None:
    shared = shared_dir()
    return shared / "realtrees" if shared and (shared / "realtrees").is_dir() else None


def run_check(tree: Path) -> tuple[int, dict[str, Any], float]:
    sovstack = Path(sys.executable).parent / "sovstack"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        start = time.perf_counter()
        proc = subprocess.run([str(sovstack), "check", str(tree), "--format", "json", "--output", str(out)],
                              capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if not out.exists():
            sys.exit(f"sovstack wrote no result for {tree} (exit {proc.returncode}): {proc.stderr[-2000:]}")
        return proc.returncode, json.loads(out.read_text()), elapsed


def summarise(code: int, result: dict[str, Any]) -> dict[str, Any]:
    """The comparable part of a result: exit code, input states, per-policy counts, failed findings by key."""
    policies: dict[str, Counter] = {}
    failed: dict[tuple[str, str, str], list[int]] = {}
    for f in result["findings"]:
        policies.setdefault(f["policy_id"], Counter())[f["status"]] += 1
        if f["status"] == "failed":
            failed.setdefault((f["policy_id"], f["file"] or "", (f.get("excerpt") or "").strip()), []).append(
                f.get("line") or 0)
    return {
        "exit": code,
        "inputs": dict(sorted(Counter(i["status"] for i in result["inputs"]).items())),
        "errors": sorted(f"{i['path']}: {i['error']}" for i in result["inputs"] if i["status"] == "error"),
        "policies": {p: {"failed": c["failed"], "passed": c["passed"]} for p, c in sorted(policies.items())},
        "failed": {k: sorted(v) for k, v in sorted(failed.items())},
    }


def key_of(entry: dict[str, Any]) -> tuple[str, str, str]:
    return entry["policy"], entry["file"], entry["excerpt"]


def load_expected(path: Path = EXPECTED) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}


def judged(expected_tree: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {key_of(e): e for e in expected_tree.get("failed") or []}


def render_tree(summary: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """The expected entry for a tree from a fresh summary, keeping the judgments of findings still found."""
    keep = judged(old)
    failed = []
    for (policy, file, excerpt), lines in summary["failed"].items():
        prior = keep.get((policy, file, excerpt), {})
        failed.append({"policy": policy, "file": file, "excerpt": excerpt, "lines": lines,
                       "judgment": prior.get("judgment"), "reason": prior.get("reason", "")})
    return {"exit": summary["exit"], "inputs": summary["inputs"], "policies": summary["policies"], "failed": failed}


def compare(tree: str, summary: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Every difference that makes the tree's result unacceptable or different from the expected file."""
    problems = [f"{tree}: input error: {e}" for e in summary["errors"]]
    if summary["exit"] not in (0, 1):
        problems.append(f"{tree}: exit {summary['exit']} (expected 0 or 1)")
    for field in ("exit", "inputs", "policies"):
        if summary[field] != expected.get(field):
            problems.append(f"{tree}: {field} changed: {expected.get(field)} -> {summary[field]}")
    keep = judged(expected)
    for key, lines in summary["failed"].items():
        entry = keep.get(key)
        if entry is None or entry.get("judgment") is None:
            problems.append(f"{tree}: unjudged failed finding {key} at lines {lines}")
    problems += [f"{tree}: expected finding gone {k}" for k in keep if k not in summary["failed"]]
    return problems


def false_findings(tree: str, summary: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    keep = judged(expected)
    return [f"{tree}: {k[0]} {k[1]}:{lines} {k[2]!r}: {keep[k].get('reason')}"
            for k, lines in summary["failed"].items() if keep.get(k, {}).get("judgment") is False]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--update", action="store_true", help="rewrite bench/realtrees.yaml, keeping judgments")
    ap.add_argument("trees", nargs="*", help="tree names under ../shared/realtrees (default: all)")
    args = ap.parse_args()
    base = trees_dir()
    if base is None:
        print("../shared/realtrees not present: nothing to check")
        return 0
    expected = load_expected()
    names = args.trees or sorted(p.name for p in base.iterdir() if p.is_dir())
    problems: list[str] = []
    for name in names:
        code, result, elapsed = run_check(base / name)
        summary = summarise(code, result)
        s = result["summary"]
        print(f"{name}: exit {code}, {elapsed:.1f} s, inputs {summary['inputs']}, failed {s['failed']}, "
              f"passed {s['passed']}")
        if args.update:
            expected[name] = render_tree(summary, expected.get(name, {}))
        else:
            problems += compare(name, summary, expected.get(name, {}))
        problems += false_findings(name, summary, expected.get(name, {}))
    if args.update:
        ordered = {k: expected[k] for k in sorted(expected)}
        EXPECTED.write_text(HEADER + yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=120,
                                                    default_flow_style=None), encoding="utf-8")
        print(f"wrote {EXPECTED.relative_to(ROOT)}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
