"""Incremental checking: a re-check with the cache gives exactly the result of a full check, and re-does only
what depends on the change (files by content, planned stacks by every file their program read)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import estate  # noqa: E402


def comparable(result: dict) -> dict:
    inputs = [{k: v for k, v in i.items() if k != "seconds"} for i in result["inputs"]]
    return {"summary": result["summary"], "inputs": inputs, "findings": result["findings"],
            "policy_errors": result["policy_errors"]}


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    out = tmp_path_factory.mktemp("estate") / "estate"
    estate.generate(out, 3, 0.34, 7)
    return out


def check(sovstack, tree, *extra):
    code, result = sovstack.json(tree, *extra)
    assert code in (0, 1), result["inputs"]
    return result


def test_cached_recheck_equals_full_check_after_changes(sovstack, tree, tmp_path):
    cache = tmp_path / "cache"
    first = check(sovstack, tree, "--cache-dir", cache)
    assert first["timings"]["cache_hits"] == 0 and first["timings"]["planned"] == 3
    warm = check(sovstack, tree, "--cache-dir", cache)
    assert warm["timings"]["planned"] == 0 and warm["timings"]["evaluated"] == 0
    assert comparable(warm) == comparable(first)

    region = tree / "regions" / estate.region_name(2)
    (region / "monitoring/alertmanager.yml").write_text(estate.ALERTMANAGER_BAD.format(chat=1))
    stack = tree / "pulumi" / f"Pulumi.{estate.region_name(2)}.yaml"
    stack.write_text(stack.read_text() + "# reviewed\n")
    incremental = check(sovstack, tree, "--cache-dir", cache)
    full = check(sovstack, tree)
    assert comparable(incremental) == comparable(full)
    assert incremental["timings"]["planned"] == 1  # only the changed stack
    assert incremental["timings"]["evaluated"] == 3  # the alerting file, the stack file, the stack's plan
    assert any(f["policy_id"] == "SOV-MSG-004" and f["file"].startswith(f"regions/{estate.region_name(2)}/")
               for f in incremental["findings"] if f["status"] == "failed")


def test_change_in_a_file_the_program_reads_replans_every_stack(sovstack, tree, tmp_path):
    cache = tmp_path / "cache"
    check(sovstack, tree, "--cache-dir", cache)
    sites = tree / "pulumi/policies/data/sites.yaml"  # read by infra/config.py while planning
    sites.write_text(sites.read_text() + "\n# reviewed\n")
    again = check(sovstack, tree, "--cache-dir", cache)
    assert again["timings"]["planned"] == 3
    assert again["timings"]["evaluated"] == 4  # the three plans and sites.yaml itself (an input of the scan too)


def test_corrupt_cache_entries_are_misses_not_results(sovstack, tree, tmp_path):
    cache = tmp_path / "cache"
    first = check(sovstack, tree, "--cache-dir", cache)
    for entry in cache.rglob("*.json"):
        entry.write_text("{broken")
    again = check(sovstack, tree, "--cache-dir", cache)
    assert again["timings"]["cache_hits"] == 0
    assert comparable(again) == comparable(first)


def test_policy_change_invalidates_everything(sovstack, tree, tmp_path, root):
    import shutil
    policies = tmp_path / "policies"
    shutil.copytree(root / "policies", policies, ignore=shutil.ignore_patterns("__pycache__", "fixtures"))
    cache = tmp_path / "cache"
    check(sovstack, tree, "--cache-dir", cache, "--policies", policies)
    meta = policies / "SOV-MSG-004/metadata.yaml"
    meta.write_text(meta.read_text().replace("severity: high", "severity: critical"))
    again = check(sovstack, tree, "--cache-dir", cache, "--policies", policies)
    assert again["timings"]["cache_hits"] == 0
    assert {f["severity"] for f in again["findings"] if f["policy_id"] == "SOV-MSG-004"} == {"critical"}
