"""The one interface every platform adapter implements, and the plain data components hand to adapters."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import pulumi

INGRESS = "ingress"
EGRESS = "egress"
BOT_SERVER = "bot_server"
STORAGE = "storage"
ROLES = (BOT_SERVER, STORAGE)

# Who enforces the firewall rules of a stack, exported so that reviewers and Ansible know.
FIREWALL_OPENSTACK = "openstack-security-groups"
FIREWALL_PROXMOX = "proxmox-vm-firewall"
FIREWALL_ANSIBLE = "ansible-host-firewall"
FIREWALL_NOTES = {
    FIREWALL_OPENSTACK: "security groups on every port, OpenStack's default allow-all egress rules deleted",
    FIREWALL_PROXMOX: "per-VM firewall, input and output policy DROP; takes effect only while the "
                      "datacenter-level firewall is enabled, which this stack does not manage",
    FIREWALL_ANSIBLE: "vSphere has no guest firewall resource: Ansible renders these rules into the host "
                      "firewall (nftables) of every VM",
}


@dataclass(frozen=True)
class Rule:
    """One allowed flow. Everything not allowed is dropped (default-deny both ways)."""

    direction: str  # ingress | egress
    protocol: str  # tcp | udp | any
    cidr: str  # the remote side
    port: int | None = None
    description: str = ""

    @property
    def slug(self) -> str:
        """Stable part of a resource name: the same rule keeps its name when others are added or removed."""
        net = self.cidr.replace(".", "-").replace("/", "-")
        return f"{'in' if self.direction == INGRESS else 'out'}-{self.protocol}-{self.port or 'all'}-{net}"

    def as_dict(self) -> dict:
        return {"direction": self.direction, "protocol": self.protocol, "cidr": self.cidr, "port": self.port,
                "description": self.description}


@dataclass(frozen=True)
class NetworkSpec:
    cidr: str
    gateway: str
    dns_servers: tuple[str, ...]
    rules: Mapping[str, tuple[Rule, ...]]  # role -> rules

    @property
    def prefixlen(self) -> int:
        return ipaddress.ip_network(self.cidr).prefixlen

    @property
    def netmask(self) -> str:
        return str(ipaddress.ip_network(self.cidr).netmask)


@dataclass(frozen=True)
class NetworkHandle:
    """What a server needs from the network: ids where the platform has them, and the rules per role."""

    spec: NetworkSpec
    firewall: str
    network_id: pulumi.Output[str] | None = None
    subnet_id: pulumi.Output[str] | None = None
    security_groups: Mapping[str, pulumi.Output[str]] = field(default_factory=dict)
    children: tuple[pulumi.Resource, ...] = ()


@dataclass(frozen=True)
class ServerSpec:
    """A VM. slot is its stable number within the stack (0 = database, 1.. = bot servers): adapters derive
    platform ids from it (the Proxmox VM ID)."""

    hostname: str
    role: str
    address: str
    disk_gb: int
    image: str
    slot: int
    flavor: str | None = None
    cpus: int | None = None
    memory_gb: int | None = None


@dataclass(frozen=True)
class VolumeHandle:
    """A data disk. resource is None where the disk lives inside the VM definition (Proxmox VE): then the VM
    that carries it is protected instead."""

    name: str
    size_gb: int
    resource: pulumi.CustomResource | None
    ref: pulumi.Output[str] | None  # the id (OpenStack) or vmdk path (vSphere) a server attaches
    protected: bool


@dataclass(frozen=True)
class ServerHandle:
    resource: pulumi.CustomResource
    address: str
    protected: tuple[str, ...] = ()  # logical names of resources created with protect=True
    children: tuple[pulumi.Resource, ...] = ()


class PlatformAdapter(Protocol):
    """A platform (OpenStack, Proxmox VE, vSphere). Methods create resources under `parent` and never read
    config; the adapter got its platform settings when it was built."""

    kind: str
    firewall: str

    def provider(self) -> pulumi.ProviderResource:
        """The explicit provider (created on first use), pointed at the site's management endpoint."""
        ...

    def network(self, name: str, spec: NetworkSpec, parent: pulumi.Resource) -> NetworkHandle: ...

    def volume(self, name: str, size_gb: int, parent: pulumi.Resource) -> VolumeHandle: ...

    def server(self, name: str, spec: ServerSpec, network: NetworkHandle, parent: pulumi.Resource,
               volumes: Sequence[VolumeHandle] = ()) -> ServerHandle: ...


class ProviderOnce:
    """Mixin: build the provider resource once, lazily (nothing is created at import or construction)."""

    _provider: pulumi.ProviderResource | None = None

    def provider(self) -> pulumi.ProviderResource:
        if self._provider is None:
            self._provider = self._make_provider()
        return self._provider

    def _make_provider(self) -> pulumi.ProviderResource:
        raise NotImplementedError

    def opts(self, parent: pulumi.Resource, *, protect: bool = False,
             depends_on: Sequence[pulumi.Resource] = ()) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=parent, provider=self.provider(), protect=protect,
                                      depends_on=list(depends_on) or None)
