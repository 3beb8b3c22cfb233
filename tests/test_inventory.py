"""`sovstack inventory`: the Ansible hand-off from a stack's outputs (export, stack output, offline plan)."""

from __future__ import annotations

import json

import yaml

INVENTORY = {"region": "chelyabinsk", "site": "chelyabinsk-gov-dc1", "platform": "openstack",
             "hosts": [{"name": "chel-bot-1", "address": "10.74.10.11", "role": "bot_server",
                        "site": "chelyabinsk-gov-dc1"},
                       {"name": "chel-db-1", "address": "10.74.10.21", "role": "storage",
                        "site": "chelyabinsk-gov-dc1"}],
             "vars": {"sovstack_backup_site": "chelyabinsk-gov-dc2"}}


def export(outputs):
    return {"version": 3, "deployment": {"resources": [
        {"urn": "urn:pulumi:chelyabinsk::regions::pulumi:pulumi:Stack::regions-chelyabinsk",
         "type": "pulumi:pulumi:Stack", "outputs": outputs}]}}


def test_inventory_from_stack_export_groups_by_role_and_site(sovstack, tmp_path):
    src = tmp_path / "export.json"
    src.write_text(json.dumps(export({"inventory": INVENTORY})))
    out = tmp_path / "hosts.yml"
    code, _, err = sovstack("inventory", "chelyabinsk", "--from-export", src, "--output", out)
    assert code == 0, err
    inv = yaml.safe_load(out.read_text())
    children = inv["all"]["children"]
    assert children["bot_servers"]["hosts"] == {"chel-bot-1": {"ansible_host": "10.74.10.11", "sovstack_role":
                                                               "bot_server", "sovstack_site": "chelyabinsk-gov-dc1"}}
    assert list(children["storage"]["hosts"]) == ["chel-db-1"]
    assert set(children["site_chelyabinsk_gov_dc1"]["hosts"]) == {"chel-bot-1", "chel-db-1"}
    assert inv["all"]["vars"]["sovstack_region"] == "chelyabinsk"
    assert inv["all"]["vars"]["sovstack_backup_site"] == "chelyabinsk-gov-dc2"
    assert "2 hosts" in err


def test_inventory_from_stack_output_json(sovstack, tmp_path):
    src = tmp_path / "outputs.json"
    src.write_text(json.dumps({"inventory": INVENTORY, "other": 1}))
    code, out, _ = sovstack("inventory", "chelyabinsk", "--from-export", src)
    assert code == 0
    assert "chel-db-1" in yaml.safe_load(out)["all"]["children"]["storage"]["hosts"]


def test_bad_inventory_sources_exit_2_naming_file_and_problem(sovstack, tmp_path):
    cases = {
        "notjson.json": ("{", "not JSON"),
        "nostack.json": (json.dumps({"deployment": {"resources": []}}), "neither a stack export"),
        "nooutput.json": (json.dumps(export({})), "has no `inventory` output"),
        "badaddr.json": (json.dumps(export({"inventory": {**INVENTORY, "hosts": [
            {**INVENTORY["hosts"][0], "address": "not-an-ip"}]}})), "hosts.0.address"),
        "extra.json": (json.dumps(export({"inventory": {**INVENTORY, "surprise": 1}})), "surprise"),
    }
    out = tmp_path / "hosts.yml"
    for name, (text, message) in cases.items():
        (tmp_path / name).write_text(text)
        code, _, err = sovstack("inventory", "x", "--from-export", tmp_path / name, "--output", out)
        assert code == 2, name
        assert name in err and message in err, err
        assert not out.exists()  # nothing half-written


def test_inventory_needs_a_project(sovstack, tmp_path):
    code, _, err = sovstack("inventory", "dev", "--project", tmp_path)
    assert code == 2 and "no Pulumi.yaml" in err
