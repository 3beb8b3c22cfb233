"""The checkov-framework policies run under real checkov via --external-checks-dir, with no network."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def test_checkov_runs_our_terraform_and_kubernetes_checks(root, tmp_path):
    checkov = os.path.join(os.path.dirname(sys.executable), "checkov")
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}
    proc = subprocess.run(
        [checkov, "-d", str(root / "examples/noncompliant"), "--external-checks-dir",
         str(root / "policies/checkov"), "--skip-download", "--quiet", "-o", "json",
         "--framework", "terraform", "kubernetes"],
        capture_output=True, text=True, env=env, timeout=600)
    reports = json.loads(proc.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed = {f["check_id"] for r in reports for f in r["results"]["failed_checks"]}
    assert {"SOV-RES-001", "SOV-LOC-001", "SOV-LOC-002", "SOV-MSG-010", "SOV-MSG-009"} <= failed
    # checkov honours the inline skip; sovstack reports it as SOV-GOV-001 instead of obeying it
    terraform = next(r for r in reports if r["check_type"] == "terraform")
    assert terraform["summary"]["skipped"] >= 1


def test_checkov_runs_our_ansible_checks_on_each_task(tmp_path):
    """The Ansible checks select tasks as checkov's own do (BlockType.ARRAY); with another block type checkov
    handed them the whole playbook and every task passed."""
    (tmp_path / "site.yml").write_text(
        "- hosts: all\n  tasks:\n    - name: tell\n      community.general.telegram:\n        token: '{{ t }}'\n"
        "        api_args: {chat_id: 1, text: hi}\n    - name: call\n      ansible.builtin.uri:\n"
        "        url: https://api.telegram.org/bot{{ t }}/sendMessage\n    - name: fine\n"
        "      ansible.builtin.uri:\n        url: https://platform-api2.max.ru/messages\n")
    checkov = os.path.join(os.path.dirname(sys.executable), "checkov")
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    proc = subprocess.run(
        [checkov, "-d", str(tmp_path), "--external-checks-dir", os.path.join(root, "policies/checkov"),
         "--skip-download", "--quiet", "-o", "json", "--framework", "ansible"],
        capture_output=True, text=True, env=env, timeout=600)
    reports = json.loads(proc.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed = [f["check_id"] for r in reports for f in r["results"]["failed_checks"]]
    assert sorted(failed) == ["SOV-MSG-001", "SOV-MSG-002"], failed  # one each: the MAX call passes
