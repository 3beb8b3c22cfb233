"""The checkov-framework policies run without importing checkov under sovstack, and on checkov's bases under it."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from typer.testing import CliRunner
from sovstack.cli import app
res = CliRunner().invoke(app, ["check", sys.argv[1], "--format", "json"])
print(res.exit_code, sorted(m for m in sys.modules if m.split(".")[0] in {"checkov", "weasyprint", "pulumi", "pathspec"}))
"""


def _probe(path) -> str:
    proc = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_an_ansible_check_finds_violations_without_importing_checkov(root):
    out = _probe(root / "examples/noncompliant/ansible/roles/notify/tasks/main.yml")
    assert out == "1 []"  # exit 1: violations found; no heavy module loaded


def test_under_checkov_the_policies_stand_on_checkovs_base_classes():
    code = ("import checkov.common.models.enums, sys; from sovstack.checks import checkov_base as b; "
            "from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck; "
            "print(b.UNDER_CHECKOV, issubclass(b.TerraformResourceCheck, BaseResourceCheck))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.stdout.split() == ["True", "True"], proc.stderr
