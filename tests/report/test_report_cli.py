"""The auditor formats from the command line: check -f html/pdf/markdown, --evidence, --history, report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
EVIDENCE_SAMPLE = HERE / "data" / "evidence-sample.json"
TREE = HERE.parents[1] / "examples" / "noncompliant" / "monitoring"


def test_check_writes_html_pdf_markdown_in_russian_by_default(sovstack, tmp_path):
    html, pdf, md = tmp_path / "r.html", tmp_path / "r.pdf", tmp_path / "r.md"
    code, out, err = sovstack("check", TREE, "-f", "html", "-o", html, "-f", "pdf", "-o", pdf, "-f", "markdown",
                              "-o", md, "-f", "json")
    assert code == 1, err
    assert '<html lang="ru">' in html.read_text() and pdf.read_bytes().startswith(b"%PDF-")
    assert "Нарушено" in md.read_text()
    assert json.loads(out)["summary"]["failed"] > 0  # the json format keeps its English default on stdout
    code, _, _ = sovstack("check", TREE, "-f", "html", "-o", html, "--lang", "en")
    assert '<html lang="en">' in html.read_text()


def test_evidence_is_carried_and_shown(sovstack, tmp_path):
    out = tmp_path / "r.json"
    code, _, err = sovstack("check", TREE, "--evidence", EVIDENCE_SAMPLE, "-f", "json", "-o", out,
                            "-f", "html", "-o", tmp_path / "r.html")
    assert code == 1, err
    result = json.loads(out.read_text())
    assert [e["path"] for e in result["evidence"]] == [str(EVIDENCE_SAMPLE)]
    assert len(result["evidence"][0]["evidence"]["hosts"]) == 3 and result["evidence"][0]["masked"] is True
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1" not in out.read_text()
    assert "udmurtia-bot-1" in (tmp_path / "r.html").read_text()


@pytest.mark.parametrize("content, words", [
    ("{not json", "not valid JSON"),
    ('{"schema_version": 1, "generator": "x", "generated_at": "2026-01-01T00:00:00Z", "passed": true}',
     "does not match the evidence schema"),
    ('{"schema_version": 7}', "unsupported schema_version"),
])
def test_malformed_evidence_stops_the_run_naming_the_file(sovstack, tmp_path, content, words):
    bad = tmp_path / "ev.json"
    bad.write_text(content)
    report = tmp_path / "r.html"
    code, _, err = sovstack("check", TREE, "--evidence", bad, "-f", "html", "-o", report)
    assert code == 2 and str(bad) in err and words in err
    assert not report.exists()


def test_history_through_the_environment_shows_changes(sovstack, tmp_path, monkeypatch):
    db = tmp_path / "h.db"
    monkeypatch.setenv("SOVSTACK_HISTORY", str(db))
    code, first, _ = sovstack("check", TREE, "-f", "markdown", "--lang", "en")
    assert code == 1 and db.is_file() and "Changes since" not in first
    code, second, _ = sovstack("check", TREE, "-f", "markdown", "--lang", "en", "-f", "json")
    assert "Changes since the previous check (#1)" in second and "**New violations: 0**" in second
    result = json.loads(second[second.index("{"):])
    assert [r["run_id"] for r in result["history"]["runs"]] == [1, 2]


def test_unreadable_history_stops_before_any_output(sovstack, tmp_path):
    db = tmp_path / "h.db"
    db.write_text("no database here")
    report = tmp_path / "r.html"
    code, out, err = sovstack("check", TREE, "--history", db, "-f", "html", "-o", report)
    assert code == 2 and f"{db}: not a SQLite database" in err
    assert not report.exists() and db.read_text() == "no database here"


def test_report_renders_a_saved_result(sovstack, tmp_path):
    saved = tmp_path / "r.json"
    sovstack("check", TREE, "-f", "json", "-o", saved)
    code, out, err = sovstack("report", saved)
    assert code == 0 and out.startswith("<!DOCTYPE html>") and '<html lang="ru">' in out
    code, out, _ = sovstack("report", saved, "-f", "markdown", "--lang", "en")
    assert code == 0 and "Compliance check" in out


@pytest.mark.parametrize("content", ["", "[]", '{"schema_version": "1.0"}', "\x00\x01"])
def test_report_refuses_what_is_not_a_result(sovstack, tmp_path, content):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    code, _, err = sovstack("report", bad, "-f", "html", "-o", tmp_path / "r.html")
    assert code == 2 and str(bad) in err and not (tmp_path / "r.html").exists()


def test_a_host_failing_a_live_check_fails_the_run(sovstack, root, tmp_path):
    compliant = root / "examples" / "compliant" / "monitoring"
    code, _, _ = sovstack("check", compliant, "-f", "json", "-o", tmp_path / "a.json")
    assert code == 0
    code, _, _ = sovstack("check", compliant, "--evidence", EVIDENCE_SAMPLE, "-f", "json", "-o", tmp_path / "b.json")
    assert code == 1  # the sample has a host that failed verify.yml
    passing = json.loads(EVIDENCE_SAMPLE.read_text())
    passing["passed"] = True
    for host in passing["hosts"]:
        host["passed"] = True
        for check in host["checks"]:
            check["passed"] = True
    good = tmp_path / "good-evidence.json"
    good.write_text(json.dumps(passing))
    code, _, err = sovstack("check", compliant, "--evidence", good, "-f", "json", "-o", tmp_path / "c.json")
    assert code == 0, err
