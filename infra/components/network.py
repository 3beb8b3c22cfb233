"""The private network of a region stack and its default-deny firewall policy, realised by the platform adapter."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

import pulumi

from providers.base import (BOT_SERVER, EGRESS, FIREWALL_NOTES, INGRESS, STORAGE, NetworkHandle, NetworkSpec,
                            PlatformAdapter, Rule)

HTTPS, SSH, POSTGRES = 443, 22, 5432


@dataclass(frozen=True)
class EgressProxySpec:
    address: str
    port: int


@dataclass(frozen=True)
class PublicEgressSpec:
    cidr: str
    port: int
    reason: str


@dataclass(frozen=True)
class NetworkArgs:
    adapter: PlatformAdapter
    cidr: str
    gateway: str
    dns_servers: tuple[str, ...]
    admin_cidr: str
    egress_cidrs: tuple[str, ...]
    webhook_source_cidrs: tuple[str, ...] = ("0.0.0.0/0",)
    egress_proxy: EgressProxySpec | None = None
    public_egress: tuple[PublicEgressSpec, ...] = field(default_factory=tuple)


def firewall_rules(args: NetworkArgs) -> dict[str, tuple[Rule, ...]]:
    """Per role, the only flows allowed. Webhooks from MAX reach bot servers on 443 only; SSH only from the
    admin network; PostgreSQL only from the stack's subnet; egress only to private networks, the egress proxy
    (MAX Bot API, package mirrors) and explicitly listed public networks."""
    admin = Rule(INGRESS, "tcp", args.admin_cidr, SSH, "SSH from the admin network")
    egress = [Rule(EGRESS, "any", cidr, None, "private network") for cidr in args.egress_cidrs]
    if args.egress_proxy:
        egress.append(Rule(EGRESS, "tcp", f"{args.egress_proxy.address}/32", args.egress_proxy.port,
                           "egress proxy"))
    egress += [Rule(EGRESS, "tcp", p.cidr, p.port, p.reason) for p in args.public_egress]
    webhook = [Rule(INGRESS, "tcp", cidr, HTTPS, "MAX webhook (HTTPS)") for cidr in args.webhook_source_cidrs]
    database = Rule(INGRESS, "tcp", args.cidr, POSTGRES, "PostgreSQL from the bot servers' subnet")
    return {BOT_SERVER: tuple([*webhook, admin, *egress]), STORAGE: tuple([database, admin, *egress])}


def _check(args: NetworkArgs, rules: dict[str, tuple[Rule, ...]]) -> None:
    for role, role_rules in rules.items():
        for rule in role_rules:
            if rule.direction == EGRESS and ipaddress.ip_network(rule.cidr).prefixlen == 0:
                raise ValueError(f"{role}: allow-all egress ({rule.cidr}) is not allowed")
            if rule.direction == INGRESS and rule.port not in (HTTPS, SSH, POSTGRES):
                raise ValueError(f"{role}: ingress on port {rule.port} is not part of the policy")
    if ipaddress.ip_address(args.gateway) not in ipaddress.ip_network(args.cidr):
        raise ValueError(f"gateway {args.gateway} is not inside {args.cidr}")


class Network(pulumi.ComponentResource):
    """Private network (where the platform has one), default-deny rules per role, and who enforces them."""

    handle: NetworkHandle
    cidr: pulumi.Output[str]
    gateway: pulumi.Output[str]
    network_id: pulumi.Output[str | None]
    firewall: pulumi.Output[str]
    firewall_note: pulumi.Output[str]
    rules: pulumi.Output[dict]
    security_group_ids: pulumi.Output[dict]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("sovstack:network:Network", name, None, opts)
        rules = firewall_rules(args)
        _check(args, rules)
        spec = NetworkSpec(cidr=args.cidr, gateway=args.gateway, dns_servers=tuple(args.dns_servers), rules=rules)
        self.handle = args.adapter.network(name, spec, parent=self)
        self.cidr = pulumi.Output.from_input(args.cidr)
        self.gateway = pulumi.Output.from_input(args.gateway)
        self.network_id = pulumi.Output.from_input(self.handle.network_id)
        self.firewall = pulumi.Output.from_input(self.handle.firewall)
        self.firewall_note = pulumi.Output.from_input(FIREWALL_NOTES[self.handle.firewall])
        self.rules = pulumi.Output.from_input({role: [r.as_dict() for r in rs] for role, rs in rules.items()})
        self.security_group_ids = pulumi.Output.from_input(dict(self.handle.security_groups))
        self.register_outputs({"cidr": self.cidr, "gateway": self.gateway, "network_id": self.network_id,
                               "firewall": self.firewall, "firewall_note": self.firewall_note, "rules": self.rules,
                               "security_group_ids": self.security_group_ids})
