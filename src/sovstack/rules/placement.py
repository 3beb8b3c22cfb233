"""Where Terraform, Ansible and Pulumi resources and providers are: the residency rules' shared logic."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator

from sovstack.rules import knowledge
from sovstack.rules.locations import (Place, Verdict, attribute_roles, classify_attribute, classify_endpoint,
                                      combine, is_foreign_operator, is_unresolved, operator, operator_for,
                                      operator_verdict)

SNAKE_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def scalar(value: Any) -> Any:
    """HCL values arrive as one-element lists from the checkov/hcl2 parser."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def snake(name: str) -> str:
    return SNAKE_RE.sub("_", name).lower()


class ServiceEndpoint(str):
    """The name of a per-service endpoint (`endpoints { s3 = "..." }`): an endpoint whatever the service is called."""


ENDPOINT_MAPS = ("endpoints", "endpoint_overrides")


def location_evidence(conf: dict[str, Any], oid: str | None, roles: tuple[str, ...] = ("region", "zone", "endpoint"),
                      depth: int = 0) -> Iterator[tuple[str, str, Verdict]]:
    """(attribute, value, verdict) for every location-bearing attribute of a block (one nesting level). The values
    of an `endpoints`/`endpoint_overrides` map are endpoints by position (s3 = "...", ec2 = "...")."""
    table = attribute_roles()
    for key, raw in conf.items():
        if key.startswith("__"):
            continue
        value = scalar(raw)
        name = snake(key)
        if isinstance(value, dict) and depth == 0 and name in (*ENDPOINT_MAPS, "backend"):
            if name in ENDPOINT_MAPS and "endpoint" in roles:
                yield from _service_endpoints(value, oid)
            else:
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


def _service_endpoints(block: dict[str, Any], oid: str | None) -> Iterator[tuple[str, str, Verdict]]:
    for key, raw in block.items():
        value = scalar(raw)
        if key.startswith("__") or not isinstance(value, str) or not value.strip():
            continue
        verdict = classify_attribute("endpoint", value, oid)
        if verdict:
            yield ServiceEndpoint(key), value, verdict


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
        if is_offline_stub(conf):
            return None, None  # placeholder credentials, validation skipped: it reaches no cloud at all
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


PLACEHOLDER_RE = re.compile(r"(?i)mock|fake|dummy|test|example|placeholder|changeme|not.?used|unused|^x+$|^0+$")


def is_offline_stub(conf: dict[str, Any]) -> bool:
    """A provider configured only so that Terraform can evaluate local data sources (aws_iam_policy_document
    rendered for a Yandex Object Storage bucket policy): credential validation skipped and literal placeholder keys
    (`access_key = "mock_access_key"`). With such keys it cannot create anything anywhere."""
    if scalar(conf.get("skip_credentials_validation")) is not True:
        return False
    keys = [scalar(conf.get(k)) for k in ("access_key", "secret_key")]
    return all(isinstance(k, str) and not is_unresolved(k) and PLACEHOLDER_RE.search(k) for k in keys)


def domestic_endpoint(evidence: list[tuple[str, str, Verdict]]) -> tuple[Verdict, str] | None:
    """A foreign SDK aimed only at domestic endpoints (S3-compatible storage in Russia) is domestic."""
    endpoints = [(k, v) for k, _, v in evidence if isinstance(k, ServiceEndpoint)
                 or attribute_roles().get(snake(k)) == "endpoint" or snake(k).endswith(("_url", "endpoint"))]
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
        served = served_domestically(rtype, conf)
        if served is not None:
            return served, "provider"
        attr = next((k for k, _, v in evidence), None)
        return operator_verdict(oid), attr
    if evidence:
        verdict = combine([v for _, _, v in evidence])
        return verdict, next(k for k, _, v in evidence if v is verdict)
    return None, None


# The API an AWS-compatible resource type is served by, where the type's second word is not the endpoint's key
# (registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/custom-service-endpoints).
SERVICE_OF = {"instance": "ec2", "vpc": "ec2", "subnet": "ec2", "security": "ec2", "ebs": "ec2", "volume": "ec2",
              "eip": "ec2", "network": "ec2", "route": "ec2", "internet": "ec2", "nat": "ec2", "key": "ec2",
              "ami": "ec2", "launch": "ec2", "placement": "ec2", "db": "rds", "kinesis": "kinesis",
              "dynamodb": "dynamodb", "sqs": "sqs", "sns": "sns", "iam": "iam", "s3": "s3", "s3control": "s3control",
              "lb": "elbv2", "alb": "elbv2", "elb": "elb", "route53": "route53"}


def served_domestically(rtype: str, conf: dict[str, Any]) -> Verdict | None:
    """A foreign cloud's resource type served by a provider configuration whose endpoint for that service is in
    Russia (the aws provider with `endpoints { s3 = "https://s3.k2.cloud" }`): domestic, with the provider's
    verdict. Only the provider configurations of the resource's own module folder are read."""
    from sovstack import resolve

    sc = resolve.current()
    words = rtype.split("_")
    if sc is None or len(words) < 2:
        return None
    service = SERVICE_OF.get(words[1], words[1])
    ref = scalar(conf.get("provider"))
    ref = str(ref).strip("${} ") if isinstance(ref, str) else words[0]
    name, _, alias = ref.partition(".")
    block = _provider_block(sc, name, alias or None)
    if block is None:
        return None
    endpoints = {str(k).lower(): (k, v, verdict) for k, v, verdict in location_evidence(block, operator_for("terraform",
                 name)) if isinstance(k, ServiceEndpoint)}
    hit = endpoints.get(service)
    if hit is None or hit[2].place is not Place.DOMESTIC:
        return None
    return hit[2]


def _provider_block(sc, name: str, alias: str | None) -> dict[str, Any] | None:
    from sovstack.resolve import hcl as rhcl

    key = ("provider-blocks", str(sc.doc.path.parent))
    if key not in sc.shared:
        found: dict[tuple[str, str | None], dict[str, Any]] = {}
        for path in sc.listdir(sc.doc.path.parent):
            if path.suffix != ".tf":
                continue
            data = rhcl._read_tf(sc, path)
            for block in (data or {}).get("provider") or []:
                for pname, body in (block or {}).items():
                    if isinstance(body, dict):
                        a = scalar(body.get("alias"))
                        found.setdefault((pname, a if isinstance(a, str) else None), body)
        sc.shared[key] = found
    else:
        for path in sc.listdir(sc.doc.path.parent):
            if path.suffix == ".tf":
                sc.depend(path)
    return sc.shared[key].get((name, alias))


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
