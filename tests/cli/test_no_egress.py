"""No egress, proven: the check runs inside a network namespace that has only loopback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest


def can_unshare() -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not can_unshare(), reason="needs unshare -n (root or user namespaces)")
def test_check_succeeds_without_any_network(root, tmp_path):
    out = tmp_path / "r.json"
    sov = os.path.join(os.path.dirname(sys.executable), "sovstack")
    proc = subprocess.run(["unshare", "-n", sov, "check", str(root / "examples"), "-f", "json", "-o", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    result = json.loads(out.read_text())
    assert result["summary"]["errors"] == 0 and result["summary"]["failed"] > 0
    routes = subprocess.run(["unshare", "-n", "ip", "-o", "link"], capture_output=True, text=True).stdout
    assert "lo" in routes and "eth" not in routes
