"""The SARIF report validates against the vendored OASIS 2.1.0 schema and maps statuses as documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from jsonschema.validators import validator_for

from sovstack.models import InputStatus
from sovstack.report import Format

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def _render(result, catalogue, lang="en") -> dict:
    return json.loads(Format.SARIF.render(result, catalogue, lang))


def _by_rule(run: dict) -> dict[str, dict]:
    return {res["ruleId"]: res for res in run["results"]}


def test_vendored_schema_is_sarif_2_1_0():
    assert SCHEMA["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert {"run", "result", "suppression"} <= SCHEMA["definitions"].keys()


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("cls", [validator_for(SCHEMA), Draft7Validator], ids=["declared-draft4", "draft7"])
def test_validates_against_schema(result, catalogue, lang, cls):
    """The OASIS schema declares draft-04; it is also checked under draft-07, as schemastore's copy is."""
    cls.check_schema(SCHEMA)
    errors = list(cls(SCHEMA, format_checker=cls.FORMAT_CHECKER).iter_errors(_render(result, catalogue, lang)))
    assert errors == [], [e.message for e in errors]


def test_invalid_log_is_rejected_by_schema():
    """Guards the validation above: the schema really rejects a malformed suppression."""
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"message": {"text": "m"}, "suppressions": [{"kind": "inline-comment"}]}]}]}
    cls = validator_for(SCHEMA)
    assert list(cls(SCHEMA).iter_errors(bad))


def test_rules_cover_catalogue(result, catalogue):
    driver = _render(result, catalogue)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "sovstack" and driver["version"] == "0.1.0"
    assert [r["id"] for r in driver["rules"]] == list(catalogue.policies)
    rule = next(r for r in driver["rules"] if r["id"] == "SOV-MSG-001")
    assert rule["properties"]["security-severity"] == "8.0"
    assert rule["properties"]["legal_basis"] == catalogue.get("SOV-MSG-001").legal_basis()
    assert rule["help"]["text"] == catalogue.get("SOV-MSG-001").remediation.en


def test_results_levels_and_locations(result, catalogue):
    run = _render(result, catalogue)["runs"][0]
    results = _by_rule(run)
    assert "SOV-GOV-001" not in results  # passed
    assert set(results) == {"SOV-MSG-001", "SOV-RES-001", "SOV-MSG-002"}
    with_line = results["SOV-MSG-001"]
    assert with_line["level"] == "error"
    loc = with_line["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "deploy/site.yml", "uriBaseId": "SRCROOT"}
    assert loc["region"] == {"startLine": 12}
    assert "region" not in results["SOV-RES-001"]["locations"][0]["physicalLocation"]
    rules = run["tool"]["driver"]["rules"]
    assert rules[with_line["ruleIndex"]]["id"] == "SOV-MSG-001"


def test_only_waived_result_is_suppressed(result, catalogue):
    results = _by_rule(_render(result, catalogue)["runs"][0])
    suppression = results["SOV-MSG-002"]["suppressions"]
    assert suppression == [{
        "kind": "external", "status": "accepted",
        "justification": "migration to the domestic messenger is scheduled",
        "properties": {"waiver_id": "W-7", "owner": "ops-team", "approved_by": "ciso", "ticket": "SEC-1234",
                       "expires": "2031-01-31", "days_left": 400},
    }]
    assert "suppressions" not in results["SOV-MSG-001"]


def test_input_error_is_a_notification(result, catalogue):
    invocation = _render(result, catalogue)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert "broken/values.yaml" in note["message"]["text"]
    assert "YAML parse error at line 3" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken/values.yaml"


def test_clean_run_is_successful(result, catalogue):
    inputs = [rec for rec in result.inputs if rec.status is not InputStatus.ERROR]
    invocation = _render(result.model_copy(update={"inputs": inputs}), catalogue)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True and invocation["toolExecutionNotifications"] == []
    assert invocation["exitCode"] in (0, 1) and "controlFiles" in invocation["properties"]


def test_policy_error_fails_execution(result, catalogue):
    inputs = [rec for rec in result.inputs if rec.status is not InputStatus.ERROR]
    broken = result.model_copy(update={"inputs": inputs, "policy_errors": ["SOV-MSG-003: engine crashed"]})
    invocation = _render(broken, catalogue)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "SOV-MSG-003: engine crashed" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_russian_descriptions(result, catalogue):
    run = _render(result, catalogue, "ru")["runs"][0]
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "SOV-MSG-001")
    meta = catalogue.get("SOV-MSG-001")
    assert rule["fullDescription"]["text"] == meta.description.ru != meta.description.en
    assert any("\u0400" <= ch <= "\u04ff" for ch in rule["shortDescription"]["text"])
    assert run["language"] == "ru"


def test_uri_is_relative_and_encoded(result, catalogue):
    odd = result.findings[0].model_copy(update={"file": "./deploy/мой файл.yml"})
    log = _render(result.model_copy(update={"findings": [odd]}), catalogue)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "deploy/%D0%BC%D0%BE%D0%B9%20%D1%84%D0%B0%D0%B9%D0%BB.yml"
