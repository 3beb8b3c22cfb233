"""Proxmox VE adapter: VMs cloned from a template with cloud-init static addresses and a per-VM firewall."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_proxmoxve as proxmoxve

from providers.base import (INGRESS, FIREWALL_PROXMOX, NetworkHandle, NetworkSpec, ProviderOnce, Rule,
                            ServerHandle, ServerSpec, VolumeHandle)

ANYWHERE = "0.0.0.0/0"


@dataclass
class ProxmoxAdapter(ProviderOnce):
    """Credentials come from PROXMOX_VE_API_TOKEN (or PROXMOX_VE_USERNAME and PROXMOX_VE_PASSWORD) at deploy
    time. The bridge and VLAN are provisioned by the cluster's administrators: host networking is node
    configuration shared by every tenant, so this stack does not change it.

    The VM firewall rules below take effect only while the datacenter-level firewall is enabled
    (Datacenter -> Firewall -> Options). This stack does not switch it on: that setting applies to every node
    and VM of the cluster. The `firewall` stack output repeats this precondition."""

    prefix: str
    endpoint: str
    node_name: str
    first_vm_id: int
    ssh_authorized_keys: tuple[str, ...]
    bridge: str = "vmbr0"
    vlan_id: int | None = None
    datastore: str = "local-lvm"
    admin_user: str = "sovstack"
    cpu_type: str = "x86-64-v2-AES"
    domain: str | None = None
    kind: str = "proxmox"
    firewall: str = FIREWALL_PROXMOX

    def _make_provider(self) -> pulumi.ProviderResource:
        return proxmoxve.Provider(f"{self.prefix}-proxmoxve", endpoint=self.endpoint, insecure=False)

    def network(self, name: str, spec: NetworkSpec, parent: pulumi.Resource) -> NetworkHandle:
        """No platform resource: VMs join the existing bridge/VLAN; rules are applied per VM in server()."""
        return NetworkHandle(spec=spec, firewall=self.firewall)

    def volume(self, name: str, size_gb: int, parent: pulumi.Resource) -> VolumeHandle:
        """A Proxmox disk is part of its VM: server() adds it and protects that VM."""
        return VolumeHandle(name=name, size_gb=size_gb, resource=None, ref=None, protected=False)

    def vm_id(self, spec: ServerSpec) -> int:
        return self.first_vm_id + spec.slot

    def server(self, name: str, spec: ServerSpec, network: NetworkHandle, parent: pulumi.Resource,
               volumes: Sequence[VolumeHandle] = ()) -> ServerHandle:
        if spec.cpus is None or spec.memory_gb is None or not spec.image.isdigit():
            raise ValueError(f"{name}: Proxmox VE needs cpus, memory_gb and a template VM ID as image")
        stateful = bool(volumes)
        vm = proxmoxve.VmLegacy(
            name, node_name=self.node_name, vm_id=self.vm_id(spec), name=spec.hostname,
            description=f"sovstack {spec.role} of {self.prefix}", tags=["sovstack", self.prefix, spec.role],
            clone={"vm_id": int(spec.image), "full": True}, agent={"enabled": True},
            cpu={"cores": spec.cpus, "type": self.cpu_type}, memory={"dedicated": spec.memory_gb * 1024},
            disks=self._disks(spec, volumes), network_devices=[self._nic()],
            initialization=self._cloud_init(spec, network.spec), operating_system={"type": "l26"},
            on_boot=True, started=True, stop_on_destroy=True, protection=stateful,
            opts=self.opts(parent, protect=stateful))
        firewall = self._firewall(name, spec, vm, network.spec.rules[spec.role], parent)
        return ServerHandle(resource=vm, address=spec.address, protected=(name,) if stateful else (),
                            children=(vm, *firewall))

    def _disks(self, spec: ServerSpec, volumes: Sequence[VolumeHandle]) -> list[dict]:
        disks = [{"interface": "scsi0", "datastore_id": self.datastore, "size": spec.disk_gb, "discard": "on",
                  "iothread": True}]
        for i, vol in enumerate(volumes, start=1):
            disks.append({"interface": f"scsi{i}", "datastore_id": self.datastore, "size": vol.size_gb,
                          "discard": "on", "iothread": True, "backup": True})
        return disks

    def _nic(self) -> dict:
        nic = {"bridge": self.bridge, "model": "virtio", "firewall": True}
        if self.vlan_id is not None:
            nic["vlan_id"] = self.vlan_id
        return nic

    def _cloud_init(self, spec: ServerSpec, net: NetworkSpec) -> dict:
        dns = {"servers": list(net.dns_servers)}
        if self.domain:
            dns["domain"] = self.domain
        return {"datastore_id": self.datastore, "dns": dns,
                "ip_configs": [{"ipv4": {"address": f"{spec.address}/{net.prefixlen}", "gateway": net.gateway}}],
                "user_account": {"username": self.admin_user, "keys": list(self.ssh_authorized_keys)}}

    def _firewall(self, name: str, spec: ServerSpec, vm: proxmoxve.VmLegacy, rules: Sequence[Rule],
                  parent: pulumi.Resource) -> list[pulumi.Resource]:
        where = {"node_name": self.node_name, "vm_id": vm.vm_id}
        # ipfilter: the VM may only send from its own address (anti-spoofing); the set must list it.
        ipfilter = proxmoxve.firewall.IpsetLegacy(
            f"{name}-ipfilter", name="ipfilter-net0", comment="sovstack: the VM's own address",
            cidrs=[{"name": spec.address}], **where, opts=self.opts(parent))
        options = proxmoxve.firewall.OptionsLegacy(
            f"{name}-fw-options", enabled=True, input_policy="DROP", output_policy="DROP", ipfilter=True,
            macfilter=True, dhcp=False, ndp=False, radv=False, log_level_in="info", log_level_out="info",
            **where, opts=self.opts(parent))
        rule_set = proxmoxve.firewall.RulesLegacy(
            f"{name}-fw-rules", rules=[self._rule(r) for r in rules], **where, opts=self.opts(parent))
        return [ipfilter, options, rule_set]

    @staticmethod
    def _rule(rule: Rule) -> dict:
        out = {"type": "in" if rule.direction == INGRESS else "out", "action": "ACCEPT", "iface": "net0",
               "comment": rule.description, "log": "nolog"}
        if rule.cidr != ANYWHERE:  # an empty source/destination is "any" in PVE rules
            out["source" if rule.direction == INGRESS else "dest"] = rule.cidr
        if rule.protocol != "any":
            out["proto"] = rule.protocol
        if rule.port is not None:
            out["dport"] = str(rule.port)
        return out
