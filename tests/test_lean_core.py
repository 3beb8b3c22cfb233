"""The lean core: with checkov, WeasyPrint, Pulumi, Ansible and the hub's server unimportable, every input kind is
checked (Terraform and Kubernetes policies included), the PDF report names the extra it needs, and a one-file check
loads only what its document kind needs."""

from __future__ import annotations

import json
import subprocess
import sys

BLOCKER = """
import importlib.abc, sys
BLOCKED = {"checkov", "weasyprint", "pulumi", "pulumi_policy", "ansible", "fastapi", "uvicorn", "sqlalchemy", "alembic",
           "psycopg", "argon2", "httpx", "selenium"}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Block())
from sovstack.cli import main
sys.argv = ["sovstack", *sys.argv[1:]]
main()
"""


def _sovstack(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", BLOCKER, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_every_input_kind_is_checked_without_the_extras(root, tmp_path):
    proc = _sovstack("check", str(root / "examples/noncompliant"), "--no-plan", "-f", "json", "-o", "r.json",
                     cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr  # violations, and the Pulumi program --no-plan leaves unevaluated
    result = json.loads((tmp_path / "r.json").read_text())
    failed = {f["policy_id"] for f in result["findings"] if f["status"] == "failed"}
    assert {"SOV-RES-001", "SOV-LOC-001", "SOV-MSG-009", "SOV-MSG-001", "SOV-MSG-004"} <= failed
    assert not result["policy_errors"]
    assert [i for i in result["inputs"] if i["status"] == "error" and i["kind"] != "pulumi-program"] == []


def test_pdf_without_its_extra_is_a_clear_error(root, tmp_path):
    checked = _sovstack("check", str(root / "examples/compliant/monitoring"), "-f", "json", "-o", "r.json",
                        cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    proc = _sovstack("report", "r.json", "-f", "pdf", "-o", "r.pdf", cwd=tmp_path)
    assert proc.returncode == 2 and "sovstack[pdf]" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "r.pdf").exists()


PROBE = """
import json, sys
from sovstack.cli import main
sys.argv = ["sovstack", *sys.argv[1:]]
try:
    main()
finally:
    print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""
# What a one-file check must not load (start-up time): the heavy extras, the terminal table, the Pulumi planner
# (threads, subprocesses), the archive readers, the TOML reader, the hub commands, and other kinds' resolvers.
NOT_FOR_ONE_FILE = {"checkov", "weasyprint", "pulumi", "ansible", "pathspec", "fastapi", "sqlalchemy", "rich",
                    "tarfile", "tomllib", "concurrent.futures", "sovstack.report.table_format",
                    "sovstack.collect.pulumiplan.plan", "sovstack.collect.pulumiplan.child", "sovstack.safearchive",
                    "sovstack.hub.cli"}


def _loaded(root, tmp_path, rel: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, "check", str(root / rel), "-f", "json", "-o", "r.json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr  # violations found: the check really ran
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def test_a_one_file_check_loads_only_what_it_needs(root, tmp_path):
    alertmanager = _loaded(root, tmp_path, "examples/noncompliant/monitoring/alertmanager.yml")
    assert alertmanager & (NOT_FOR_ONE_FILE | {"jinja2", "sovstack.resolve.ansible", "sovstack.resolve.hcl"}) == set()
    ansible = _loaded(root, tmp_path, "examples/noncompliant/ansible/roles/notify/tasks/main.yml")
    assert "sovstack.resolve.ansible" in ansible  # the probe sees lazily loaded modules
    assert ansible & (NOT_FOR_ONE_FILE | {"sovstack.resolve.hcl"}) == set()
