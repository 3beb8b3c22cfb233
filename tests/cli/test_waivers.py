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
