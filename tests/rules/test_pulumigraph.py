"""Rules over Pulumi resources (shared by sovstack check and the CrossGuard pack) and the firewall model."""

from __future__ import annotations

import pytest

from sovstack.rules import firewall, pulumigraph


def state(rtype, protect=False, custom=True, **inputs):
    return {"urn": f"urn:pulumi:s::p::{rtype}::r", "type": rtype, "custom": custom, "protect": protect,
            "inputs": inputs}


@pytest.mark.parametrize("rtype, inputs, stateful", [
    ("openstack:blockstorage/volume:Volume", {}, True),
    ("minio:index/s3Bucket:S3Bucket", {}, True),
    ("aws:s3/bucketV2:BucketV2", {}, True),
    ("vsphere:index/virtualDisk:VirtualDisk", {}, True),
    ("aws:rds/instance:Instance", {}, True),
    ("yandex:index/mdbPostgresqlCluster:MdbPostgresqlCluster", {}, True),
    ("proxmoxve:vm/virtualMachine:VirtualMachine", {"disks": [{"size": 20}, {"size": 100}]}, True),
    ("proxmoxve:vm/virtualMachine:VirtualMachine", {"disks": [{"size": 20}]}, False),
    ("openstack:compute/instance:Instance", {}, False),
    ("openstack:compute/volumeAttach:VolumeAttach", {}, False),
    ("minio:index/s3BucketPolicy:S3BucketPolicy", {}, False),
    ("minio:index/ilmPolicy:IlmPolicy", {}, False),
    ("pulumi:providers:openstack", {}, False),
])
def test_stateful_resources(rtype, inputs, stateful):
    assert pulumigraph.is_stateful(state(rtype, **inputs)) is stateful


def test_components_are_never_stateful():
    assert not pulumigraph.is_stateful(state("sovstack:storage:Storage", custom=False))


def test_unprotected_spares_protected_and_retained():
    states = [state("openstack:blockstorage/volume:Volume"), state("openstack:blockstorage/volume:Volume", protect=True),
              {**state("minio:index/s3Bucket:S3Bucket"), "retainOnDelete": True}]
    assert [v.state for v in pulumigraph.unprotected(states)] == [states[0]]


SG_RULE = "openstack:networking/secGroupRule:SecGroupRule"


@pytest.mark.parametrize("inputs, violates", [
    ({"direction": "ingress", "protocol": "tcp", "portRangeMin": 443, "portRangeMax": 443,
      "remoteIpPrefix": "0.0.0.0/0"}, False),
    ({"direction": "ingress", "protocol": "tcp", "portRangeMin": 80, "portRangeMax": 80,
      "remoteIpPrefix": "0.0.0.0/0"}, True),
    ({"direction": "ingress", "protocol": "tcp", "portRangeMin": 22, "portRangeMax": 22,
      "remoteIpPrefix": "10.74.0.0/16"}, False),
    ({"direction": "ingress", "protocol": "tcp", "portRangeMin": 22, "portRangeMax": 22}, True),  # no prefix: anyone
    ({"direction": "ingress", "protocol": "tcp", "portRangeMin": 5432, "portRangeMax": 5432,
      "remoteGroupId": "sg-bots"}, False),
    ({"direction": "ingress", "protocol": "icmp", "remoteIpPrefix": "0.0.0.0/0"}, False),
    ({"direction": "ingress", "remoteIpPrefix": "::/0"}, True),
    ({"direction": "egress", "protocol": "tcp", "remoteIpPrefix": "0.0.0.0/0"}, False),
])
def test_public_ingress_only_https(inputs, violates):
    assert bool(list(pulumigraph.public_ingress([state(SG_RULE, **inputs)]))) is violates


def test_public_ingress_in_inline_groups_and_proxmox_rules():
    yandex = state("yandex:index/vpcSecurityGroup:VpcSecurityGroup", ingresses=[
        {"protocol": "TCP", "port": 443, "v4CidrBlocks": ["0.0.0.0/0"]},
        {"protocol": "TCP", "port": 3389, "v4CidrBlocks": ["0.0.0.0/0"]}])
    proxmox = state("proxmoxve:firewall/rulesLegacy:RulesLegacy", rules=[
        {"type": "in", "action": "ACCEPT", "proto": "tcp", "dport": "443"},
        {"type": "in", "action": "ACCEPT", "proto": "tcp", "dport": "8080", "source": "10.18.0.0/16"},
        {"type": "in", "action": "ACCEPT", "macro": "SSH"},
        {"type": "in", "action": "DROP", "proto": "tcp", "dport": "25"}])
    messages = [v.message for v in pulumigraph.public_ingress([yandex, proxmox])]
    assert len(messages) == 2
    assert "3389" in messages[0] and "22" in messages[1]


@pytest.mark.parametrize("rtype, inputs, violates", [
    ("openstack:networking/secGroup:SecGroup", {}, True),
    ("openstack:networking/secGroup:SecGroup", {"deleteDefaultRules": True}, False),
    (SG_RULE, {"direction": "egress", "protocol": "tcp", "portRangeMin": 443, "portRangeMax": 443,
               "remoteIpPrefix": "0.0.0.0/0"}, True),
    (SG_RULE, {"direction": "egress", "protocol": "tcp", "portRangeMin": 443, "portRangeMax": 443,
               "remoteIpPrefix": "149.154.167.0/24"}, True),  # Telegram's own range
    (SG_RULE, {"direction": "egress", "protocol": "tcp", "portRangeMin": 443, "portRangeMax": 443,
               "remoteIpPrefix": "10.74.0.0/16"}, False),
    (SG_RULE, {"direction": "egress", "protocol": "udp", "portRangeMin": 53, "portRangeMax": 53,
               "remoteIpPrefix": "0.0.0.0/0"}, False),
    ("proxmoxve:firewall/optionsLegacy:OptionsLegacy", {"enabled": True, "outputPolicy": "ACCEPT"}, True),
    ("proxmoxve:firewall/optionsLegacy:OptionsLegacy", {"enabled": True, "outputPolicy": "DROP"}, False),
    ("openstack_networking_secgroup_v2", {"delete_default_rules": True}, False),
])
def test_open_egress(rtype, inputs, violates):
    assert bool(list(pulumigraph.open_egress([state(rtype, **inputs)]))) is violates


def test_messenger_networks_come_from_the_catalogue():
    assert firewall.reaches_messenger("149.154.160.0/20") == "Telegram"
    assert firewall.reaches_messenger("0.0.0.0/0") is not None
    assert firewall.reaches_messenger("95.163.0.0/16") is None  # a Russian range
    assert firewall.reaches_messenger("not-a-cidr") is None


def test_rules_in_terraform_shape_read_the_same():
    rules = firewall.rules_of("openstack_networking_secgroup_rule_v2", {
        "direction": "ingress", "protocol": "tcp", "port_range_min": 8443, "port_range_max": 8443,
        "remote_ip_prefix": "0.0.0.0/0"})
    assert rules == [firewall.Rule("ingress", True, "tcp", (8443, 8443), ("0.0.0.0/0",),
                                   "ingress tcp 8443 from 0.0.0.0/0")]


def test_placement_rules_see_providers_of_resources():
    provider = {"urn": "urn:pulumi:s::p::pulumi:providers:openstack::ovh", "type": "pulumi:providers:openstack",
                "custom": True, "inputs": {"authUrl": "https://auth.cloud.ovh.net/v3"}}
    volume = {**state("openstack:blockstorage/volume:Volume", protect=True), "provider": provider["urn"] + "::id"}
    unknown = {"urn": "urn:pulumi:s::p::pulumi:providers:openstack::x", "type": "pulumi:providers:openstack",
               "custom": True, "inputs": {"authUrl": "https://keystone.somewhere.example:5000"}}
    assert [v.state["urn"] for v in pulumigraph.abroad([provider, volume])] == [provider["urn"]]
    assert [v.state["urn"] for v in pulumigraph.unverified([unknown])] == [unknown["urn"]]


def test_proxmox_macros_lists_ranges_and_disabled_firewalls():
    rules = state("proxmoxve:firewall/rulesLegacy:RulesLegacy", rules=[
        {"type": "in", "action": "ACCEPT", "macro": "HTTPS"},
        {"type": "in", "action": "ACCEPT", "proto": "tcp", "dport": "22", "source": "10.18.0.0/16,10.19.0.0/16"},
        {"type": "in", "action": "ACCEPT", "proto": "tcp", "dport": "22", "source": "10.18.0.5-10.18.0.9"},
        {"type": "out", "action": "ACCEPT", "proto": "tcp", "dport": "443", "dest": "149.154.167.50-149.154.167.51"}])
    assert list(pulumigraph.public_ingress([rules])) == []
    assert ["Telegram" in v.message for v in pulumigraph.open_egress([rules])] == [True]
    disabled = state("proxmoxve:firewall/optionsLegacy:OptionsLegacy", enabled=False, outputPolicy="DROP")
    assert "disabled" in next(pulumigraph.open_egress([disabled])).message


def test_direction_of_one_inline_rule_does_not_leak_into_the_next():
    group = state("openstack_compute_secgroup_v2", rules=[
        {"direction": "egress", "protocol": "tcp", "port": 443, "cidr": "10.0.0.0/8"},
        {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "0.0.0.0/0"}])
    assert len(list(pulumigraph.public_ingress([group]))) == 1


def test_egress_on_mtproto_port_80_counts():
    rule = state(SG_RULE, direction="egress", protocol="tcp", portRangeMin=80, portRangeMax=80,
                 remoteIpPrefix="0.0.0.0/0")
    assert len(list(pulumigraph.open_egress([rule]))) == 1


@pytest.mark.parametrize("rtype, stateful", [
    ("openstack:objectstorage/container:Container", True),
    ("yandex:index/ydbDatabaseServerless:YdbDatabaseServerless", True),
    ("aws:dynamodb/table:Table", True),
    ("aws:ec2/routeTable:RouteTable", False),
    ("docker:index/container:Container", False),
])
def test_more_stateful_kinds(rtype, stateful):
    assert pulumigraph.is_stateful(state(rtype)) is stateful


def test_vm_with_an_attached_kept_disk_is_not_stateful_itself():
    vm = state("vsphere:index/virtualMachine:VirtualMachine",
               disks=[{"label": "os", "size": 40}, {"label": "data", "attach": True, "path": "pg/data.vmdk"}])
    assert not pulumigraph.is_stateful(vm)
    vm["inputs"]["disks"][1] = {"label": "data", "size": 200}
    assert pulumigraph.is_stateful(vm)


def test_ip_set_destinations_are_resolved_in_the_stack_or_unverified():
    rules = state("proxmoxve:firewall/rulesLegacy:RulesLegacy", rules=[
        {"type": "out", "action": "ACCEPT", "proto": "tcp", "dport": "443", "dest": "+dc/proxy"},
        {"type": "out", "action": "ACCEPT", "proto": "tcp", "dport": "443", "dest": "+unknown"}])
    proxy = state("proxmoxve:firewall/ipsetLegacy:IpsetLegacy", name="proxy", cidrs=[{"name": "10.18.0.10/32"}])
    found = [v.message for v in pulumigraph.open_egress([rules, proxy])]
    assert len(found) == 1 and "+unknown" in found[0] and "cannot be verified" in found[0]
    telegram = state("proxmoxve:firewall/ipsetLegacy:IpsetLegacy", name="proxy", cidrs=[{"name": "149.154.167.0/24"}])
    assert any("Telegram" in v.message for v in pulumigraph.open_egress([rules, telegram]))


def test_proxmox_cluster_security_groups_are_read_as_proxmox_rules():
    rule = {"type": "out", "action": "ACCEPT", "proto": "tcp", "dport": "443", "dest": "149.154.160.0/20"}
    for rtype in ("proxmoxve:cluster/firewall/security/groupLegacy:GroupLegacy",
                  "proxmox_virtual_environment_cluster_firewall_security_group"):
        assert ["Telegram" in v.message for v in pulumigraph.open_egress([state(rtype, rules=[rule])])] == [True]
        assert list(pulumigraph.public_ingress([state(rtype, rules=[rule])])) == []
