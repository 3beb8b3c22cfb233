"""BotServer component on each platform adapter: fixed address, image, firewall attachment."""

from __future__ import annotations

import pulumi

from components.bot_server import BotServer, BotServerArgs
from components.network import Network
from providers.base import ServerSpec

VM_TYPE = {"openstack": "openstack:compute/instance:Instance", "proxmox": "proxmoxve:index/vmLegacy:VmLegacy",
           "vsphere": "vsphere:index/virtualMachine:VirtualMachine"}


def build(kit, kind: str, name: str, address: str = "10.74.20.11", slot: int = 2) -> dict:
    adapter = kit.adapter(kind, name)
    resolved: dict = {}

    @pulumi.runtime.test
    def program():
        net = Network(f"{name}-net", kit.network_args(adapter))
        server = ServerSpec(hostname=f"{name}-host", role="bot_server", address=address, disk_gb=40, slot=slot,
                            **kit.sizing(kind))
        bot = BotServer(name, BotServerArgs(adapter=adapter, network=net.handle, server=server))
        return pulumi.Output.all(bot.hostname, bot.address, bot.role, bot.server_id, bot.firewall, bot.rules).apply(
            lambda v: resolved.update(zip(("hostname", "address", "role", "server_id", "firewall", "rules"), v)))

    program()
    return resolved


def test_outputs_on_every_platform(kit, kind, recorder):
    out = build(kit, kind, f"bot-{kind}")
    assert out["hostname"] == f"bot-{kind}-host" and out["address"] == "10.74.20.11"
    assert out["role"] == "bot_server" and out["server_id"] == f"bot-{kind}-vm_id"
    ingress = {(r["port"], r["cidr"]) for r in out["rules"] if r["direction"] == "ingress"}
    assert ingress == {(443, "0.0.0.0/0"), (22, "10.74.250.0/24")}
    vm = recorder.named(f"bot-{kind}-vm")
    assert vm.type == VM_TYPE[kind] and vm.protect is False
    assert vm.parent == f"urn:pulumi:test::sovstack-regions::pulumi:pulumi:Stack$sovstack:compute:BotServer::bot-{kind}"
    assert vm.provider, "every platform resource names its explicit provider"


def test_openstack_fixed_ip_port_in_the_bot_security_group(kit, recorder):
    build(kit, "openstack", "bot-os")
    port = recorder.named("bot-os-vm-port").inputs
    assert port["fixedIps"] == [{"ipAddress": "10.74.20.11", "subnetId": "bot-os-net-subnet_id"}]
    assert port["securityGroupIds"] == ["bot-os-net-bot-server_id"]
    vm = recorder.named("bot-os-vm").inputs
    assert vm["networks"] == [{"port": "bot-os-vm-port_id"}] and vm["flavorName"] == "m1.medium"
    assert vm["blockDevices"][0]["uuid"] == kit.sizing("openstack")["image"]
    assert vm["blockDevices"][0]["volumeSize"] == 40 and vm["keyPair"] == "ops"


def test_proxmox_cloud_init_address_and_drop_policies(kit, recorder):
    build(kit, "proxmox", "bot-pve")
    vm = recorder.named("bot-pve-vm").inputs
    assert vm["vmId"] == 1802 and vm["clone"] == {"vmId": 9001, "full": True}
    assert vm["initialization"]["ipConfigs"] == [{"ipv4": {"address": "10.74.20.11/24", "gateway": "10.74.20.1"}}]
    assert vm["networkDevices"][0]["firewall"] is True and vm["networkDevices"][0]["vlanId"] == 218
    options = recorder.named("bot-pve-vm-fw-options").inputs
    assert (options["enabled"], options["inputPolicy"], options["outputPolicy"]) == (True, "DROP", "DROP")
    assert options["vmId"] == 1802
    assert recorder.named("bot-pve-vm-ipfilter").inputs["cidrs"] == [{"name": "10.74.20.11"}]
    rules = recorder.named("bot-pve-vm-fw-rules").inputs["rules"]
    webhook = [r for r in rules if r["type"] == "in" and r.get("dport") == "443"]
    assert len(webhook) == 1 and "source" not in webhook[0]  # PVE: no source = any
    assert all(r.get("dest") for r in rules if r["type"] == "out"), "every egress rule names its destination"


def test_vsphere_clone_with_static_ip(kit, recorder):
    build(kit, "vsphere", "bot-vs")
    vm = recorder.named("bot-vs-vm").inputs
    customize = vm["clone"]["customize"]
    assert customize["networkInterfaces"] == [{"ipv4Address": "10.74.20.11", "ipv4Netmask": 24}]
    assert customize["ipv4Gateway"] == "10.74.20.1" and customize["linuxOptions"]["hostName"] == "bot-vs-host"
    assert vm["clone"]["templateUuid"] == "vsphere:index/getVirtualMachine:getVirtualMachine-astra-1.7.5-template"
    assert vm["resourcePoolId"].endswith("gov-cluster-01/Resources") and vm["numCpus"] == 2 and vm["memory"] == 4096
    assert recorder.named("bot-vs-vsphere").inputs["vsphereServer"] == "vcenter.tyumen.internal"
