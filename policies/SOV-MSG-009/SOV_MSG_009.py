"""SOV-MSG-009: Kubernetes workload given foreign-messenger credentials or endpoints."""

from sovstack.checks.base import Hit
from sovstack.checks.checkov_base import KubernetesCheck
from sovstack.rules import messengers

KINDS = ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob",
         "ConfigMap", "Secret", "PodTemplate"]


def _containers(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("containers", "initContainers", "ephemeralContainers") and isinstance(value, list):
                yield from (c for c in value if isinstance(c, dict))
            elif not key.startswith("__"):
                yield from _containers(value)
    elif isinstance(node, list):
        for item in node:
            yield from _containers(item)


def _items(value):
    """A list field as a list: in a Helm template read without rendering, `args:` may be the text of an include."""
    return value if isinstance(value, list) else []


def _container_hits(c):
    for item in c.get("env") or []:
        if not isinstance(item, dict):
            continue
        name, value = str(item.get("name", "")), item.get("value")
        mid = messengers.messenger_for_identifier(name)
        if mid:
            yield Hit(f"container {c.get('name')!r} gets {messengers.label(mid)} credential/endpoint {name}",
                      line=item.get("__startline__"))
        elif isinstance(value, str):
            ep = next(messengers.find_endpoints(value), None)
            if ep:
                yield Hit(f"container {c.get('name')!r} env {name} points at {messengers.label(ep.messenger)}",
                          line=item.get("__startline__"))
    for item in c.get("envFrom") or []:
        ref = (item.get("secretRef") or item.get("configMapRef") or {}) if isinstance(item, dict) else {}
        mid = messengers.messenger_for_identifier(str(ref.get("name", ""))) if isinstance(ref, dict) else None
        if mid:
            yield Hit(f"container {c.get('name')!r} loads {messengers.label(mid)} settings from {ref.get('name')}",
                      line=ref.get("__startline__"))
    for arg in _items(c.get("args")) + _items(c.get("command")):
        if not isinstance(arg, str):
            continue
        ep = next(messengers.find_endpoints(arg), None)
        flag = arg.lstrip("-").split("=", 1)[0]
        mid = ep.messenger if ep else (messengers.messenger_for_identifier(flag) if arg.startswith("-") else None)
        if mid:
            yield Hit(f"container {c.get('name')!r} argument sends to {messengers.label(mid)}", needle=arg[:60],
                      start=c.get("__startline__"), end=c.get("__endline__"))


class KubernetesForeignMessenger(KubernetesCheck):
    def __init__(self) -> None:
        super().__init__("SOV-MSG-009", KINDS)

    def sov_evaluate(self, conf, kind):
        if kind in ("ConfigMap", "Secret"):
            hits = []
            for section in ("data", "stringData"):
                data = conf.get(section) or {}
                for key in data if isinstance(data, dict) else []:
                    mid = messengers.messenger_for_identifier(key) if not key.startswith("__") else None
                    if mid:
                        hits.append(Hit(f"{kind} holds {messengers.label(mid)} credential {key}", needle=f"{key}:",
                                        start=conf.get("__startline__"), end=conf.get("__endline__")))
            return hits
        return [h for c in _containers(conf.get("spec") or {}) for h in _container_hits(c)]


check = KubernetesForeignMessenger()
