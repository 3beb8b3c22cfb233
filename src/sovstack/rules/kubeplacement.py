"""Where a Kubernetes manifest puts data and workloads: a StorageClass provisioner or PersistentVolume CSI driver
of a cloud's disk service, in-tree cloud volume sources, topology region/zone labels in node selectors and
affinities, and cloud workload-identity annotations. Knowledge is data (policies/data/kubernetes.yaml); the
country comes from the location catalogue (policies/data/locations.yaml). Each place is a DataLocation fact."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator

from sovstack.checks.walk import all_dicts
from sovstack.facts import DataLocation, Origin, extractor
from sovstack.rules import knowledge
from sovstack.rules.locations import Place, Verdict, classify_region, is_unresolved, operator

KINDS = ("kubernetes", "yaml", "json", "template")


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return knowledge.kubernetes()


def _cloud(oid: str, what: str) -> Verdict:
    group, op = operator(oid)
    if group == "foreign":
        return Verdict(Place.ABROAD, f"{what}: {op['name']}, which has no region in Russia", op.get("country"), oid)
    return Verdict(Place.DOMESTIC, f"{what}: {op['name']}", op.get("country"), oid)


def _name(d: dict) -> str:
    meta = d.get("metadata")
    return str(meta.get("name", "?")) if isinstance(meta, dict) else "?"


def places(doc) -> list[tuple[DataLocation, Verdict]]:
    """Every cloud placement a manifest states, with its verdict."""
    if not doc.structured or "kind" not in (doc.text or "") and "provisioner" not in (doc.text or ""):
        return []
    out: list[tuple[DataLocation, Verdict]] = []
    for d in all_dicts(doc):
        out += list(_resource(doc, d))
    return out


def _fact(doc, line, resource: str, store: str, how: str, note: str) -> DataLocation:
    return DataLocation(line=line, resource=resource, store=store, how=how, chain=[Origin(doc.rel, line, note)])


def _resource(doc, d: dict) -> Iterator[tuple[DataLocation, Verdict]]:
    data = _data()
    kind = d.get("kind")
    if kind == "StorageClass" and isinstance(d.get("provisioner"), str):
        oid = (data.get("provisioners") or {}).get(d["provisioner"])
        if oid:
            line = doc.key_line(d, "provisioner")
            yield (_fact(doc, line, f"StorageClass.{_name(d)}", "volume", "provisioner", f"provisioner {d['provisioner']}"),
                   _cloud(oid, f"volumes of this class are created by {d['provisioner']}"))
    csi = d.get("csi")
    if isinstance(csi, dict) and isinstance(csi.get("driver"), str) and ("volumeHandle" in csi or kind is None):
        oid = (data.get("provisioners") or {}).get(csi["driver"])
        if oid:
            line = doc.key_line(csi, "driver")
            yield (_fact(doc, line, f"volume.csi.{csi['driver']}", "volume", "csi-driver", f"CSI driver {csi['driver']}"),
                   _cloud(oid, f"the volume's CSI driver {csi['driver']}"))
    for key, oid in (data.get("volume_sources") or {}).items():
        if isinstance(d.get(key), dict):
            line = doc.key_line(d, key)
            yield (_fact(doc, line, f"volume.{key}", "volume", "volume-source", f"volume source {key}"),
                   _cloud(oid, f"volume source {key}"))
    meta = d.get("metadata")
    ann = meta.get("annotations") if isinstance(meta, dict) else None
    for key, oid in (data.get("identity_annotations") or {}).items():
        if isinstance(ann, dict) and ann.get(key) not in (None, ""):
            line = doc.key_line(ann, key)
            yield (_fact(doc, line, f"{kind or 'object'}.{_name(d)}", "compute", "identity", f"annotation {key}"),
                   _cloud(oid, f"workload identity annotation {key}"))
    yield from _topology(doc, d)


def _topology(doc, d: dict) -> Iterator[tuple[DataLocation, Verdict]]:
    labels = set(_data().get("topology_labels") or [])
    # nodeSelector: {topology.kubernetes.io/region: eu-west-1}
    for key in labels & set(k for k in d if isinstance(k, str)):
        value = d[key]
        if isinstance(value, str) and value and not is_unresolved(value):
            yield _topology_place(doc, d, key, value, doc.key_line(d, key))
    # matchExpressions / matchLabelExpressions: {key: topology.kubernetes.io/zone, operator: In, values: [...]}
    if isinstance(d.get("key"), str) and d["key"] in labels and isinstance(d.get("values"), list) and \
            d.get("operator", "In") == "In":
        for value in d["values"]:
            if isinstance(value, str) and value and not is_unresolved(value):
                at = doc.key_line(d, "values")
                yield _topology_place(doc, d, d["key"], value, (doc.find_line(value, at) if at else None) or at)


def _topology_place(doc, d: dict, key: str, value: str, line) -> tuple[DataLocation, Verdict]:
    kind = "zone" if key.endswith("zone") else "region"
    v = classify_region(value, None, kind)
    if kind == "zone" and v.place not in (Place.ABROAD, Place.DOMESTIC) and re.match(r"^[a-z]+(-[a-z]+)+-\d+[a-z]$", value):
        region = classify_region(value[:-1], None, "region")  # an AWS-style zone: its region and a letter
        if region.place in (Place.ABROAD, Place.DOMESTIC):
            v = Verdict(region.place, f"zone {value} is in {region.reason.split(' is ', 1)[-1]}", region.country,
                        region.operator)
    return (_fact(doc, line or doc.find_line(value), f"topology.{key.rsplit('/', 1)[-1]}", "compute", "topology",
                  f"{key}: {value}"), v)


@extractor(*KINDS)
def kube_facts(doc, ws) -> list[DataLocation]:
    return [f for f, _v in places(doc)]
