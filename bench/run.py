"""Benchmark: wall time of sovstack check vs plain checkov -d on the same tree (the examples, then each whole
repository of ../shared/realtrees, one run each by default: checkov takes minutes), and of a one-file check."""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin" if (ROOT / ".venv" / "bin").is_dir() else Path(sys.executable).parent
# What a pre-commit hook pays per file: interpreter start, imports, catalogue, one document.
ONE_FILE = {"alertmanager": "examples/noncompliant/monitoring/alertmanager.yml",
            "ansible": "examples/noncompliant/ansible/roles/notify/tasks/main.yml"}
ENV = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}


class Failed(RuntimeError):
    """A timed command did not finish with 0 or 1."""


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise Failed(f"{Path(cmd[0]).name} failed with exit {proc.returncode} after {elapsed:.0f} s: "
                     f"{proc.stderr.decode(errors='replace')[-300:]}")
    return elapsed


def realtrees() -> list[Path]:
    """The whole repositories of ../shared/realtrees beside the clone (or beside the worktree folder)."""
    for shared in (ROOT.parent / "shared", ROOT.parent.parent / "shared"):
        if (shared / "realtrees").is_dir():
            return sorted(p for p in (shared / "realtrees").iterdir() if p.is_dir())
    return []


def one_file(label: str, cmd: list[str], scratch: str, runs: int) -> None:
    """Wall and CPU time of a one-file check as an installed sovstack runs it: with bytecode caches (pip compiles
    them at install; a checkout with PYTHONDONTWRITEBYTECODE=1 would recompile every module on each run). CPU
    time is printed too because it is what a loaded machine does not inflate."""
    env = {k: v for k, v in ENV.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = os.path.join(scratch, "pycache")
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)  # writes the caches
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    print(f"one-file check ({label}): {statistics.median(walls):.3f} s wall, {statistics.median(cpus):.3f} s CPU"
          f"  (wall runs: {', '.join(f'{t:.3f}' for t in walls)})")


def compare(tree: str, scratch: str, runs: int) -> tuple[float, float]:
    sov = [str(BIN / "sovstack"), "check", tree, "--format", "json", "--output", os.path.join(scratch, "r.json")]
    ck = [str(BIN / "checkov"), "-d", tree, "--external-checks-dir", str(ROOT / "policies/checkov"),
          "--skip-download", "--quiet", "--compact", "-o", "json"]
    timed(sov)  # warm the file cache for both
    sov_t = [timed(sov) for _ in range(runs)]
    ck_t = [timed(ck) for _ in range(runs)]
    s, c = statistics.median(sov_t), statistics.median(ck_t)
    print(f"tree: {tree} ({sum(1 for p in Path(tree).rglob('*') if p.is_file())} files), median of {runs} runs")
    print(f"sovstack check: {s:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in sov_t)})")
    print(f"checkov -d:     {c:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in ck_t)})")
    print(f"sovstack/checkov time ratio: {s / c:.3f}", flush=True)
    return s, c


def compare_all(plan: list[tuple[str, int]], scratch: str) -> bool:
    """Times every tree of the plan; a tree whose checkov fails (killed for memory, say) is reported and the
    others still timed. Prints the per-tree table; True when every tree was timed."""
    rows, ok = [], True
    for tree, runs in plan:
        try:
            rows.append((Path(tree).name, *compare(tree, scratch, runs)))
        except Failed as exc:
            print(f"tree: {tree}: {exc}", flush=True)
            ok = False
    if len(rows) > 1:
        print("\nper tree: sovstack s, checkov s, ratio")
        for name, s, c in rows:
            print(f"  {name:28s} {s:8.2f} {c:9.2f} {s / c:7.3f}")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("trees", nargs="*", help="trees to time (default: the examples and every realtree)")
    ap.add_argument("--runs", type=int, default=3, help="runs per tree given, or for the examples")
    ap.add_argument("--tree-runs", type=int, default=1, help="runs per realtree (checkov takes minutes on them)")
    ap.add_argument("--no-realtrees", action="store_true", help="time only the examples (or the trees given)")
    ap.add_argument("--startup", action="store_true", help="only the one-file checks (start-up time)")
    args = ap.parse_args()
    plan = [(t, args.runs) for t in args.trees] or [(str(ROOT / "examples"), args.runs)]
    if not args.trees and not args.no_realtrees:
        plan += [(str(t), args.tree_runs) for t in realtrees()]
    # Not --output /dev/null: sovstack writes outputs atomically (temporary file + rename), which run as root
    # replaces the device node with a regular file.
    scratch = tempfile.mkdtemp(prefix="sovstack-bench-")
    ok = args.startup or compare_all(plan, scratch)
    for label, rel in ONE_FILE.items():
        one_file(label, [str(BIN / "sovstack"), "check", str(ROOT / rel), "--format", "json"], scratch, args.runs)
    shutil.rmtree(scratch, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
