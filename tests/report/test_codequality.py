"""The GitLab Code Quality report passes GitLab's own issue schema and keeps stable, repository-relative issues."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft7Validator

from sovstack.report import Format

SCHEMA = json.loads((Path(__file__).parent / "data" / "gitlab-codeclimate.json").read_text(encoding="utf-8"))
SEVERITIES = {"info", "minor", "major", "critical", "blocker"}  # GitLab docs: Code Quality report format


def _render(result, catalogue, lang="en", repo_root=None) -> list[dict]:
    return json.loads(Format.CODEQUALITY.render(result, catalogue, lang, repo_root=repo_root))


def test_every_issue_passes_gitlabs_schema(result, catalogue):
    issues = _render(result, catalogue)
    Draft7Validator.check_schema(SCHEMA)
    errors = [e.message for issue in issues for e in Draft7Validator(SCHEMA).iter_errors(issue)]
    assert issues and errors == []
    assert {i["severity"] for i in issues} <= SEVERITIES


def test_schema_rejects_an_issue_without_a_fingerprint():
    assert list(Draft7Validator(SCHEMA).iter_errors({"description": "d", "severity": "major", "location": {}}))


def test_failed_findings_and_input_errors_not_waived_or_passed(result, catalogue):
    issues = _render(result, catalogue)
    assert [i["check_name"] for i in issues] == ["SOV-MSG-001", "SOV-RES-001", "sovstack-input-error"]
    first = issues[0]
    assert first["location"] == {"path": "deploy/site.yml", "lines": {"begin": 12}}
    assert first["severity"] == "critical" and first["categories"] == ["Security"]
    assert first["content"]["body"] == catalogue.get("SOV-MSG-001").remediation.en
    assert issues[1]["location"]["lines"] == {"begin": 1}  # no line known: GitLab needs one to show the issue
    assert "YAML parse error" in issues[2]["description"]


def test_fingerprints_are_unique_and_stable(result, catalogue):
    first = [i["fingerprint"] for i in _render(result, catalogue)]
    assert first == [i["fingerprint"] for i in _render(result.model_copy(deep=True), catalogue)]
    assert len(set(first)) == len(first)


def test_russian_titles_when_asked(result, catalogue):
    issue = _render(result, catalogue, "ru")[0]
    assert catalogue.get("SOV-MSG-001").title.ru in issue["description"]


def test_paths_are_relative_to_the_repository_root(result, catalogue, tmp_path):
    (tmp_path / ".git").mkdir()
    scanned = tmp_path / "ops"
    scanned.mkdir()
    moved = result.model_copy(update={"scanned_paths": [str(scanned)]})
    paths = [i["location"]["path"] for i in _render(moved, catalogue)]
    assert paths == ["ops/deploy/site.yml", "ops/infra/main.tf", "ops/broken/values.yaml"]
