"""A finding's resolution chain (where a value came from) is shown in JSON, the table, SARIF and HTML."""

from __future__ import annotations

import json


def _tree(path):
    (path / "variables.tf").write_text('variable "zone" {\n  default = "kz1-a"\n}\n')
    (path / "main.tf").write_text('resource "yandex_compute_instance" "vm" {\n  zone = var.zone\n}\n')


def test_chain_in_every_format(sovstack, tmp_path):
    _tree(tmp_path)
    code, result = sovstack.json(tmp_path)
    (finding,) = [f for f in result["findings"] if f["status"] == "failed"]
    assert code == 1 and finding["file"] == "main.tf"
    assert [(c["file"], c["line"]) for c in finding["chain"]] == [("variables.tf", 2), ("main.tf", 2)]
    _, table, _ = sovstack("check", str(tmp_path))
    assert "<- var.zone default (variables.tf:2)" in table
    _, sarif, _ = sovstack("check", str(tmp_path), "-f", "sarif")
    (res,) = json.loads(sarif)["runs"][0]["results"]
    related = res["relatedLocations"]
    assert related[0]["physicalLocation"]["artifactLocation"]["uri"].endswith("variables.tf")
    assert related[0]["physicalLocation"]["region"]["startLine"] == 2
    _, html, _ = sovstack("check", str(tmp_path), "-f", "html", "--lang", "en")
    assert 'class="chain"' in html and "variables.tf:2" in html


def test_russian_report_states_findings_in_russian(sovstack, tmp_path, catalogue):
    _tree(tmp_path)
    _, result = sovstack.json(tmp_path)
    (finding,) = [f for f in result["findings"] if f["status"] == "failed"]
    _, html, _ = sovstack("check", str(tmp_path), "-f", "html")
    _, md, _ = sovstack("check", str(tmp_path), "-f", "markdown")
    title = catalogue.get(finding["policy_id"]).title.ru
    for text in (html, md):
        assert title in text and finding["message"] not in text
