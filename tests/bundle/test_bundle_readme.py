"""The README's auditor workflow runs as written: check, report, bundle create, bundle verify."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _workflow() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## For auditors: reports, history and evidence bundles"):]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1).replace("\\\n", " ")
    return [shlex.split(line.split("#", 1)[0]) for line in block.splitlines() if line.strip()]


def test_readme_workflow(tmp_path):
    commands = _workflow()
    assert [c[1:3] if c[0] != "mkdir" else ["mkdir"] for c in commands] == [
        ["mkdir"], ["check", "."], ["report", "out/result.json"], ["bundle", "create"], ["bundle", "verify"]]
    bindir = os.path.dirname(sys.executable)
    out = tmp_path / "out"
    out.mkdir()
    for cmd in commands[1:]:
        argv = [os.path.join(bindir, "sovstack"), *(a.replace("out/", f"{out}/") for a in cmd[1:])]
        proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert proc.returncode in (0, 1) if cmd[1] == "check" else proc.returncode == 0, (cmd, proc.stderr)
    assert {p.name for p in out.iterdir()} >= {"history.db", "result.json", "report.html", "report.pdf",
                                              "summary.md", "audit.tar.gz"}
    assert "intact" in proc.stdout
