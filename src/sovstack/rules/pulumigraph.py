"""Rules over a Pulumi stack's resources, shared by the catalogue's checks and the CrossGuard policy pack.

Each rule takes resource states in the shape of `pulumi stack export` (type, urn, inputs, provider, protect,
...) and yields Violations; callers decide how to report them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from sovstack.rules import firewall, pulumistate
from sovstack.rules.locations import Place

STATEFUL_LAST_WORDS = {"volume", "disk", "bucket", "database", "share", "filesystem", "snapshot", "backup",
                       "vault", "fileshare", "nfsshare", "container", "table", "serverless", "dedicated"}
NOT_STATEFUL_MODULES = re.compile(r"(docker|kubernetes|compute|ecs|container(service|registry)?$|lambda)", re.I)
DATABASE_MODULE = re.compile(r"(rds|sql|mdb|database|postgres|mysql|mongo|redis|clickhouse|dbaas|db)", re.I)
DATABASE_LAST_WORDS = {"instance", "cluster", "server"}
VM_LAST_WORDS = {"machine", "vm", "instance", "server", "vm2"}
DISK_KEYS = ("disks", "disk", "dataDisks", "data_disks", "blockDevices", "block_devices", "virtualDisks")


@dataclass
class Violation:
    state: dict
    message: str


def _pairs(states: Iterable[dict]) -> list[tuple[dict, dict]]:
    return [(s, s) for s in states if isinstance(s, dict) and isinstance(s.get("type"), str)]


def abroad(states: Iterable[dict]) -> Iterator[Violation]:
    """Resources and providers placed outside Russia (SOV-RES-005)."""
    for _, state, verdict, own in pulumistate.verdicts_of(_pairs(states)):
        if verdict is not None and own and verdict.place is Place.ABROAD:
            yield Violation(state, f"{state['type']} is abroad: {verdict.reason}")


def unverified(states: Iterable[dict]) -> Iterator[Violation]:
    """Resources and providers whose location cannot be verified (SOV-LOC-003)."""
    for _, state, verdict, own in pulumistate.verdicts_of(_pairs(states)):
        if verdict is not None and own and verdict.place in (Place.UNKNOWN, Place.UNRESOLVED):
            yield Violation(state, f"{state['type']}: location not verified: {verdict.reason}")


def _class_words(rtype: str) -> list[str]:
    name = rtype.rsplit(":", 1)[-1]
    words = [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+", name)]
    while words and (re.fullmatch(r"v?[0-9]+", words[-1]) or words[-1] in ("legacy", "v")):
        words.pop()
    return words


def _owned(disk: Any) -> bool:
    """A disk the VM owns: deleted with it. An attached existing disk (vSphere `attach`) or one kept on removal
    is a resource of its own and judged as such."""
    if not isinstance(disk, dict):
        return True
    return not any(disk.get(k) in (True, "true") for k in ("attach", "keepOnRemove", "keep_on_remove"))


def _disk_count(inputs: dict[str, Any]) -> int:
    count = 0
    for key in DISK_KEYS:
        value = inputs.get(key)
        disks = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        count += sum(_owned(d) for d in disks)
    return count


def is_stateful(state: dict) -> bool:
    """A resource whose deletion loses data: volumes, disks, buckets, databases, VMs with data disks."""
    rtype = state.get("type", "")
    if state.get("custom") is False or rtype.startswith("pulumi:") or ":" not in rtype:
        return False
    words = _class_words(rtype)
    if not words:
        return False
    last = words[-1]
    module = rtype.split(":")[1] if rtype.count(":") >= 2 else ""
    if last in ("container", "table", "serverless", "dedicated"):
        # Swift containers and database tables hold data; Docker/Kubernetes containers do not
        if NOT_STATEFUL_MODULES.search(module.split("/")[0]):
            return False
        if last == "container":
            return "storage" in module.lower()
        return bool(DATABASE_MODULE.search(module)) or "database" in words
    if last in STATEFUL_LAST_WORDS:
        return True
    if last in DATABASE_LAST_WORDS and DATABASE_MODULE.search(module + " " + " ".join(words[:-1])):
        return True
    inputs = state.get("inputs") if isinstance(state.get("inputs"), dict) else {}
    return last in VM_LAST_WORDS and _disk_count(inputs) > 1


def unprotected(states: Iterable[dict]) -> Iterator[Violation]:
    """Stateful resources that `pulumi destroy` or a replacement would delete with their data (SOV-RES-008)."""
    for state in states:
        if isinstance(state, dict) and is_stateful(state) and not (state.get("protect") or state.get("retainOnDelete")):
            yield Violation(state, f"{state['type']} holds data but is not protected: set protect=True (or "
                                   "retainOnDelete=True) so that no destroy or replacement deletes it")


def public_ingress(states: Iterable[dict]) -> Iterator[Violation]:
    """Firewall rules that open anything but HTTPS (the webhook) to the internet (SOV-NET-001)."""
    for state in states:
        if not isinstance(state, dict) or not isinstance(state.get("type"), str):
            continue
        for rule in firewall.rules_of(state["type"], state.get("inputs") or {}):
            if rule.direction == "ingress" and rule.allow and rule.carries_traffic() and not rule.only_https() \
                    and any(firewall.is_public(r) for r in rule.remotes):
                yield Violation(state, f"{rule.label}: only HTTPS (tcp 443, the bot webhook) may be open to public "
                                       "addresses")


def _ip_sets(states: list[dict]) -> dict[str, list[str]]:
    """Proxmox VE IP sets declared in the same stack: name -> CIDRs."""
    out: dict[str, list[str]] = {}
    for state in states:
        if isinstance(state, dict) and "ipset" in str(state.get("type", "")).lower():
            inputs = state.get("inputs") or {}
            cidrs = [c.get("name") if isinstance(c, dict) else c for c in inputs.get("cidrs") or []]
            if isinstance(inputs.get("name"), str):
                out[inputs["name"]] = [c for c in cidrs if isinstance(c, str)]
    return out


def _expand(remote: str, ip_sets: dict[str, list[str]]) -> list[str]:
    """`+dc/name` or `+name` -> the IP set's CIDRs when the stack declares it; anything else unchanged."""
    if remote.startswith("+"):
        name = remote[1:].split("/", 1)[-1]
        if name in ip_sets:
            return ip_sets[name] or [remote]
    return [remote]


def open_egress(states: Iterable[dict]) -> Iterator[Violation]:
    """Firewalls that let hosts reach foreign messengers' servers (SOV-NET-002)."""
    states = list(states)
    ip_sets = _ip_sets(states)
    for state in states:
        if not isinstance(state, dict) or not isinstance(state.get("type"), str):
            continue
        inputs = state.get("inputs") or {}
        why = firewall.default_open_egress(state["type"], inputs)
        if why:
            yield Violation(state, f"{why}; foreign messengers' servers are reachable")
        for rule in firewall.rules_of(state["type"], inputs):
            if rule.direction != "egress" or not rule.allow or not rule.carries_traffic() \
                    or not any(rule.covers_port(port) for port in firewall.MESSENGER_PORTS):
                continue
            for remote in (r for given in rule.remotes for r in _expand(given, ip_sets)):
                messenger = firewall.reaches_messenger(remote)
                if messenger:
                    yield Violation(state, f"{rule.label} lets hosts reach {messenger} ({remote} includes its "
                                           "published addresses)")
                    break
                if firewall.unresolved_remote(remote):
                    yield Violation(state, f"{rule.label}: destination {remote} is a name, not an address range; "
                                           "whether it excludes foreign messengers cannot be verified")
                    break


RULES = {
    "SOV-RES-005": abroad,
    "SOV-LOC-003": unverified,
    "SOV-RES-008": unprotected,
    "SOV-NET-001": public_ingress,
    "SOV-NET-002": open_egress,
}
