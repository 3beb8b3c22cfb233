"""Network component on each platform adapter: default-deny rules per role, and who enforces them."""

from __future__ import annotations

import pulumi
import pytest

from components.network import Network
from providers.base import FIREWALL_ANSIBLE, FIREWALL_OPENSTACK, FIREWALL_PROXMOX

ENFORCED_BY = {"openstack": FIREWALL_OPENSTACK, "proxmox": FIREWALL_PROXMOX, "vsphere": FIREWALL_ANSIBLE}
COMPONENT_URN = "urn:pulumi:test::sovstack-regions::pulumi:pulumi:Stack$sovstack:network:Network::{}"


def build(kit, kind: str, name: str, **overrides) -> dict:
    adapter = kit.adapter(kind, name)
    resolved: dict = {}

    @pulumi.runtime.test
    def program():
        net = Network(name, kit.network_args(adapter, **overrides))
        return pulumi.Output.all(net.firewall, net.rules, net.cidr, net.gateway, net.network_id,
                                 net.security_group_ids, net.firewall_note).apply(
            lambda v: resolved.update(zip(("firewall", "rules", "cidr", "gateway", "network_id", "groups", "note"),
                                          v)))

    program()
    return resolved


def flows(rules: list[dict], direction: str) -> set[tuple]:
    return {(r["protocol"], r["port"], r["cidr"]) for r in rules if r["direction"] == direction}


def test_rules_are_the_policy_on_every_platform(kit, kind, recorder):
    out = build(kit, kind, f"net-{kind}")
    assert out["firewall"] == ENFORCED_BY[kind] and out["note"]
    assert out["cidr"] == "10.74.20.0/24" and out["gateway"] == "10.74.20.1"
    bots, storage = out["rules"]["bot_server"], out["rules"]["storage"]
    assert flows(bots, "ingress") == {("tcp", 443, "0.0.0.0/0"), ("tcp", 22, "10.74.250.0/24")}
    assert flows(storage, "ingress") == {("tcp", 5432, "10.74.20.0/24"), ("tcp", 22, "10.74.250.0/24")}
    expected_egress = {("any", None, "10.74.0.0/16"), ("any", None, "10.75.0.0/16"), ("tcp", 3128, "10.74.0.10/32")}
    assert flows(bots, "egress") == flows(storage, "egress") == expected_egress


def test_openstack_security_groups_deny_by_default(kit, recorder):
    out = build(kit, "openstack", "net-os")
    assert out["groups"] == {"bot_server": "net-os-bot-server_id", "storage": "net-os-storage_id"}
    assert out["network_id"] == "net-os_id"
    groups = recorder.of_type("openstack:networking/secGroup:SecGroup")
    assert len(groups) == 2 and all(g.inputs["deleteDefaultRules"] is True for g in groups)
    rules = recorder.of_type("openstack:networking/secGroupRule:SecGroupRule")
    assert len(rules) == 10
    webhook = [r.inputs for r in rules if r.inputs["direction"] == "ingress" and r.inputs.get("portRangeMin") == 443]
    assert webhook == [{"description": "MAX webhook (HTTPS)", "ethertype": "IPv4", "portRangeMin": 443,
                        "portRangeMax": 443, "direction": "ingress", "remoteIpPrefix": "0.0.0.0/0", "protocol": "tcp",
                        "securityGroupId": "net-os-bot-server_id"}]
    egress = [r.inputs for r in rules if r.inputs["direction"] == "egress"]
    assert egress and all(r["remoteIpPrefix"] != "0.0.0.0/0" for r in egress)
    ssh = [r.inputs for r in rules if r.inputs.get("portRangeMin") == 22]
    assert {r["remoteIpPrefix"] for r in ssh} == {"10.74.250.0/24"}


def test_openstack_children_have_the_component_as_parent_and_an_explicit_provider(kit, recorder):
    build(kit, "openstack", "net-parent")
    provider = recorder.named("net-parent-openstack")
    assert provider.inputs == {"authUrl": "https://openstack.gov74.internal:5000/v3", "region": "RegionOne"}
    children = [r for r in recorder.all if r.type.startswith("openstack:")]
    assert children and all(r.parent == COMPONENT_URN.format("net-parent") for r in children)
    assert all(r.provider.split("::")[-2] == "net-parent-openstack" for r in children)


def test_openstack_router_only_with_an_external_network(kit, recorder):
    adapter = kit.adapter("openstack", "net-router")
    adapter.external_network_id = "ext-net-id"

    @pulumi.runtime.test
    def program():
        return Network("net-router", kit.network_args(adapter)).network_id

    program()
    router = recorder.named("net-router-router")
    assert router.inputs["externalNetworkId"] == "ext-net-id"
    assert recorder.named("net-router-router-if").inputs == {"routerId": "net-router-router_id",
                                                             "subnetId": "net-router-subnet_id"}


def test_proxmox_network_creates_no_platform_resource(kit, recorder):
    out = build(kit, "proxmox", "net-pve")
    assert out["network_id"] is None and out["groups"] == {}
    assert [r.type for r in recorder.all] == ["sovstack:network:Network"]
    assert "datacenter-level firewall" in out["note"]


def test_vsphere_network_is_looked_up_and_firewall_left_to_ansible(kit, recorder):
    out = build(kit, "vsphere", "net-vs")
    assert out["network_id"] == "vsphere:index/getNetwork:getNetwork-dvpg-max-bots-172"
    assert out["firewall"] == "ansible-host-firewall" and "nftables" in out["note"]
    assert not [r for r in recorder.all if r.type.startswith("vsphere:index/")]


def test_allow_all_egress_is_refused(kit, recorder):
    with pytest.raises(ValueError, match=r"allow-all egress \(0.0.0.0/0\) is not allowed"):
        build(kit, "openstack", "net-open", egress_cidrs=("10.74.0.0/16", "0.0.0.0/0"))
    assert recorder.of_type("openstack:networking/secGroupRule:SecGroupRule") == []


def test_gateway_outside_the_network_is_refused(kit, recorder):
    with pytest.raises(ValueError, match="gateway 10.9.9.1 is not inside 10.74.20.0/24"):
        build(kit, "proxmox", "net-gw", gateway="10.9.9.1")
