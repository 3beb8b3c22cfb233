"""The check command end to end: exit codes, the JSON contract, formats, outputs and the embedded examples."""

from __future__ import annotations

import json


def failed_ids(result: dict) -> set[str]:
    return {f["policy_id"] for f in result["findings"] if f["status"] == "failed"}


def test_compliant_example_passes(sovstack, root):
    code, result = sovstack.json(root / "examples/compliant")
    assert code == 0, result["findings"]
    assert result["summary"]["failed"] == 0 and result["summary"]["errors"] == 0
    assert result["summary"]["passed"] > 10


def test_every_policy_fires_in_the_noncompliant_example(sovstack, root, catalogue):
    code, result = sovstack.json(root / "examples/noncompliant")
    assert code == 1
    assert failed_ids(result) == set(catalogue.policies)


def test_json_contract(sovstack, root):
    _, result = sovstack.json(root / "examples/noncompliant")
    assert set(result) >= {"schema_version", "tool", "summary", "inputs", "findings"}
    assert result["tool"]["name"] == "sovstack" and result["tool"]["version"]
    assert result["schema_version"] == "2.0"
    assert set(result["summary"]) == {"failed", "passed", "waived", "baselined", "errors", "evaluated", "excluded",
                                      "skipped"}
    assert result["verdict"]["status"] == "violations" and result["verdict"]["exit_code"] == 1
    assert {i["status"] for i in result["inputs"]} <= {"evaluated", "error", "excluded", "skipped"}
    kinds = {i["kind"] for i in result["inputs"]}
    assert {"ansible", "terraform", "kubernetes", "alertmanager", "grafana", "zabbix", "pulumi-state",
            "pulumi-program", "env"} <= kinds
    for f in result["findings"]:
        assert set(f) >= {"policy_id", "category", "status", "severity", "file", "line", "resource", "message",
                          "legal_basis", "waiver"}
        assert not f["file"].startswith("/")
        if f["status"] == "failed":
            assert f["legal_basis"] and f["line"], f
    categories = {f["category"] for f in result["findings"] if f["status"] == "failed"}
    assert {"foreign-messenger", "data-residency", "location-unverified"} <= categories


def test_fail_on_threshold(sovstack, root):
    # the only failures in this folder are location-unverified (medium)
    code, result = sovstack.json(root / "examples/noncompliant/terraform", "--fail-on", "critical")
    assert result["summary"]["failed"] > 0 and code == 0


def test_several_formats_and_outputs(sovstack, root, tmp_path):
    out_json, out_sarif = tmp_path / "r.json", tmp_path / "r.sarif"
    code, stdout, _ = sovstack("check", root / "examples/noncompliant", "-f", "json", "-o", out_json,
                               "-f", "sarif", "-o", out_sarif, "-f", "table")
    assert code == 1
    assert json.loads(out_json.read_text())["summary"]["failed"] > 0
    assert json.loads(out_sarif.read_text())["version"] == "2.1.0"
    assert "SOV-MSG-001" in stdout


def test_default_path_is_the_current_folder(sovstack, root, monkeypatch):
    monkeypatch.chdir(root / "examples/compliant")
    code, stdout, _ = sovstack("check")
    assert code == 0 and "no violations" in stdout.lower()


def test_policies_list_and_show(sovstack, catalogue):
    code, out, _ = sovstack("policies", "list", "--lang", "ru")
    assert code == 0 and len(out.strip().splitlines()) == len(catalogue.policies)
    assert catalogue.get("SOV-MSG-001").title.ru in out
    code, out, _ = sovstack("policies", "show", "SOV-RES-001", "--lang", "en")
    assert code == 0 and "152-FZ" in out and "Remediation" in out
    code, _, err = sovstack("policies", "show", "SOV-XXX-999")
    assert code == 2 and "no policy matches 'SOV-XXX-999'" in err
    code, out, _ = sovstack("policies", "show", "sov-res-001")
    assert code == 0 and out.startswith("SOV-RES-001:")
    code, _, err = sovstack("policies", "show", "SOV-RES-01")
    assert code == 2 and "did you mean" in err and "SOV-RES-001" in err
    code, _, err = sovstack("policies", "list", "--lang", "de")
    assert code == 2
