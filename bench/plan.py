"""Offline plan benchmark (issue 3): prints numbers, asserts nothing.

1. each region stack planned alone (sequentially): resources and seconds;
2. `sovstack check` of the repository (all five stacks planned two at a time, plus everything else);
3. one stack scaled to 1x, 10x and 100x its resources (bot servers and buckets multiplied), to show how plan
   time grows (it should grow linearly: constant seconds per resource after the fixed start-up cost).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from sovstack.collect import discover, parse
from sovstack.collect.pulumiplan import plan, project

ROOT = Path(__file__).resolve().parents[1]


def projects_at(folder: Path) -> list[project.Project]:
    docs = []
    for c in discover.walk(folder):
        if isinstance(c, discover.Candidate) and c.rel.startswith("Pulumi.") and "/" not in c.rel:
            read = parse.read(c)
            if hasattr(read, "kind"):
                docs.append(read)
    projects, problems = project.find(docs)
    if problems:
        sys.exit(f"cannot plan: {problems}")
    return projects


def time_stack(proj: project.Project, stack: project.Stack, repeat: int) -> tuple[int, float]:
    times, count = [], 0
    for _ in range(repeat):
        result = plan.run_all([project.Project(proj.name, proj.rel, proj.dir, proj.runtime, proj.program, [stack])],
                              plan.Limits(timeout_s=600))[0]
        if isinstance(result, plan.PlanError):
            sys.exit(f"{result.rel}: {result.reason}")
        times.append(result.seconds)
        count = len(result.data[0]["deployment"]["resources"])
    return count, statistics.median(times)


def scaled_stack(base: Path, extra_bots: int, dest: Path) -> None:
    """The base stack with more bot servers (each brings its server, port, disk...), in a wider subnet."""
    data = yaml.safe_load(base.read_text())
    cfg = data["config"]
    cfg["sovstack:botServers"]["count"] += extra_bots
    if extra_bots:  # room for the grown fleet: the subnet becomes the lower half of the site's /16
        net = cfg["sovstack:network"]
        octets = net["cidr"].split(".")
        net["cidr"] = f"{octets[0]}.{octets[1]}.0.0/17"
    dest.write_text(yaml.safe_dump(data, sort_keys=False))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (median is printed)")
    ap.add_argument("--scale-stack", default="chelyabinsk")
    args = ap.parse_args()

    [proj] = projects_at(ROOT)
    print(f"offline plan per stack (median of {args.repeat}, one at a time):")
    for stack in proj.stacks:
        count, seconds = time_stack(proj, stack, args.repeat)
        print(f"  {stack.name:<16} {count:>4} resources  {seconds:6.2f} s")

    walls = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        proc = subprocess.run([str(ROOT / ".venv/bin/sovstack"), "check", "--format", "json"], cwd=ROOT,
                              capture_output=True, text=True)
        walls.append(time.perf_counter() - started)
        stacks = [i for i in json.loads(proc.stdout)["inputs"] if i.get("stack")]
    region = [i for i in stacks if not i["path"].startswith("examples/")]
    print(f"sovstack check of the repository: {len(region)} region stacks planned and checked "
          f"(+{len(stacks) - len(region)} example), median {statistics.median(walls):.2f} s "
          f"(target < 10 s); all evaluated: {all(i['status'] == 'evaluated' for i in stacks)}")

    print(f"growth, stack {args.scale_stack} scaled (median of {args.repeat}):")
    base = ROOT / f"Pulumi.{args.scale_stack}.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copy(ROOT / "Pulumi.yaml", work / "Pulumi.yaml")
        shutil.copytree(ROOT / "infra", work / "infra", ignore=shutil.ignore_patterns("__pycache__"))
        # scratch copy only: lift the per-region cap on bot servers so one stack can grow 100x
        cfg_py = work / "infra" / "config.py"
        cfg_py.write_text(cfg_py.read_text().replace("count: int = Field(ge=1, le=20)", "count: int = Field(ge=1)"))
        (work / "policies").symlink_to(ROOT / "policies")
        rows = []
        scaled_stack(base, 0, work / "Pulumi.x1.yaml")
        scaled_stack(base, 1, work / "Pulumi.probe.yaml")
        [scaled] = projects_at(work)
        by_name = {s.name: s for s in scaled.stacks}
        base_count, _ = time_stack(scaled, by_name["x1"], 1)
        per_bot = time_stack(scaled, by_name["probe"], 1)[0] - base_count
        for factor in (10, 100):  # as many extra bot servers as it takes to reach factor x the resources
            scaled_stack(base, round((factor - 1) * base_count / per_bot), work / f"Pulumi.x{factor}.yaml")
        [scaled] = projects_at(work)
        for stack in sorted((s for s in scaled.stacks if s.name != "probe"), key=lambda s: int(s.name[1:])):
            count, seconds = time_stack(scaled, stack, args.repeat)
            rows.append((stack.name, count, seconds))
        base_count, base_s = rows[0][1], rows[0][2]
        for name, count, seconds in rows:
            print(f"  {name:<5} {count:>5} resources ({count / base_count:5.1f}x)  {seconds:7.2f} s "
                  f"({seconds / base_s:5.1f}x)  {1000 * seconds / count:6.1f} ms/resource")
        (c1, t1), (c3, t3) = (rows[0][1], rows[0][2]), (rows[-1][1], rows[-1][2])
        per = (t3 - t1) / (c3 - c1)
        print(f"  marginal cost {1000 * per:.1f} ms/resource; fixed start-up {t1 - per * c1:.2f} s "
              f"(linear model from the 1x and 100x points; 10x predicted "
              f"{t1 + per * (rows[1][1] - c1):.2f} s, measured {rows[1][2]:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
