"""Where Terraform, Ansible and Pulumi resources and providers are: the residency rules' shared logic."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator

from sovstack.rules import knowledge
from sovstack.rules.locations import (Place, Verdict, attribute_roles, classify_attribute, classify_endpoint,
                                      combine, is_foreign_operator, operator, operator_for, operator_verdict)

SNAKE_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def scalar(value: Any) -> Any:
    """HCL values arrive as one-element lists from the checkov/hcl2 parser."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def snake(name: str) -> str:
    return SNAKE_RE.sub("_", name).lower()


def location_evidence(conf: dict[str, Any], oid: str | None, roles: tuple[str, ...] = ("region", "zone", "endpoint"),
                      depth: int = 0) -> Iterator[tuple[str, str, Verdict]]:
    """(attribute, value, verdict) for every location-bearing attribute of a block (one nesting level)."""
    table = attribute_roles()
    for key, raw in conf.items():
        if key.startswith("__"):
            continue
        value = scalar(raw)
        name = snake(key)
        if isinstance(value, dict) and depth == 0 and name in ("endpoints", "endpoint_overrides", "backend"):
            yield from location_evidence(value, oid, roles, depth + 1)
            continue
        if isinstance(value, list) and all(isinstance(v, str) for v in value) and table.get(name) in ("zone", "region"):
            for v in value:
                verdict = classify_attribute(name, v, oid)
                if verdict:
                    yield key, v, verdict
            continue
        if not isinstance(value, str) or table.get(name) not in roles:
            continue
        verdict = classify_attribute(name, value, oid)
        if verdict:
            yield key, value, verdict


@lru_cache(maxsize=4)
def platforms(tool: str) -> dict[str, list[str]]:
    return (knowledge.locations().get("platforms") or {}).get(tool) or {}


def provider_verdict(tool: str, name: str, conf: dict[str, Any]) -> tuple[Verdict | None, str | None]:
    """Where a provider configuration points, with the attribute that shows it (None: says nothing)."""
    oid = operator_for(tool, name)
    evidence = list(location_evidence(conf, oid))
    if oid and is_foreign_operator(oid):
        domestic = domestic_endpoint(evidence)
        if domestic:  # e.g. the aws provider pointed at Yandex Object Storage
            return domestic
        attr = next((k for k, _, v in evidence if v.place is Place.ABROAD), None)
        return operator_verdict(oid), attr
    platform_attrs = platforms(tool).get(name)
    if platform_attrs is not None:
        evidence += [(k, scalar(conf[k]), classify_endpoint(str(scalar(conf[k]))))
                     for k in platform_attrs if k in conf and isinstance(scalar(conf[k]), str)
                     and all(k != e[0] for e in evidence)]
        if not any(k in platform_attrs or attribute_roles().get(snake(k)) == "endpoint" for k, _, _ in evidence) \
                and not any(v.place is Place.ABROAD for _, _, v in evidence):
            # region and zone names of a self-hosted platform are free text ("RegionOne"): only its endpoint places it
            return Verdict(Place.UNKNOWN, f"{name} provider names no endpoint: its site cannot be verified"), None
        evidence = [e for e in evidence if e[0] in platform_attrs or attribute_roles().get(snake(e[0])) == "endpoint"
                    or e[2].place is Place.ABROAD]
    if evidence:
        verdict = combine([v for _, _, v in evidence])
        attr = next(k for k, _, v in evidence if v is verdict)
        return verdict, attr
    if oid:
        default = operator(oid)[1].get("default_country")
        if default:
            return Verdict(Place.DOMESTIC if default == "RU" else Place.ABROAD,
                           f"{operator(oid)[1]['name']} default endpoint is in {default}", default, oid), None
        return Verdict(Place.UNKNOWN, f"{operator(oid)[1]['name']}: no region or endpoint given", None, oid), None
    return None, None


def domestic_endpoint(evidence: list[tuple[str, str, Verdict]]) -> tuple[Verdict, str] | None:
    """A foreign SDK aimed only at domestic endpoints (S3-compatible storage in Russia) is domestic."""
    endpoints = [(k, v) for k, _, v in evidence if attribute_roles().get(snake(k)) == "endpoint"
                 or snake(k).endswith(("_url", "endpoint"))]
    if endpoints and all(v.place is Place.DOMESTIC for _, v in endpoints):
        return endpoints[0][1], endpoints[0][0]
    return None


def resource_prefix_operator(tool: str, rtype: str) -> str | None:
    """Operator owning a Terraform resource type by its provider prefix (aws_, google_, hcloud_ ...)."""
    prefix = rtype.split("_", 1)[0]
    oid = operator_for(tool, prefix)
    if oid is None and prefix == "google":
        oid = operator_for(tool, "google")
    return oid


def resource_verdict(rtype: str, conf: dict[str, Any]) -> tuple[Verdict | None, str | None]:
    oid = resource_prefix_operator("terraform", rtype)
    evidence = list(location_evidence(conf, oid, roles=("region", "zone")))
    if oid and is_foreign_operator(oid):
        attr = next((k for k, _, v in evidence), None)
        return operator_verdict(oid), attr
    if evidence:
        verdict = combine([v for _, _, v in evidence])
        return verdict, next(k for k, _, v in evidence if v is verdict)
    return None, None


STATEFUL_WORDS = ("instance", "server", "volume", "disk", "bucket", "database", "db", "cluster", "storage",
                  "backup", "snapshot", "replica", "vm", "machine", "virtual_machine", "object", "log", "queue",
                  "redis", "postgres", "mysql", "mongodb", "clickhouse", "kafka", "opensearch", "elasticsearch",
                  "share", "filesystem", "image")


def holds_data_or_compute(rtype: str) -> bool:
    words = set(rtype.lower().replace("-", "_").replace(":", "_").replace("/", "_").split("_"))
    return bool(words & set(STATEFUL_WORDS))


@lru_cache(maxsize=1)
def _short_ansible() -> list[tuple[str, re.Pattern[str]]]:
    table = knowledge.locations().get("ansible_short_modules") or {}
    return [(oid, re.compile(p)) for oid, pats in table.items() for p in pats]


def ansible_module_operator(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) >= 3:
        return operator_for("ansible", ".".join(parts[:2]))
    for oid, rx in _short_ansible():
        if rx.search(module):
            return oid
    return None


def pulumi_package(rtype: str) -> str | None:
    """aws:s3/bucket:Bucket -> aws; pulumi:providers:aws -> aws; components and the stack -> None."""
    parts = rtype.split(":")
    if rtype.startswith("pulumi:providers:"):
        return parts[2]
    if parts[0] == "pulumi" or len(parts) < 2:
        return None
    return parts[0]


def terraform_locations(doc) -> Iterator[tuple[Any, Verdict]]:
    """(DataLocation fact, verdict) of every provider, stateful resource and state backend of a Terraform file."""
    from sovstack.facts import DataLocation
    from sovstack.rules.backends import backends

    data = doc.data[0] if doc.data else {}
    for block in data.get("provider") or []:
        for name, conf in block.items():
            verdict, attr = provider_verdict("terraform", name, conf if isinstance(conf, dict) else {})
            if verdict is not None:
                yield DataLocation(line=conf.get("__start_line__"), resource=f"provider.{name}", how="provider",
                                   provider=verdict.operator or name, region=verdict.value, store="provider",
                                   chain=list(verdict.chain)), verdict
    for block in data.get("resource") or []:
        for rtype, named in block.items():
            for rname, conf in (named or {}).items():
                if not isinstance(conf, dict) or not holds_data_or_compute(rtype):
                    continue
                verdict, attr = resource_verdict(rtype, conf)
                if verdict is not None:
                    yield DataLocation(line=conf.get("__start_line__"), resource=f"{rtype}.{rname}", how="resource",
                                       provider=verdict.operator, region=verdict.value, store="resource",
                                       chain=list(verdict.chain)), verdict
    for b in backends(doc):
        yield DataLocation(line=b.start, resource=f"backend.{b.kind}", how="backend", store="state",
                           chain=list(b.verdict.chain)), b.verdict


def _register() -> None:
    from sovstack.facts import extractor

    @extractor("terraform")
    def terraform_facts(doc, ws):
        return [fact for fact, _ in terraform_locations(doc)]


_register()
