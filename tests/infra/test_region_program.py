"""infra/__main__.py per region stack under the offline planner's generic mocks: inventory, exports, options."""

from __future__ import annotations

import copy
import ipaddress

import pytest

import config

STACKS = ("chelyabinsk", "udmurtia", "tyumen", "novosibirsk", "nizhny-novgorod")
PLATFORM = {"chelyabinsk": "openstack", "udmurtia": "proxmox", "tyumen": "vsphere", "novosibirsk": "openstack",
            "nizhny-novgorod": "openstack"}
VARS = {"sovstack_region", "sovstack_site", "sovstack_backup_site", "sovstack_s3_endpoint",
        "sovstack_backup_s3_endpoint", "sovstack_private_cidr"}


@pytest.mark.parametrize("stack", STACKS)
def test_inventory_shape_and_addresses(stack, stack_config, run_program):
    cfg = stack_config(stack)
    inventory = run_program(cfg)["inventory"]
    assert set(inventory) == {"region", "site", "platform", "hosts", "vars"}
    assert inventory["platform"] == PLATFORM[stack] and inventory["site"] == cfg["sovstack:site"]
    assert set(inventory["vars"]) == VARS
    cidr = ipaddress.ip_network(inventory["vars"]["sovstack_private_cidr"])
    assert inventory["vars"]["sovstack_backup_site"] == cfg["sovstack:storage"]["backup"]["site"]
    assert inventory["vars"]["sovstack_backup_s3_endpoint"] == cfg["sovstack:storage"]["backup"]["endpoint"]
    hosts = inventory["hosts"]
    assert [h["role"] for h in hosts].count("storage") == 1
    assert [h["role"] for h in hosts].count("bot_server") == cfg["sovstack:botServers"]["count"]
    for h in hosts:
        assert set(h) == {"name", "address", "role", "site"} and h["site"] == inventory["site"]
        address = ipaddress.ip_address(h["address"])
        assert address in cidr and config.is_private(address)
    assert len({h["address"] for h in hosts}) == len(hosts) and len({h["name"] for h in hosts}) == len(hosts)


@pytest.mark.parametrize("stack", STACKS)
def test_every_resource_has_an_explicit_provider_and_a_component_parent(stack, stack_config, run_program, recorder):
    run_program(stack_config(stack))
    custom = [r for r in recorder.all if r.custom and not r.type.startswith("pulumi:providers:")]
    assert custom
    for r in custom:
        assert r.provider, f"{r.name} uses a default provider"
        parent_type = r.parent.split("::")[2].split("$")[-1]
        assert parent_type.startswith("sovstack:"), f"{r.name} is not a child of a component"
    providers = {r.type for r in recorder.all if r.type.startswith("pulumi:providers:")}
    assert providers == {f"pulumi:providers:{'proxmoxve' if PLATFORM[stack] == 'proxmox' else PLATFORM[stack]}",
                         "pulumi:providers:minio"}


@pytest.mark.parametrize("stack", STACKS)
def test_stateful_resources_are_protected(stack, stack_config, run_program, recorder):
    outputs = run_program(stack_config(stack))
    protected = {r.name for r in recorder.all if r.protect}
    assert protected == set(outputs["protected"])
    region = stack_config(stack)["sovstack:region"]
    assert f"{region}-storage-backup" in protected
    assert protected & {f"{region}-storage-pgdata", f"{region}-storage-pg"}, "the database disk is protected"
    assert all(r.protect for r in recorder.of_type("minio:index/s3Bucket:S3Bucket"))


def test_exports_of_a_stack(stack_config, run_program):
    outputs = run_program(stack_config("chelyabinsk"))
    assert outputs["webhook_host"] == "max-bots.gov74.ru"
    assert outputs["buckets"] == ["chelyabinsk-kapremont74-attachments", "chelyabinsk-channel-media"]
    assert outputs["backup"] == {"site": "chelyabinsk-gov-dc2", "endpoint": "https://s3.dc2.gov74.internal:9000",
                                 "bucket": "chelyabinsk-pg-backup", "retention_days": 35}
    assert outputs["database"] == {"name": "chelyabinsk-pg", "address": "10.74.20.5", "data_volume_gb": 200}
    assert outputs["firewall"]["enforced_by"] == "openstack-security-groups"
    egress = [r["cidr"] for rules in outputs["firewall"]["rules"].values() for r in rules
              if r["direction"] == "egress"]
    assert egress and "0.0.0.0/0" not in egress


def test_backup_minio_provider_points_at_the_backup_site(stack_config, run_program, recorder):
    run_program(stack_config("novosibirsk"))
    assert recorder.named("novosibirsk-storage-s3").inputs["minioServer"] == "hb.ru-msk.vkcs.cloud"
    assert recorder.named("novosibirsk-storage-backup-s3").inputs["minioServer"] == "s3.nso.internal:9000"
    assert recorder.named("novosibirsk-openstack").inputs == {"authUrl": "https://infra.mail.ru:35357/v3/",
                                                              "region": "RegionOne"}


def test_tyumen_firewall_is_left_to_ansible(stack_config, run_program, recorder):
    outputs = run_program(stack_config("tyumen"))
    assert outputs["firewall"]["enforced_by"] == "ansible-host-firewall"
    assert set(outputs["firewall"]["rules"]) == {"bot_server", "storage"}
    assert not [r for r in recorder.all if "firewall" in r.type.lower() or "secGroup" in r.type]


def test_invalid_config_stops_before_any_resource(stack_config, run_program, recorder):
    cfg = copy.deepcopy(stack_config("udmurtia"))
    cfg["sovstack:storage"]["backup"]["retentionDays"] = 2
    with pytest.raises(config.ConfigError, match=r"Pulumi\.test\.yaml: sovstack:storage\.backup\.retentionDays"):
        run_program(cfg)
    assert recorder.all == []
