"""Benchmark: wall time of sovstack check vs plain checkov -d on the same tree, and of a one-file check (start-up)."""

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


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed with exit {proc.returncode}: {proc.stderr.decode()[-500:]}")
    return elapsed


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


def compare(tree: str, scratch: str, runs: int) -> None:
    sov = [str(BIN / "sovstack"), "check", tree, "--format", "json", "--output", os.path.join(scratch, "r.json")]
    ck = [str(BIN / "checkov"), "-d", tree, "--external-checks-dir", str(ROOT / "policies/checks/checkov"),
          "--skip-download", "--quiet", "--compact", "-o", "json"]
    timed(sov)  # warm the file cache for both
    sov_t = [timed(sov) for _ in range(runs)]
    ck_t = [timed(ck) for _ in range(runs)]
    s, c = statistics.median(sov_t), statistics.median(ck_t)
    print(f"tree: {tree} ({sum(1 for p in Path(tree).rglob('*') if p.is_file())} files), median of {runs} runs")
    print(f"sovstack check: {s:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in sov_t)})")
    print(f"checkov -d:     {c:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in ck_t)})")
    print(f"sovstack/checkov time ratio: {s / c:.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("tree", nargs="?", default=str(ROOT / "examples"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--startup", action="store_true", help="only the one-file checks (start-up time)")
    args = ap.parse_args()
    # Not --output /dev/null: sovstack writes outputs atomically (temporary file + rename), which run as root
    # replaces the device node with a regular file.
    scratch = tempfile.mkdtemp(prefix="sovstack-bench-")
    if not args.startup:
        compare(args.tree, scratch, args.runs)
    for label, rel in ONE_FILE.items():
        one_file(label, [str(BIN / "sovstack"), "check", str(ROOT / rel), "--format", "json"], scratch, args.runs)
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
