"""Channel facts of Kubernetes objects (SOV-MSG-009): containers given a messenger's credentials or endpoints
(env names and values, envFrom of a messenger-named Secret or ConfigMap, arguments and flags), and ConfigMap or
Secret keys named for a messenger credential.

Written per object (checkov hands its Kubernetes checks one object at a time); it also runs over every object of
a document (`kind: List` expanded), found the way the engine finds them."""

from __future__ import annotations

from typing import Any, Iterator

from sovstack.checks.engine import k8s_objects
from sovstack.collect.document import Document
from sovstack.facts import Channel, Locate, node_extractor
from sovstack.rules import messengers

ENV = "k8s-env"  # an env entry named for a messenger credential or endpoint
ENV_VALUE = "k8s-env-value"  # an env value that is a messenger endpoint
ENV_FROM = "k8s-env-from"  # settings loaded from a messenger-named Secret or ConfigMap
ARG = "k8s-arg"  # a container argument or flag that sends to a messenger
DATA = "k8s-data"  # a ConfigMap or Secret key named for a messenger credential
HOWS = frozenset({ENV, ENV_VALUE, ENV_FROM, ARG, DATA})

KINDS = ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob",
         "ConfigMap", "Secret", "PodTemplate"]


def objects(doc: Document) -> Iterator[tuple[dict[str, Any], str]]:
    """(object, kind) of every object of a kind the workload check reads."""
    for obj in k8s_objects(doc.data):
        if isinstance(obj, dict) and "kind" in obj and obj["kind"] in KINDS:
            yield obj, obj["kind"]


def _containers(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("containers", "initContainers", "ephemeralContainers") and isinstance(value, list):
                yield from (c for c in value if isinstance(c, dict))
            elif not key.startswith("__"):
                yield from _containers(value)
    elif isinstance(node, list):
        for item in node:
            yield from _containers(item)


def _items(value: Any) -> list:
    """A list field as a list: in a Helm template read without rendering, `args:` may be the text of an include."""
    return value if isinstance(value, list) else []


@node_extractor("kubernetes", nodes=objects, hows=HOWS)
def workload_channels(conf: dict[str, Any], kind: str, locate: Locate) -> Iterator[Channel]:
    """A ConfigMap's or Secret's messenger-named keys; every container's messenger settings of a workload."""
    if kind in ("ConfigMap", "Secret"):
        for section in ("data", "stringData"):
            data = conf.get(section) or {}
            for key in data if isinstance(data, dict) else []:
                mid = messengers.messenger_for_identifier(key) if not key.startswith("__") else None
                if mid:
                    yield Channel(service=mid, how=DATA, credential_ref=key, resource=kind,
                                  line=locate(needle=f"{key}:", start=conf.get("__startline__"), end=conf.get("__endline__")),
                                  message=f"{kind} holds {messengers.label(mid)} credential {key}")
        return
    for c in _containers(conf.get("spec") or {}):
        yield from _container(c, locate)


def _container(c: dict[str, Any], locate: Locate) -> Iterator[Channel]:
    who = f"container {c.get('name')!r}"
    for item in c.get("env") or []:
        if not isinstance(item, dict):
            continue
        name, value = str(item.get("name", "")), item.get("value")
        mid = messengers.messenger_for_identifier(name)
        if mid:
            yield Channel(service=mid, how=ENV, credential_ref=name, line=locate(line=item.get("__startline__")),
                          message=f"{who} gets {messengers.label(mid)} credential/endpoint {name}")
        elif isinstance(value, str):
            ep = next(messengers.find_endpoints(value), None)
            if ep:
                yield Channel(service=ep.messenger, how=ENV_VALUE, endpoint=ep.matched,
                              line=locate(line=item.get("__startline__")),
                              message=f"{who} env {name} points at {messengers.label(ep.messenger)}")
    for item in c.get("envFrom") or []:
        ref = (item.get("secretRef") or item.get("configMapRef") or {}) if isinstance(item, dict) else {}
        mid = messengers.messenger_for_identifier(str(ref.get("name", ""))) if isinstance(ref, dict) else None
        if mid:
            yield Channel(service=mid, how=ENV_FROM, credential_ref=str(ref.get("name")),
                          line=locate(line=ref.get("__startline__")),
                          message=f"{who} loads {messengers.label(mid)} settings from {ref.get('name')}")
    for arg in _items(c.get("args")) + _items(c.get("command")):
        if not isinstance(arg, str):
            continue
        ep = next(messengers.find_endpoints(arg), None)
        flag = arg.lstrip("-").split("=", 1)[0]
        mid = ep.messenger if ep else (messengers.messenger_for_identifier(flag) if arg.startswith("-") else None)
        if mid:
            yield Channel(service=mid, how=ARG, endpoint=ep.matched if ep else None,
                          line=locate(needle=arg[:60], start=c.get("__startline__"), end=c.get("__endline__")),
                          message=f"{who} argument sends to {messengers.label(mid)}")
