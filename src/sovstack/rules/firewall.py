"""Firewall and security-group rules of any provider, as one model: who may reach a host, and what it may reach.

Reads Pulumi resources (camelCase inputs) and Terraform resources (snake_case) alike: OpenStack security groups
and rules, Yandex Cloud and AWS-style security groups, Proxmox VE firewall rules and options.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

from sovstack.rules import knowledge
from sovstack.rules.placement import snake

ANY_V4 = ipaddress.ip_network("0.0.0.0/0")
ANY_V6 = ipaddress.ip_network("::/0")
HTTPS = 443
MESSENGER_PORTS = (443, 80, 5222)  # Telegram's MTProto servers answer on 443, 80 and 5222; the others on 443


@dataclass(frozen=True)
class Rule:
    direction: str  # ingress | egress
    allow: bool
    protocol: str | None  # tcp, udp, icmp...; None: any
    ports: tuple[int, int] | None  # None: every port
    remotes: tuple[str, ...]  # CIDRs; ("0.0.0.0/0",) when the rule names none
    label: str  # how the rule is written, for messages

    def covers_port(self, port: int) -> bool:
        return self.ports is None or self.ports[0] <= port <= self.ports[1]

    def only_https(self) -> bool:
        return self.protocol in ("tcp", "6") and self.ports == (HTTPS, HTTPS)

    def carries_traffic(self) -> bool:
        return self.protocol not in ("icmp", "icmpv6", "ipv6-icmp", "1", "58")


def _norm(props: dict[str, Any]) -> dict[str, Any]:
    return {snake(str(k)): v for k, v in props.items()} if isinstance(props, dict) else {}


def _class_words(rtype: str) -> str:
    """openstack:networking/secGroupRule:SecGroupRule -> secgrouprule; openstack_networking_secgroup_rule_v2 ->
    networking_secgroup_rule; proxmoxve:firewall/rulesLegacy:RulesLegacy -> firewall_ruleslegacy."""
    if ":" in rtype:
        parts = rtype.split(":")
        return (parts[1].split("/")[0] + "_" + parts[-1]).lower()
    return re.sub(r"_v[0-9]+$", "", rtype.lower())


def _int(value: Any) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _ports(low: Any, high: Any) -> tuple[int, int] | None:
    lo, hi = _int(low), _int(high)
    if lo is None and hi is None:
        return None
    lo = lo if lo is not None else hi
    hi = hi if hi is not None else lo
    if lo in (-1, 0) and hi in (-1, 0, 65535) or (lo, hi) == (1, 65535):
        return None
    return (lo, hi)


def _port_spec(spec: Any) -> tuple[int, int] | None:
    """Proxmox dport / Yandex port: "443", "8000:8080", "80,443" (widest range), "" (all)."""
    if spec in (None, "", "*"):
        return None
    numbers = [int(n) for n in re.findall(r"\d+", str(spec))]
    return (min(numbers), max(numbers)) if numbers else None


def _protocol(value: Any) -> str | None:
    text = str(value).strip().lower() if value not in (None, "") else ""
    return None if text in ("", "any", "all", "-1", "*") else text


def _remotes(*values: Any) -> tuple[str, ...]:
    """CIDRs of a rule; Proxmox-style "a,b" lists and "first-last" ranges are split into networks."""
    out: list[str] = []
    for value in values:
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not isinstance(item, str):
                continue
            for part in (p.strip() for p in item.split(",")):
                if part:
                    out += _range(part)
    return tuple(out)


def _range(text: str) -> list[str]:
    if "-" in text and not text.startswith(("+", "dc/", "guest/")):
        first, _, last = text.partition("-")
        try:
            nets = ipaddress.summarize_address_range(ipaddress.ip_address(first.strip()), ipaddress.ip_address(last.strip()))
            return [str(n) for n in nets]
        except (ValueError, TypeError):
            return [text]
    return [text]


def _direction(value: Any) -> str:
    text = str(value or "").lower()
    return "egress" if text in ("egress", "out", "outbound", "output") else "ingress"


def rules_of(rtype: str, props: dict[str, Any]) -> list[Rule]:
    """Every allow/deny rule a resource declares (empty for resources that are not firewall rules)."""
    words, p = _class_words(rtype), _norm(props)
    low = rtype.lower()
    if "proxmox" in low and "firewall" in low and ("rule" in low or "security" in low):
        return list(_proxmox_rules(p))  # VM/node rules and cluster security groups share one rule shape
    if re.search(r"sec_?group_?rule|security_?group_?rule|securitygroup(ingress|egress)rule", words):
        return list(_single_rule(words, p))
    if re.search(r"sec_?group|security_?group", words):
        return list(_group_rules(p))
    if re.search(r"firewall.*rules", words):
        return list(_proxmox_rules(p))
    return []


def _single_rule(words: str, p: dict[str, Any]) -> Iterator[Rule]:
    direction = _direction(p.get("direction") or p.get("type") or ("egress" if "egress" in words else "ingress"))
    remotes = _remotes(p.get("remote_ip_prefix"), p.get("cidr_ipv4"), p.get("cidr_ipv6"), p.get("cidr_blocks"),
                       p.get("ipv6_cidr_blocks"), p.get("v4_cidr_blocks"), p.get("v6_cidr_blocks"))
    if not remotes:  # a rule naming a peer group reaches only that group; one naming nothing reaches everyone
        peer = p.get("remote_group_id") or p.get("source_security_group_id") or p.get("referenced_security_group_id")
        remotes = ("group",) if peer else ("0.0.0.0/0",)
    ports = _ports(p.get("port_range_min", p.get("from_port")), p.get("port_range_max", p.get("to_port")))
    if p.get("port") is not None:
        ports = _port_spec(p.get("port"))
    protocol = _protocol(p.get("protocol", p.get("ip_protocol")))
    yield Rule(direction, True, protocol, ports, remotes, _label(direction, protocol, ports, remotes))


def _group_rules(p: dict[str, Any]) -> Iterator[Rule]:
    for key, direction in (("ingress", "ingress"), ("ingresses", "ingress"), ("egress", "egress"),
                           ("egresses", "egress"), ("rule", "ingress"), ("rules", "ingress")):
        items = p.get(key)
        for item in items if isinstance(items, list) else [items] if isinstance(items, dict) else []:
            q = _norm(item)
            direction_of_item = _direction(q["direction"]) if "direction" in q else direction
            remotes = _remotes(q.get("cidr_blocks"), q.get("v4_cidr_blocks"), q.get("ipv6_cidr_blocks"),
                               q.get("v6_cidr_blocks"), q.get("cidr"), q.get("remote_ip_prefix")) \
                or (("group",) if q.get("security_group_id") or q.get("security_groups") or q.get("self")
                    or q.get("predefined_target") else ("0.0.0.0/0",))
            ports = _port_spec(q["port"]) if q.get("port") not in (None, -1, "-1") else \
                _ports(q.get("from_port", q.get("port_range_min")), q.get("to_port", q.get("port_range_max")))
            protocol = _protocol(q.get("protocol", q.get("ip_protocol")))
            yield Rule(direction_of_item, True, protocol, ports, remotes,
                       _label(direction_of_item, protocol, ports, remotes))


def _proxmox_rules(p: dict[str, Any]) -> Iterator[Rule]:
    items = p.get("rules", p.get("rule"))
    for item in items if isinstance(items, list) else []:
        q = _norm(item)
        if q.get("enabled") is False or q.get("security_group"):
            continue
        direction = _direction(q.get("type"))
        allow = str(q.get("action", "")).upper() == "ACCEPT"
        remote = q.get("dest") if direction == "egress" else q.get("source")
        remotes = _remotes(remote) or ("0.0.0.0/0",)
        protocol = _protocol(q.get("proto"))
        ports = _port_spec(q.get("dport"))
        if q.get("macro") and ports is None:
            protocol, ports = _macro(str(q["macro"]))
        yield Rule(direction, allow, protocol, ports, remotes, _label(direction, protocol, ports, remotes, q.get("action")))


def _macro(macro: str) -> tuple[str | None, tuple[int, int] | None]:
    """Proxmox VE firewall macros (the common ones; others: any protocol, every port)."""
    known = {"https": ("tcp", (443, 443)), "http": ("tcp", (80, 80)), "ssh": ("tcp", (22, 22)),
             "dns": (None, (53, 53)), "ping": ("icmp", None), "smtp": ("tcp", (25, 25)),
             "postgresql": ("tcp", (5432, 5432)), "mysql": ("tcp", (3306, 3306)), "rdp": ("tcp", (3389, 3389))}
    return known.get(macro.lower(), (None, None))


def _label(direction: str, protocol: str | None, ports: tuple[int, int] | None, remotes: tuple[str, ...],
           action: Any = None) -> str:
    port = "all ports" if ports is None else str(ports[0]) if ports[0] == ports[1] else f"{ports[0]}-{ports[1]}"
    way = "from" if direction == "ingress" else "to"
    verb = f"{str(action).upper()} " if action else ""
    return f"{verb}{direction} {protocol or 'any protocol'} {port} {way} {', '.join(remotes)}"


def default_open_egress(rtype: str, props: dict[str, Any]) -> str | None:
    """Why a resource leaves outbound traffic open by default, or None."""
    words, p = _class_words(rtype), _norm(props)
    if re.search(r"networking_secgroup$|networking_sec_group$", words) and not _true(p.get("delete_default_rules")):
        return "an OpenStack security group keeps its default rules (all egress allowed) unless deleteDefaultRules " \
               "is set"
    if re.search(r"firewall.*options", words):
        if not _true(p.get("enabled", True)):
            return "the Proxmox VE firewall is disabled: every destination is reachable"
        if str(p.get("output_policy") or "ACCEPT").upper() == "ACCEPT":
            return "the Proxmox VE firewall's output policy is ACCEPT: every destination is reachable"
    return None


def _true(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1", "yes")


def _network(text: str):
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def is_public(remote: str) -> bool:
    """A CIDR that reaches beyond private, loopback and link-local space (unparseable names count as public)."""
    if remote == "group":
        return False
    net = _network(remote)
    if net is None:
        return True
    return not (net.is_private or net.is_loopback or net.is_link_local) or net.prefixlen == 0


@lru_cache(maxsize=1)
def messenger_networks() -> list[tuple[str, Any]]:
    out = []
    for mid, info in (knowledge.messengers().get("messengers") or {}).items():
        for cidr in info.get("networks") or []:
            net = _network(str(cidr))
            if net is not None:
                out.append((info.get("name", mid), net))
    return out


def unresolved_remote(remote: str) -> bool:
    """A destination given by name (a Proxmox IP set `+name`, an alias, a host name): what it holds is not known
    from the rule, so it may hold a messenger's addresses."""
    return remote != "group" and _network(remote) is None


def reaches_messenger(remote: str) -> str | None:
    """The foreign messenger whose published addresses an egress destination includes, or None."""
    net = _network(remote)
    if net is None:
        return None
    for name, mnet in messenger_networks():
        if net.version == mnet.version and net.overlaps(mnet):
            return name
    return None
