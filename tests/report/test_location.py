"""Forge paths: relative to the repository root found above the scan (or given), with SARIF's base declared."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema.validators import validator_for

from sovstack.report import Format
from sovstack.report.location import Locator, find_repo_root

SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def _tree(tmp_path):
    (tmp_path / ".git").write_text("gitdir: /elsewhere/.git/worktrees/x\n")  # a worktree's .git is a file
    (tmp_path / "ops/deploy").mkdir(parents=True)
    (tmp_path / "ops/deploy/site.yml").write_text("x: 1\n")
    return tmp_path


def test_repo_root_is_the_nearest_folder_with_git(tmp_path):
    root = _tree(tmp_path)
    assert find_repo_root(root / "ops/deploy/site.yml") == root
    assert find_repo_root(root / "ops") == root
    (root / "ops/.git").mkdir()  # a nested repository (submodule) wins
    assert find_repo_root(root / "ops/deploy") == root / "ops"


def test_one_scanned_folder(result, tmp_path):
    root = _tree(tmp_path)
    where = Locator.of(result.model_copy(update={"scanned_paths": [str(root / "ops")]}))
    assert where.root == root and where.path("deploy/site.yml") == "ops/deploy/site.yml"
    assert where.base_uri() == root.as_uri() + "/"


def test_several_scanned_paths_are_prefixed_by_their_name(result, tmp_path):
    root = _tree(tmp_path)
    (root / "infra").mkdir()
    where = Locator.of(result.model_copy(update={"scanned_paths": [str(root / "ops"), str(root / "infra")]}))
    assert where.path("ops/deploy/site.yml") == "ops/deploy/site.yml"
    assert where.path("infra/main.tf") == "infra/main.tf"


def test_a_scanned_file_and_an_explicit_root(result, tmp_path):
    root = _tree(tmp_path)
    where = Locator.of(result.model_copy(update={"scanned_paths": [str(root / "ops/deploy/site.yml")]}),
                       repo_root=root / "ops")
    assert where.path("site.yml") == "deploy/site.yml"


def test_no_repository_keeps_paths_relative_to_the_scanned_folder(result, tmp_path):
    scanned = tmp_path / "plain"
    scanned.mkdir()
    where = Locator.of(result.model_copy(update={"scanned_paths": [str(scanned)]}), repo_root=None)
    if where.root == scanned:  # tmp_path may itself sit inside a checkout
        assert where.path("a/b.yml") == "a/b.yml"


def test_outside_the_given_root_paths_stay_as_they_are(result, tmp_path):
    root = _tree(tmp_path)
    other = tmp_path / "elsewhere"
    where = Locator.of(result.model_copy(update={"scanned_paths": [str(root / "ops")]}), repo_root=other)
    assert where.path("deploy/site.yml") == "deploy/site.yml"


def test_sarif_declares_the_base_and_uses_repository_paths(result, catalogue, tmp_path):
    root = _tree(tmp_path)
    moved = result.model_copy(update={"scanned_paths": [str(root / "ops")]})
    run = json.loads(Format.SARIF.render(moved, catalogue, "en"))["runs"][0]
    assert run["originalUriBaseIds"] == {"SRCROOT": {"uri": root.as_uri() + "/"}}
    first = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert first == {"uri": "ops/deploy/site.yml", "uriBaseId": "SRCROOT"}
    note = run["invocations"][0]["toolExecutionNotifications"][0]["locations"][0]
    assert note["physicalLocation"]["artifactLocation"]["uri"] == "ops/broken/values.yaml"


def test_gitlab_sast_uses_repository_paths(result, catalogue, tmp_path):
    root = _tree(tmp_path)
    moved = result.model_copy(update={"scanned_paths": [str(root / "ops")]})
    vulns = json.loads(Format.GITLAB.render(moved, catalogue, "en", repo_root=root))["vulnerabilities"]
    assert vulns[0]["location"]["file"] == "ops/deploy/site.yml"


def test_sarif_with_a_base_still_passes_the_oasis_schema(result, catalogue, tmp_path):
    root = _tree(tmp_path)
    log = json.loads(Format.SARIF.render(result.model_copy(update={"scanned_paths": [str(root / "ops")]}), catalogue))
    cls = validator_for(SARIF_SCHEMA)
    assert [e.message for e in cls(SARIF_SCHEMA, format_checker=cls.FORMAT_CHECKER).iter_errors(log)] == []
