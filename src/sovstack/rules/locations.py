"""Classifies providers, regions, zones and endpoints as domestic, abroad, unknown or unresolved."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from sovstack.rules import knowledge

UNRESOLVED_RE = re.compile(r"\$\{|\{\{|\bvar\.|\blocal\.|\bmodule\.|\bdata\.|\$[A-Za-z_]|<[^>]+>")


class Place(StrEnum):
    DOMESTIC = "domestic"
    ABROAD = "abroad"
    UNKNOWN = "unknown"  # a value the catalogue does not know
    UNRESOLVED = "unresolved"  # a variable or expression: not known until deploy time


@dataclass(frozen=True)
class Verdict:
    place: Place
    reason: str
    country: str | None = None
    operator: str | None = None
    chain: tuple = ()  # sovstack.facts.Origin links a resolved value came through
    value: str | None = None  # the resolved value judged, when it was given by a variable


def _loc() -> dict[str, Any]:
    return knowledge.locations()


def _match_name(table: dict[str, str], value: str) -> str | None:
    if value in table:
        return table[value]
    for key, country in table.items():
        if key.startswith("re:") and re.match(key[3:], value):
            return country
    return None


def is_unresolved(value: str) -> bool:
    return bool(UNRESOLVED_RE.search(value))


def _verdict(country: str | None, reason: str, operator: str | None) -> Verdict:
    if country is None:
        return Verdict(Place.UNKNOWN, reason, None, operator)
    place = Place.DOMESTIC if country == "RU" else Place.ABROAD
    return Verdict(place, reason, country, operator)


@lru_cache(maxsize=1)
def provider_index() -> dict[tuple[str, str], str]:
    """(tool, provider name) -> operator id for terraform providers, pulumi packages, ansible collections."""
    out: dict[tuple[str, str], str] = {}
    for group in ("operators", "foreign"):
        for oid, op in (_loc().get(group) or {}).items():
            for tool, field in (("terraform", "terraform_providers"), ("pulumi", "pulumi_packages"),
                                ("ansible", "ansible_collections")):
                for name in op.get(field) or []:
                    out[(tool, name)] = oid
    return out


def operator(oid: str) -> tuple[str, dict[str, Any]]:
    """('operators'|'foreign', data) for an operator id."""
    for group in ("operators", "foreign"):
        ops = _loc().get(group) or {}
        if oid in ops:
            return group, ops[oid]
    raise KeyError(oid)


def operator_for(tool: str, name: str) -> str | None:
    return provider_index().get((tool, name))


def is_foreign_operator(oid: str | None) -> bool:
    return bool(oid) and operator(oid)[0] == "foreign"


def operator_verdict(oid: str) -> Verdict:
    group, op = operator(oid)
    if group == "foreign":
        return Verdict(Place.ABROAD, f"{op['name']} has no region in Russia", op.get("country"), oid)
    return Verdict(Place.UNKNOWN, f"{op['name']} has regions in and outside Russia", None, oid)


def _host_of(value: str) -> str | None:
    v = value.strip().strip("\"'")
    if "://" not in v:
        v = "//" + v
    try:
        host = urlsplit(v).hostname
    except ValueError:
        return None
    return host.lower().rstrip(".") if host else None


def _suffix_match(host: str, suffixes: list[str]) -> bool:
    return any(_entry_match(host, s) for s in suffixes)


def _entry_match(host: str, entry: str) -> int:
    """How specific a catalogue endpoint entry matches host (0: no match): a domain suffix matches the host or any
    name under it; "re:<pattern>" is a regex on the whole host (vendors that number their hosts: idrivee2-60.com)."""
    if entry.startswith("re:"):
        return len(entry) if re.fullmatch(entry[3:], host) else 0
    return len(entry) if host == entry or host.endswith("." + entry) else 0


def classify_endpoint(value: str) -> Verdict:
    """Where the service at a URL or host name is."""
    if is_unresolved(value):
        return _templated_host(value) or Verdict(Place.UNRESOLVED, f"endpoint {value!r} is given by a variable")
    host = _host_of(value)
    if not host:
        return Verdict(Place.UNKNOWN, f"{value!r} is not a host name")
    for oid, op in (_loc().get("operators") or {}).items():
        # the most specific suffix wins: uz-1.cloud.api.selcloud.ru before selcloud.ru
        best: tuple[int, str] | None = None
        for country, suffixes in (op.get("endpoints") or {}).items():
            for s in suffixes:
                n = _entry_match(host, s)
                if n and (best is None or n > best[0]):
                    best = (n, country)
        if best:
            return _verdict(best[1], f"{host} is {op['name']} ({best[1]})", oid)
    for oid, op in (_loc().get("foreign") or {}).items():
        if _suffix_match(host, op.get("endpoints") or []):
            return Verdict(Place.ABROAD, f"{host} is {op['name']} ({op.get('country')})", op.get("country"), oid)
    site = site_for_host(host)
    if site:
        return _verdict(site.get("country"), f"{host} is site {site['id']} ({site.get('city')})", site["id"])
    return address_verdict(host) or domain_verdict(host, value)


TEMPLATED_HOST_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^/@\s]*@)?(?P<host>[^/:\s?#]+)", re.I)
CONSTANT_TAIL_RE = re.compile(r"(?:\}\}?|\b(?:var|local)\.[\w.]+|\$[A-Za-z_]\w*|>)\.?(?P<tail>(?:[a-z0-9-]+\.)+[a-z]{2,})$", re.I)


def _templated_host(value: str) -> Verdict | None:
    """A host whose first labels are a variable and whose written tail is a domain that is abroad whatever the
    variable holds: a foreign cloud's domain (storage.${region}.cloud.ovh.net) or another country's code
    (${bucket}.s3.example.de). A Russian operator's domain stays unresolved: its pools abroad are named by the
    very labels the variable fills in."""
    m = TEMPLATED_HOST_RE.match(value.strip().strip("\"'"))
    tail = CONSTANT_TAIL_RE.search(m.group("host")) if m else None
    if not tail or tail.group("tail").count(".") < 1:
        return None
    host = tail.group("tail").lower()
    for oid, op in (_loc().get("foreign") or {}).items():
        if _suffix_match(host, op.get("endpoints") or []):
            return Verdict(Place.ABROAD, f"{m.group('host')} is under {host}, a domain of {op['name']} "
                                         f"({op.get('country')}), whatever the variable holds", op.get("country"), oid)
    for oid, op in (_loc().get("operators") or {}).items():
        if any(_entry_match(host, e) for suffixes in (op.get("endpoints") or {}).values() for e in suffixes):
            return None
    v = domain_verdict(host, host)
    return Verdict(Place.ABROAD, f"{m.group('host')}: {v.reason}", v.country) if v.place is Place.ABROAD else None


def address_verdict(host: str) -> Verdict | None:
    """An IP literal no site lists: a private address is on the operator's own network (not a service abroad, but
    its site is unknown); a public one is not placed at all (no GeoIP data offline). Both stay unverified."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    if any(ip in net for net in _private_networks() if net.version == ip.version):
        return Verdict(Place.UNKNOWN, f"{host} is a private address (own network, not a service abroad), but no "
                                      "site in sites.yaml lists its network, so its site is not verified")
    return Verdict(Place.UNKNOWN, f"{host} is a public IP address: its country is not determined offline")


@lru_cache(maxsize=1)
def _private_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(n) for n in _loc().get("private_networks") or [])


def _tld(host: str) -> str:
    label = host.rsplit(".", 1)[-1]
    if label.isascii():
        return label
    try:
        return label.encode("idna").decode("ascii")
    except UnicodeError:
        return label


def _file_like(host: str, tld: str, value: str, table: dict[str, Any]) -> bool:
    """`main.tf`, `README.md`: two labels under a ccTLD that is also a file extension, with no scheme or port."""
    if tld not in (table.get("file_extensions") or []) or host.count(".") != 1 or "://" in value:
        return False
    return not re.search(r":\d+", value)


def domain_verdict(host: str, value: str | None = None) -> Verdict:
    """A host the catalogue does not know, judged by its top-level domain (policies/data/tlds.yaml): another
    country's code (or a city/region TLD abroad) is taken as an operator abroad; Russia's TLDs and generic ones
    (.com, .io, .cloud ...) say nothing certain about where the host is, so they stay unverified."""
    table = knowledge.tlds()
    tld = _tld(host)
    if "." not in host:
        return Verdict(Place.UNKNOWN, f"{host} is not in the location catalogue")
    if tld in (table.get("russian") or {}):
        return Verdict(Place.UNKNOWN, f"{host} is under .{tld} ({table['russian'][tld]}), a Russian domain, but who "
                                      "runs it and where it is hosted is not recorded")
    if _file_like(host, tld, value or host, table):
        return Verdict(Place.UNKNOWN, f"{host} looks like a file name, not a host in the location catalogue")
    for group, what in (("country_code", "the country-code domain of"), ("geographic", "the city/region domain of")):
        entry = (table.get(group) or {}).get(tld)
        if entry:
            country, name = entry[0], entry[1]
            return Verdict(Place.ABROAD, f"{host} is not in the location catalogue and is under .{tld}, {what} {name} "
                                         f"({country}): run by an operator abroad", country)
    if not is_public_tld(tld):
        return Verdict(Place.UNKNOWN, f"{host} is under .{tld}, which is no public top-level domain: an internal name "
                                      "on your own network (not a service abroad), but no site in sites.yaml lists it")
    return Verdict(Place.UNKNOWN, f"{host} is not in the location catalogue")


@lru_cache(maxsize=1)
def _public_tlds() -> frozenset[str]:
    table = knowledge.tlds()
    return frozenset([*(table.get("country_code") or {}), *(table.get("russian") or {}), *(table.get("geographic") or {}),
                      *(table.get("generic_country_code") or []), *(table.get("generic") or [])])


def is_public_tld(tld: str) -> bool:
    """True for a label delegated in the root zone (policies/data/tlds.yaml); internal names (.internal, .local,
    a Kubernetes namespace in minio.thanos) are not."""
    return tld.lower() in _public_tlds()


def site_for_host(host: str) -> dict[str, Any] | None:
    for site in knowledge.sites():
        if _suffix_match(host, site.get("endpoints") or []):
            return site
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    for site in knowledge.sites():
        for net in site.get("networks") or []:
            if ip in ipaddress.ip_network(net, strict=False):
                return site
    return None


@lru_cache(maxsize=1)
def _foreign_region_res() -> list[tuple[str, re.Pattern[str]]]:
    return [(oid, re.compile(p)) for oid, p in (_loc().get("foreign_region_patterns") or {}).items()]


def _shared_foreign(value: str) -> str | None:
    for oid, op in (_loc().get("foreign") or {}).items():
        if value in (op.get("regions") or []):
            return oid
    return None


def classify_region(value: str, oid: str | None = None, kind: str = "region") -> Verdict:
    """Where a region or zone name is; oid is the operator when the provider is known."""
    value = str(value).strip()
    if is_unresolved(value):
        return Verdict(Place.UNRESOLVED, f"{kind} {value!r} is given by a variable", None, oid)
    if oid:
        group, op = operator(oid)
        if group == "foreign":
            return Verdict(Place.ABROAD, f"{kind} {value} of {op['name']}, which has no region in Russia",
                           op.get("country"), oid)
        country = _match_name(op.get("zones" if kind == "zone" else "regions") or {}, value) or \
            _match_name(op.get("regions") or {}, value) or _match_name(op.get("zones") or {}, value) or \
            _match_name(op.get("operator_only_regions") or {}, value)
        if country:
            return _verdict(country, f"{kind} {value} of {op['name']} is in {country}", oid)
        return Verdict(Place.UNKNOWN, f"{kind} {value} is not a known {op['name']} location", None, oid)
    return _classify_bare(value, kind)


def _classify_bare(value: str, kind: str) -> Verdict:
    for foid, rx in _foreign_region_res():
        if rx.match(value):
            return Verdict(Place.ABROAD, f"{kind} {value} is a region of {operator(foid)[1]['name']}", None, foid)
    countries: dict[str, str] = {}
    for oid, op in (_loc().get("operators") or {}).items():
        c = _match_name(op.get("regions") or {}, value) or _match_name(op.get("zones") or {}, value)
        if c:
            countries[oid] = c
    shared = _shared_foreign(value)
    if shared:
        return Verdict(Place.UNKNOWN, f"{kind} {value} is used by {operator(shared)[1]['name']} (abroad) and by "
                       f"{', '.join(operator(o)[1]['name'] for o in countries) or 'others'}: decide by provider or endpoint")
    if countries and len(set(countries.values())) == 1:
        country = next(iter(countries.values()))
        names = ", ".join(operator(o)[1]["name"] for o in countries)
        return _verdict(country, f"{kind} {value} ({names}) is in {country}", next(iter(countries)))
    return Verdict(Place.UNKNOWN, f"{kind} {value} is not in the location catalogue")


@lru_cache(maxsize=1)
def attribute_roles() -> dict[str, str]:
    roles = {}
    for role, names in (_loc().get("location_attributes") or {}).items():
        for n in names:
            roles[n] = role
    return roles


def classify_attribute(name: str, value: str, oid: str | None) -> Verdict | None:
    """Verdict for one location-bearing attribute, or None if the attribute carries no location. A value given
    by a variable is resolved (sovstack.resolve) and each possible value judged: abroad in any of them is abroad;
    only what cannot be resolved stays unresolved."""
    role = attribute_roles().get(name.lower())
    if role is None or not isinstance(value, str) or not value.strip():
        return None
    if is_unresolved(value):
        resolved = _classify_resolved(name, value, oid)
        if resolved is not None:
            return resolved
    return _classify_literal(role, value, oid)


def _classify_resolved(name: str, value: str, oid: str | None) -> Verdict | None:
    from sovstack import resolve

    cands = resolve.any_value(value)
    if not cands or not all(isinstance(c.value, str) and c.value.strip() and not is_unresolved(c.value)
                            for c in cands):
        return None
    role = attribute_roles().get(name.lower())
    verdicts = []
    for c in cands:
        v = _classify_literal(role, c.value, oid)
        if v is None:  # the value carries no location (an endpoint without a dot): say so, do not guess
            continue
        how = " <- ".join(o.label() for o in c.chain[:1])
        verdicts.append(replace(v, reason=f"{v.reason} ({value} = {c.value!r}{', ' + how if how else ''})",
                                chain=tuple(c.chain), value=c.value))
    return combine(verdicts)


def _classify_literal(role: str, value: str, oid: str | None) -> Verdict | None:
    if role == "endpoint":
        if not is_unresolved(value) and "." not in value:
            return None
        return classify_endpoint(value)
    return classify_region(value, oid, "zone" if role == "zone" else "region")


def combine(verdicts: list[Verdict]) -> Verdict | None:
    """Abroad beats everything; then domestic evidence; then unknown/unresolved."""
    if not verdicts:
        return None
    abroad = next((v for v in verdicts if v.place is Place.ABROAD), None)
    if abroad:
        return abroad
    doubtful = [v for v in verdicts if v.place in (Place.UNKNOWN, Place.UNRESOLVED)]
    if doubtful:
        return doubtful[0]
    return verdicts[0]
