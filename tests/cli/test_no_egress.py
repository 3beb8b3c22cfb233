"""No egress, proven: the check runs inside a network namespace that has only loopback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile

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


@pytest.mark.skipif(not can_unshare(), reason="needs unshare -n (root or user namespaces)")
def test_reports_and_bundles_without_any_network(root, tmp_path):
    """HTML and PDF reports, bundle create and bundle verify: all inside a loopback-only namespace."""
    sov = os.path.join(os.path.dirname(sys.executable), "sovstack")
    tree = root / "examples" / "noncompliant" / "monitoring"

    def offline(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["unshare", "-n", sov, *args], capture_output=True, text=True, timeout=300,
                              cwd=tmp_path)

    html, pdf, bundle = tmp_path / "r.html", tmp_path / "r.pdf", tmp_path / "audit.tar.gz"
    proc = offline("check", str(tree), "-f", "html", "-o", str(html), "-f", "pdf", "-o", str(pdf))
    assert proc.returncode == 1, proc.stderr
    assert "<html" in html.read_text() and pdf.read_bytes().startswith(b"%PDF-")
    proc = offline("bundle", "create", "--output", str(bundle), str(tree))
    assert proc.returncode == 0, proc.stderr
    proc = offline("bundle", "verify", str(bundle), "--against", str(tree))
    assert proc.returncode == 0 and ": intact" in proc.stdout, proc.stdout + proc.stderr
    with tarfile.open(bundle) as tf:
        manifest = json.load(tf.extractfile("audit/manifest.json"))
    assert manifest["run"]["bundle_command"][:3] == ["sovstack", "bundle", "create"]
