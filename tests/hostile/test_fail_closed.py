"""Fail closed: a policy that raises or cannot be loaded makes the run exit 2, the report names the policy, and
nothing it should have judged is reported compliant."""

from __future__ import annotations

import json
import shutil

import pytest


@pytest.fixture()
def broken_policies(root, tmp_path):
    policies = tmp_path / "policies"
    shutil.copytree(root / "policies", policies, ignore=shutil.ignore_patterns("__pycache__", "fixtures"))
    return policies


def alerting_tree(root, tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(root / "examples/compliant/monitoring", tree / "monitoring")
    return tree


def test_policy_that_raises(sovstack, root, tmp_path, broken_policies):
    check = broken_policies / "SOV-MSG-004/SOV_MSG_004.py"
    check.write_text(check.read_text().replace("    def scan(self, doc):\n",
                                               "    def scan(self, doc):\n        raise RuntimeError('boom')\n", 1))
    tree = alerting_tree(root, tmp_path)
    code, result = sovstack.json(tree, "--policies", broken_policies)
    assert code == 2
    assert any("SOV-MSG-004" in e and "boom" in e for e in result["policy_errors"]), result["policy_errors"]
    [record] = [i for i in result["inputs"] if i["path"] == "monitoring/alertmanager.yml"]
    assert record["status"] == "error" and "SOV-MSG-004" in record["error"]
    assert not [f for f in result["findings"] if f["file"] == "monitoring/alertmanager.yml"
                and f["status"] == "passed"]  # no half-evaluated file is reported compliant
    code, out, _ = sovstack("check", tree, "--policies", broken_policies, "--format", "sarif")
    sarif = json.loads(out)
    notes = json.dumps(sarif["runs"][0].get("invocations", []))
    assert code == 2 and "SOV-MSG-004" in notes


def test_policy_file_that_cannot_be_loaded(sovstack, root, tmp_path, broken_policies):
    (broken_policies / "SOV-MSG-005/SOV_MSG_005.py").write_text("import this_module_does_not_exist\n")
    code, result = sovstack.json(alerting_tree(root, tmp_path), "--policies", broken_policies)
    assert code == 2
    assert any("SOV_MSG_005.py" in e and "failed to load" in e for e in result["policy_errors"])
