"""The GitLab SAST report lists failed findings only, with stable ids and GitLab's severity names."""

from __future__ import annotations

import json

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
