"""Adopting sovstack in an existing repository: configuration file, policy selection, baselines, soft-fail, output
inference and the verdict on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
TELEGRAM = ("route:\n  receiver: tg\nreceivers:\n- name: tg\n  telegram_configs:\n"
            f"  - bot_token: \"{TOKEN}\"\n    chat_id: 42\n")
SLACK = "route:\n  receiver: s\nreceivers:\n- name: s\n  slack_configs:\n  - channel: '#ops'\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "alerting").mkdir()
    (tmp_path / "alerting" / "alertmanager.yml").write_text(TELEGRAM)
    return tmp_path


def _failed(result: dict) -> list[dict]:
    return [f for f in result["findings"] if f["status"] == "failed"]


def test_baseline_accepts_existing_findings_and_fails_new_ones(sovstack, repo, tmp_path_factory):
    base = tmp_path_factory.mktemp("b") / "baseline.json"
    code, _, err = sovstack("check", str(repo), "--create-baseline", str(base), "-q")
    assert code == 1 and base.is_file() and "wrote the baseline" in err
    assert len(json.loads(base.read_text())["findings"]) == 1
    # the same finding two lines further down is still the accepted one
    (repo / "alerting" / "alertmanager.yml").write_text("# moved\n\n" + TELEGRAM)
    code, result = sovstack.json(repo, "--baseline", str(base))
    assert code == 0 and not _failed(result)
    assert [f["status"] for f in result["findings"] if f["policy_id"] == "SOV-MSG-004"] == ["baselined"]
    assert result["baseline"]["matched"] == 1 and result["summary"]["baselined"] == 1
    (repo / "alerting" / "slack.yml").write_text(SLACK)
    code, result = sovstack.json(repo, "--baseline", str(base))
    assert code == 1 and {f["file"] for f in _failed(result)} == {"alerting/slack.yml"}
    (repo / "alerting" / "alertmanager.yml").write_text(SLACK.replace("name: s", "name: t"))
    code, result = sovstack.json(repo, "--baseline", str(base))
    assert len(result["baseline"]["stale"]) == 1 and result["baseline"]["stale"][0]["policy_id"] == "SOV-MSG-004"
    code, out, _ = sovstack("check", str(repo), "--baseline", str(base), "-f", "sarif")
    states = {r.get("baselineState") for r in json.loads(out)["runs"][0]["results"]}
    assert "new" in states


def test_bad_baseline_is_a_usage_error(sovstack, repo):
    bogus = repo.parent / "bogus.json"
    bogus.write_text('{"hello": 1}')
    code, _, err = sovstack("check", str(repo), "--baseline", str(bogus))
    assert code == 2 and "not a sovstack baseline" in err and str(bogus) in err


def test_policy_selection_any_case_glob_category(sovstack, repo):
    code, result = sovstack.json(repo, "--policy", "sov-msg-004")
    assert code == 1 and {f["policy_id"] for f in result["findings"]} == {"SOV-MSG-004"}
    assert result["selection"]["policies"] == ["SOV-MSG-004"]
    code, result = sovstack.json(repo, "--skip-policy", "foreign-messenger")
    assert code == 0 and not any(f["category"] == "foreign-messenger" for f in result["findings"])
    code, result = sovstack.json(repo, "--policy", "SOV-MSG-*", "--skip-policy", "SOV-MSG-004")
    assert "SOV-MSG-004" not in result["selection"]["policies"] and code == 0
    code, _, err = sovstack("check", str(repo), "--policy", "SOV-MGS-004")
    assert code == 2 and "did you mean SOV-MSG-004" in err


def test_soft_fail_and_fail_on(sovstack, repo):
    code, result = sovstack.json(repo, "--soft-fail")
    assert code == 0 and result["verdict"]["status"] == "violations" and "--soft-fail" in result["verdict"]["reason"]
    (repo / "broken.yaml").write_text("a: [1, 2\n")
    code, _ = sovstack.json(repo, "--soft-fail")
    assert code == 2  # what could not be evaluated is never softened


def test_output_extension_decides_the_format_and_verdict_reaches_stderr(sovstack, repo, tmp_path_factory):
    out = tmp_path_factory.mktemp("o")
    code, stdout, err = sovstack("check", str(repo), "-o", str(out / "r.json"), "-o", str(out / "r.sarif"))
    assert code == 1 and stdout == ""
    assert json.loads((out / "r.json").read_text())["schema_version"] == "2.0"
    assert json.loads((out / "r.sarif").read_text())["version"] == "2.1.0"
    assert err.strip().splitlines()[-1].startswith("sovstack: NOT COMPLIANT: violations")
    code, _, err = sovstack("check", str(repo), "-o", str(out / "r.unknown"))
    assert code == 2 and "cannot tell the format" in err


def test_config_file_precedence_and_unknown_keys(sovstack, repo, monkeypatch):
    monkeypatch.chdir(repo)
    (repo / ".sovstack.yaml").write_text("fail-on: critical\nskip-policy: [SOV-GOV-001]\n")
    code, result = sovstack.json(repo)
    assert code == 0 and result["verdict"]["fail_on"] == "critical"
    assert any(c["type"] == "config" and c["applied"] for c in result["control_files"])
    code, result = sovstack.json(repo, "--fail-on", "low")  # the command line wins
    assert code == 1
    monkeypatch.setenv("SOVSTACK_FAIL_ON", "high")  # the environment wins over the file
    code, result = sovstack.json(repo)
    assert code == 1 and result["verdict"]["fail_on"] == "high"
    monkeypatch.delenv("SOVSTACK_FAIL_ON")
    code, result = sovstack.json(repo, "--audit")  # an in-tree configuration is a control file
    assert code == 1 and any(c["type"] == "config" and not c["applied"] for c in result["control_files"])
    (repo / ".sovstack.yaml").write_text("fail-on: critical\nfial_on: low\n")
    code, _, err = sovstack("check", str(repo))
    assert code == 2 and "fial_on" in err and ".sovstack.yaml" in err


def test_pyproject_tool_table(sovstack, repo, monkeypatch):
    monkeypatch.chdir(repo)
    (repo / "pyproject.toml").write_text('[tool.sovstack]\nfail-on = "critical"\n')
    code, result = sovstack.json(repo)
    assert code == 0 and result["verdict"]["fail_on"] == "critical"
