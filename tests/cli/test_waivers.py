"""Waivers: a waived finding keeps its waiver; bad, expired or over-long waivers fail loudly."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

TODAY = "2026-11-22"
TASK = "- name: Notify\n  community.general.telegram:\n    token: x\n"


@pytest.fixture()
def tree(tmp_path):
    (tmp_path / "tasks.yml").write_text(TASK)
    return tmp_path


def waiver(**over):
    w = {"id": "W-1", "policy_id": "SOV-MSG-001", "target": "tasks.yml", "reason": "MAX migration in progress",
         "owner": "ivanov", "approved_by": "ciso", "ticket": "SEC-1", "expires": "2027-01-15"}
    w.update(over)
    return w


def write(tree, *waivers, **top):
    (tree / "sovstack-waivers.yaml").write_text(yaml.safe_dump({"waivers": list(waivers), **top}))


def test_waived_finding_is_reported_with_its_waiver(sovstack, tree):
    write(tree, waiver())
    code, result = sovstack.json(tree, "--today", TODAY)
    waived = [f for f in result["findings"] if f["status"] == "waived"]
    assert code == 0 and result["summary"]["waived"] == 1
    assert waived[0]["waiver"]["owner"] == "ivanov" and waived[0]["waiver"]["days_left"] == 54


@pytest.mark.parametrize("over,needle", [
    ({"expires": "2026-11-01"}, "expired"),
    ({"expires": str(dt.date(2026, 11, 22) + dt.timedelta(days=181))}, "more than 180 days"),
    ({"policy_id": "SOV-ZZZ-999"}, "unknown policy"),
    ({"owner": ""}, "owner"),
    ({"colour": "red"}, "colour"),
])
def test_bad_waivers_fail_loudly(sovstack, tree, over, needle):
    write(tree, waiver(**over))
    code, out, err = sovstack("check", tree, "--today", TODAY, "-f", "json")
    assert code == 2 and needle in err and "sovstack-waivers.yaml" in err
    assert out == ""


def test_missing_expiry_is_rejected(sovstack, tree):
    w = waiver()
    del w["expires"]
    write(tree, w)
    code, _, err = sovstack("check", tree, "--today", TODAY)
    assert code == 2 and "expires" in err


def test_explicit_waiver_file(sovstack, tree, tmp_path_factory):
    other = tmp_path_factory.mktemp("w") / "waivers.yaml"
    other.write_text(yaml.safe_dump({"waivers": [waiver(target="tasks.*")]}))
    code, result = sovstack.json(tree, "--waivers", other, "--today", TODAY)
    assert code == 0 and result["summary"]["waived"] == 1


def test_inline_checkov_skip_does_not_silence(sovstack, tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  # checkov:skip=SOV-RES-002: later\n'
                                      '  bucket = "x"\n}\n')
    code, result = sovstack.json(tmp_path)
    failed = {f["policy_id"] for f in result["findings"] if f["status"] == "failed"}
    assert code == 1 and {"SOV-RES-002", "SOV-GOV-001"} <= failed


@pytest.mark.parametrize(("owner", "approver"), [
    ("ivanov", "ivanov"), ("Ivanov", " ivanov "), ("ivan.petrov@gov74.example", "IVAN.PETROV@GOV74.EXAMPLE"),
    ("Ivan  Petrov", "ivan petrov"), ("ＩＶＡＮＯＶ", "ivanov"),
])
def test_owner_cannot_approve_their_own_waiver(sovstack, tree, owner, approver):
    write(tree, waiver(id="W-SELF", owner=owner, approved_by=approver))
    code, out, err = sovstack("check", tree, "--today", TODAY, "-f", "json")
    assert code == 2 and out == ""
    assert "sovstack-waivers.yaml" in err and "W-SELF" in err and "owner" in err


@pytest.mark.parametrize("target", ["*", "**", "**/*", "/", "./", "/**", "?*", "*/", "**/", "[!.]*", "*.*", "***", " ",
                                    "!tasks.yml"])
def test_a_target_taking_in_everything_is_refused(sovstack, tree, target):
    write(tree, waiver(id="W-ALL", target=target))
    code, out, err = sovstack("check", tree, "--today", TODAY, "-f", "json")
    assert code == 2 and out == ""
    assert "sovstack-waivers.yaml" in err and "W-ALL" in err and "target" in err


@pytest.mark.parametrize(("target", "waived"), [
    ("deploy/tasks.yml", True), ("deploy/", True), ("deploy", True), ("tasks.yml", True), ("/deploy/*.yml", True),
    ("**/tasks.yml", True), ("deploy/**", True), ("/tasks.yml", False), ("other/", False), ("*.tf", False),
    ("*.telegram.Notify", True), ("tasks.community.general.telegram.Notify", True), ("*.notify", False),
])
def test_targets_match_like_excludes(sovstack, tmp_path, target, waived):
    """gitignore rules, as --exclude: a name without '/' matches at any depth, a leading '/' anchors to the root,
    a folder takes in what is under it; the finding's resource (here the task name) is matched too."""
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "tasks.yml").write_text(TASK)
    write(tmp_path, waiver(target=target))
    code, result = sovstack.json(tmp_path, "--today", TODAY)
    statuses = {f["status"] for f in result["findings"] if f["policy_id"] == "SOV-MSG-001"}
    assert statuses == ({"waived"} if waived else {"failed"}), result["findings"]
    assert code == (0 if waived else 1)


def test_a_target_that_is_no_pattern_is_named(sovstack, tree):
    write(tree, waiver(id="W-BAD", target="deploy\\"))
    code, out, err = sovstack("check", tree, "--today", TODAY)
    assert code == 2 and "W-BAD" in err and "pattern" in err


def test_the_example_waiver_file_is_valid(root, catalogue):
    from sovstack.waivers import load

    waivers = load(root / "examples/waivers.example.yaml", catalogue, dt.date(2026, 12, 1))
    assert waivers and all(w.owner != w.approved_by for w in waivers)
