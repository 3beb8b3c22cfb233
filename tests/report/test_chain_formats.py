"""The resolution chain of a finding reaches the table, SARIF (relatedLocations) and HTML."""

from __future__ import annotations

import json
from pathlib import Path

from sovstack.catalogue import load
from sovstack import runner
from sovstack.models import Result
from sovstack.report import html_format, sarif_format, table_format

POLICIES = Path(__file__).resolve().parents[2] / "policies"


def _result() -> Result:
    """A real run on a systemd unit whose messenger URL comes from its EnvironmentFile."""
    return runner.run(runner.Options(paths=[POLICIES / "SOV-MSG-011" / "fixtures" / "fail" / "systemd-env"]), load(POLICIES))


def test_table_sarif_html_show_chain():
    cat = load(POLICIES)
    res = _result()
    assert "ALERT_ENDPOINT from disk-alert.env (disk-alert.env:1)" in table_format.render(res, cat)
    sarif = json.loads(sarif_format.render(res, cat))
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "SOV-MSG-011")
    related = result["relatedLocations"]
    uris = [r["physicalLocation"]["artifactLocation"]["uri"] for r in related]  # relative to the repository root
    assert [u.rsplit("/", 1)[-1] for u in uris] == ["disk-alert.env", "disk-alert.service"]
    assert related[0]["message"]["text"] == "ALERT_ENDPOINT from disk-alert.env"
    assert "ALERT_ENDPOINT from disk-alert.env" in html_format.render(res, cat)
