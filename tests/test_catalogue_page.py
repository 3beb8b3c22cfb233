"""The generated catalogue files (policies/POLICIES.md, policies/checkov/) are those the catalogue gives."""

from __future__ import annotations

import shutil

from sovstack.catalogue import load
from sovstack.catalogue_page import ENTRY, PAGE, generated, main, stale


def test_committed_page_and_checkov_entry_are_up_to_date(catalogue):
    assert stale(catalogue) == [], "run: python -m sovstack.catalogue_page"


def test_the_page_lists_every_policy_with_what_its_code_says(catalogue):
    page = generated(catalogue)[PAGE]
    for pid in catalogue.policies:
        assert f"[{pid}]({pid}/README.md)" in page
    assert "| ansible | checkov |" in page and "| any | native |" in page


def test_checkovs_folder_holds_only_entries_of_checkov_checks(root, catalogue):
    entry = root / "policies" / ENTRY
    assert not [p for p in entry.rglob("*") if p.suffix in (".yaml", ".yml", ".json")]  # checkov would parse them
    entries = {p.stem.replace("_", "-") for p in entry.rglob("SOV_*.py")}
    assert entries == {"SOV-RES-001", "SOV-RES-002", "SOV-LOC-001", "SOV-LOC-002", "SOV-MSG-010", "SOV-MSG-009",
                       "SOV-MSG-001", "SOV-MSG-002", "SOV-MSG-003", "SOV-RES-004"}


def test_a_drifted_page_or_entry_is_reported_and_rewritten(root, tmp_path, capsys):
    copy = tmp_path / "policies"
    shutil.copytree(root / "policies", copy, ignore=shutil.ignore_patterns("fixtures", "__pycache__"))
    (copy / PAGE).write_text("edited by hand\n")
    (copy / ENTRY / "terraform/SOV_RES_001.py").unlink()
    (copy / ENTRY / "ansible/SOV_OLD_001.py").write_text("")
    assert stale(load(copy)) == [PAGE, f"{ENTRY}/ansible/SOV_OLD_001.py", f"{ENTRY}/terraform/SOV_RES_001.py"]
    assert main(["--policies", str(copy), "--check"]) == 1
    assert main(["--policies", str(copy)]) == 0
    assert stale(load(copy)) == [] and "wrote" in capsys.readouterr().out


def test_each_checkov_entry_runs_the_check_of_its_home_once(root):
    from sovstack.checks.homes import from_home

    entries = sorted((root / "policies" / ENTRY).rglob("SOV_*.py"))
    for entry in entries:
        check = from_home(str(entry))
        assert check.id == entry.stem.replace("_", "-") and check.kinds == (entry.parent.name,), entry
        assert from_home(str(entry)) is check  # checkov walks the folder once per framework
    assert entries
