"""The embedded regions: `sovstack check` with no path plans all five stacks offline and finds them compliant;
their inventories hand off to Ansible; the non-compliant example stack trips every Pulumi-side policy."""

from __future__ import annotations

import ipaddress
import json
import os

import pytest
import yaml
from typer.testing import CliRunner

from sovstack.cli import app
from sovstack.rules import knowledge

REGIONS = ["chelyabinsk", "nizhny-novgorod", "novosibirsk", "tyumen", "udmurtia"]
PULUMI_POLICIES = {"SOV-RES-005", "SOV-RES-006", "SOV-RES-008", "SOV-NET-001", "SOV-NET-002", "SOV-LOC-003"}


@pytest.fixture(scope="module")
def root_result(root):
    cwd = os.getcwd()
    os.chdir(root)
    try:
        res = CliRunner().invoke(app, ["check", "--format", "json"], catch_exceptions=False)
    finally:
        os.chdir(cwd)
    return res.exit_code, json.loads(res.stdout)


def test_default_check_plans_all_five_region_stacks(root_result):
    _, result = root_result
    stacks = {i["stack"]: i for i in result["inputs"] if i["kind"] == "pulumi-program" and i.get("stack")}
    for region in REGIONS:
        assert stacks[region]["status"] == "evaluated", stacks[region]
        assert stacks[region]["path"] == f"Pulumi.{region}.yaml"
        assert stacks[region]["resources"] >= 15


def test_region_stacks_and_program_are_compliant(root_result):
    _, result = root_result
    ours = [f for f in result["findings"] if f["status"] == "failed"
            and (f["file"].startswith(("infra/", "Pulumi.")) or (f.get("pulumi") or {}).get("stack") in REGIONS)]
    assert ours == []
    passed = {f["policy_id"] for f in result["findings"] if f["status"] == "passed"
              and f["file"].startswith("Pulumi.") and f["kind"] == "pulumi-program"}
    assert PULUMI_POLICIES - {"SOV-RES-006"} <= passed  # the graph policies really ran on the stacks


def test_noncompliant_example_stack_trips_every_pulumi_policy(root_result):
    _, result = root_result
    fired = {f["policy_id"] for f in result["findings"] if f["status"] == "failed"
             and f["file"].startswith("examples/noncompliant/pulumi/program/")}
    assert fired == PULUMI_POLICIES


@pytest.mark.parametrize("region", REGIONS)
def test_inventory_of_each_region_from_the_offline_plan(root, region):
    res = CliRunner().invoke(app, ["inventory", region, "--project", str(root)], catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    inv = yaml.safe_load(res.stdout)["all"]
    assert inv["vars"]["sovstack_region"] == region
    bots, storage = inv["children"]["bot_servers"]["hosts"], inv["children"]["storage"]["hosts"]
    assert len(bots) >= 1 and len(storage) == 1
    site = next(s for s in knowledge.sites() if s["id"] == inv["vars"]["sovstack_site"])
    assert site["country"] == "RU"
    cidr = ipaddress.ip_network(inv["vars"]["sovstack_private_cidr"])
    for host in {**bots, **storage}.values():
        assert ipaddress.ip_address(host["ansible_host"]) in cidr
