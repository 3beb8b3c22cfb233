"""Scale benchmark (issue 6): a synthetic estate of N regions checked in full, by stage, against plain checkov,
and re-checked incrementally after one region's file changes. Prints numbers; asserts nothing.

    bench/scale [--sizes 10,30,89] [--no-checkov]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import estate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
ENV = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
ENV.pop("SOVSTACK_CACHE", None)


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return out


def _rss_kb(pid: int) -> int:
    """Proportional set size: pages shared between forked processes are split between them, not counted twice."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_measured(cmd: list[str], cwd: Path) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall time and peak memory of the whole process tree (PSS summed over all its processes, sampled)."""
    peak = 0
    proc = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            pids, seen = [proc.pid], set()
            while pids:
                pid = pids.pop()
                if pid not in seen:
                    seen.add(pid)
                    pids += _children(pid)
            peak = max(peak, sum(_rss_kb(p) for p in seen))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    started = time.perf_counter()
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - started
    stop.set()
    sampler.join()
    return elapsed, peak, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def sovstack(tree: Path, out: Path, cache: Path | None = None) -> tuple[float, int, dict]:
    cmd = [str(BIN / "sovstack"), "check", str(tree), "--format", "json", "--output", str(out)]
    if cache is not None:
        cmd += ["--cache-dir", str(cache)]
    elapsed, peak, proc = run_measured(cmd, ROOT)
    if proc.returncode not in (0, 1):
        sys.exit(f"sovstack failed ({proc.returncode}): {proc.stderr[-800:]}")
    return elapsed, peak, json.loads(out.read_text())


def report_seconds(result_path: Path) -> float:
    """Rendering the result in the machine formats (JSON, SARIF, JUnit), in-process."""
    from sovstack.catalogue import load_default
    from sovstack.models import Result
    from sovstack.report import Format

    result = Result.model_validate_json(result_path.read_text())
    catalogue = load_default()
    started = time.perf_counter()
    for fmt in (Format.JSON, Format.SARIF, Format.JUNIT):
        fmt.render(result, catalogue, "en")
    return time.perf_counter() - started


def checkov(tree: Path) -> tuple[float, int]:
    cmd = [str(BIN / "checkov"), "-d", str(tree), "--external-checks-dir", str(ROOT / "policies/checkov"),
           "--skip-download", "--quiet", "--compact", "-o", "json"]
    elapsed, peak, proc = run_measured(cmd, ROOT)
    if proc.returncode not in (0, 1):
        sys.exit(f"checkov failed ({proc.returncode}): {proc.stderr[-800:]}")
    return elapsed, peak


def comparable(result: dict) -> dict:
    """What must not differ between a full and an incremental check (timings excluded)."""
    inputs = [{k: v for k, v in i.items() if k != "seconds"} for i in result["inputs"]]
    return {"summary": result["summary"], "inputs": inputs, "findings": result["findings"],
            "policy_errors": result["policy_errors"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10,30,89")
    ap.add_argument("--no-checkov", action="store_true", help="skip the (slow) checkov comparison")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="sovstack-scale-"))
    try:
        rows = []
        for n in sizes:
            tree = work / f"estate-{n}"
            stats = estate.generate(tree, n, 0.1, 1)
            elapsed, peak, result = sovstack(tree, work / f"full-{n}.json")
            t = result["timings"]
            rows.append((n, stats["files"], elapsed, peak, t, report_seconds(work / f"full-{n}.json")))
        print(f"{'regions':>7} {'files':>6} {'wall s':>7} {'peak MiB':>9} {'s/region':>8}   stages: collect / "
              "evaluate files (plans running) / wait for plans / evaluate plans / report (json+sarif+junit)")
        for n, files, elapsed, peak, t, rep in rows:
            print(f"{n:>7} {files:>6} {elapsed:7.2f} {peak / 1024:9.1f} {elapsed / n:8.3f}   "
                  f"{t['collect_s']:.2f} / {t['evaluate_s']:.2f} / {t['plan_wait_s']:.2f} / "
                  f"{t['evaluate_plans_s']:.2f} / {rep:.2f}   ({t['planned']} stacks planned)")
        n, _, big_s, big_peak, _, _ = rows[-1]
        print(f"target: {n}-region full check under 60 s and under 1 GiB peak -> {big_s:.1f} s, "
              f"{big_peak / 1024:.0f} MiB")
        if len(rows) > 1:
            first, last = rows[0], rows[-1]
            print(f"growth: {last[0] / first[0]:.1f}x regions -> {last[2] / first[2]:.1f}x time "
                  f"({first[2] / first[0]:.3f} -> {last[2] / last[0]:.3f} s per region)")

        tree = work / f"estate-{n}"
        cache = work / "cache"
        full_s, _, _ = sovstack(tree, work / "cold.json", cache)
        stack = tree / "pulumi" / f"Pulumi.{estate.region_name(n // 2)}.yaml"
        stack.write_text(stack.read_text() + "# reviewed\n")
        alert = tree / "regions" / estate.region_name(n // 2) / "monitoring" / "alertmanager.yml"
        alert.write_text(alert.read_text() + "# reviewed\n")
        inc_s, inc_peak, inc = sovstack(tree, work / "inc.json", cache)
        _, _, fresh = sovstack(tree, work / "fresh.json")
        same = comparable(inc) == comparable(fresh)
        print(f"incremental: full check with an empty cache {full_s:.2f} s; after changing one region's stack file "
              f"and alerting config, re-check {inc_s:.2f} s = {100 * inc_s / full_s:.1f}% of the full check "
              f"(target < 10%); {inc['timings']['planned']} stack re-planned, {inc['timings']['evaluated']} inputs "
              f"re-evaluated, {inc['timings']['cache_hits']} cache hits; result identical to a fresh full check: "
              f"{same}")

        if not args.no_checkov:
            ck_s, ck_peak = checkov(tree)
            print(f"plain checkov -d on the same {n}-region tree (same custom checks): {ck_s:.2f} s, "
                  f"{ck_peak / 1024:.0f} MiB peak; sovstack/checkov time ratio: {big_s / ck_s:.3f} (target <= 1.0)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
