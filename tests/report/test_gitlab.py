"""The GitLab SAST report: failed findings only, stable ids, GitLab's severities, and GitLab's published schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from jsonschema import Draft7Validator

from sovstack.report import Format


def _render(result, catalogue) -> dict:
    return json.loads(Format.GITLAB.render(result, catalogue, "en"))


def test_failed_only(result, catalogue):
    vulns = _render(result, catalogue)["vulnerabilities"]
    assert [v["identifiers"][0]["value"] for v in vulns] == ["SOV-MSG-001", "SOV-RES-001"]


def test_stable_ids(result, catalogue):
    first = [v["id"] for v in _render(result, catalogue)["vulnerabilities"]]
    second = [v["id"] for v in _render(result.model_copy(deep=True), catalogue)["vulnerabilities"]]
    assert first == second
    assert len(set(first)) == 2 and all(len(i) == 64 for i in first)
    moved = result.findings[0].model_copy(update={"line": 13})
    third = _render(result.model_copy(update={"findings": [moved]}), catalogue)["vulnerabilities"][0]["id"]
    assert third != first[0]


def test_fields(result, catalogue):
    report = _render(result, catalogue)
    assert report["version"] == "15.0.7"
    vuln = report["vulnerabilities"][0]
    assert vuln["severity"] == "High"
    assert vuln["category"] == "sast"
    assert vuln["location"] == {"file": "deploy/site.yml", "start_line": 12}
    assert report["vulnerabilities"][1]["location"] == {"file": "infra/main.tf"}
    assert vuln["identifiers"][0] == {"type": "sovstack_policy", "name": "SOV-MSG-001", "value": "SOV-MSG-001"}
    assert vuln["solution"] == catalogue.get("SOV-MSG-001").remediation.en


def test_scan_block(result, catalogue):
    scan = _render(result, catalogue)["scan"]
    assert scan["type"] == "sast" and scan["status"] == "failure"  # one input errored
    assert scan["scanner"]["vendor"] == {"name": "sovstack"} and scan["analyzer"]["id"] == "sovstack"
    assert (scan["start_time"], scan["end_time"]) == ("2025-07-01T07:00:00", "2025-07-01T07:00:02")
    clean = result.model_copy(update={"inputs": result.inputs[:1]})
    assert _render(clean, catalogue)["scan"]["status"] == "success"


SCHEMA = json.loads((Path(__file__).parent / "data" / "gitlab-sast-report-format-15.0.7.json").read_text("utf-8"))


def test_real_check_output_passes_gitlabs_published_schema(root, tmp_path):
    out = tmp_path / "gl-sast-report.json"
    proc = subprocess.run([sys.executable, "-m", "sovstack", "check", str(root / "examples/noncompliant"), "--no-plan",
                           "-f", "gitlab", "-o", str(out)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode in (1, 2), proc.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(SCHEMA)
    assert report["version"] == SCHEMA["self"]["version"]
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft7Validator(SCHEMA).iter_errors(report)]
    assert report["vulnerabilities"] and errors == []


def test_schema_rejects_a_vulnerability_without_identifiers():
    bad = {"version": "15.0.7", "scan": {}, "vulnerabilities": [{"id": "x", "location": {}}]}
    assert len(list(Draft7Validator(SCHEMA).iter_errors(bad))) >= 2
