"""Where a Terraform state backend keeps the state: abroad, in Russia, or unverified (fail closed)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from sovstack import resolve
from sovstack.rules import knowledge
from sovstack.rules.locations import Place, Verdict, classify_endpoint, _host_of
from sovstack.rules.placement import scalar

ABROAD_ALWAYS = {"gcs": "Google Cloud Storage", "azurerm": "Azure Storage", "oss": "Alibaba Cloud OSS",
                 "cos": "Tencent Cloud COS", "manta": "Joyent Manta"}
ENDPOINT_KEYS = {"s3": ("endpoint", "endpoints"), "remote": ("hostname",), "cloud": ("hostname",),
                 "http": ("address",), "consul": ("address",), "pg": ("conn_str",), "swift": ("auth_url",),
                 "etcdv3": ("endpoints",), "etcd": ("endpoints",)}
DEFAULTS = {"remote": "app.terraform.io", "cloud": "app.terraform.io"}
BACKEND_FILES = (".tfbackend", "backend.conf", "backend.hcl", "backend.tfvars", "backend-config.hcl")


@dataclass
class Backend:
    kind: str
    key: str | None  # attribute that places it (for the line)
    verdict: Verdict
    start: int | None
    end: int | None


@lru_cache(maxsize=1)
def _forges() -> dict[str, dict[str, str]]:
    return knowledge.locations().get("forges") or {}


def classify_state_endpoint(value: str) -> Verdict:
    host = _host_of(value) or ""
    for suffix, forge in _forges().items():
        if host == suffix or host.endswith("." + suffix):
            return Verdict(Place.ABROAD, f"{host} is {forge['name']} ({forge['country']})", forge["country"])
    return classify_endpoint(value)


def _endpoint(kind: str, conf: dict[str, Any]) -> tuple[str | None, str | None]:
    for key in ENDPOINT_KEYS.get(kind, ()):
        value = scalar(conf.get(key))
        if isinstance(value, dict):
            value = scalar(value.get("s3"))
        if isinstance(value, list) and value and isinstance(value[0], str):
            value = value[0]
        if isinstance(value, str) and value:
            return key, value
    return None, None


def _partial_config(doc) -> tuple[str | None, str | None, Path | None]:
    """Endpoint and region from a backend configuration file beside the module (terraform init -backend-config)."""
    sc = resolve.current()
    if sc is None:
        return None, None, None
    import hcl2

    for path in sc.listdir(doc.path.parent):
        if not path.name.endswith(BACKEND_FILES):
            continue
        text = sc.read_text(path) or ""
        try:
            data = hcl2.loads(text)
        except Exception:  # not HCL: nothing to learn from it
            continue
        _, endpoint = _endpoint("s3", data)
        region = scalar(data.get("region"))
        return endpoint, region if isinstance(region, str) else None, path
    return None, None, None


def backends(doc) -> Iterator[Backend]:
    data = doc.data[0] if doc.data else {}
    for tf in data.get("terraform") or []:
        blocks = list(tf.get("backend") or [])
        if tf.get("cloud"):
            blocks.append({"cloud": scalar(tf["cloud"]) or {}})
        for block in blocks:
            for kind, conf in block.items():
                conf = conf if isinstance(conf, dict) else {}
                yield Backend(kind, *_judge(doc, kind, conf), tf.get("__start_line__"), tf.get("__end_line__"))


def _judge(doc, kind: str, conf: dict[str, Any]) -> tuple[str | None, Verdict]:
    if kind == "local":
        return None, Verdict(Place.DOMESTIC, "state is a local file beside the code")
    if kind in ABROAD_ALWAYS:
        return None, Verdict(Place.ABROAD, f"Terraform state is kept in {ABROAD_ALWAYS[kind]}, outside Russia")
    key, endpoint = _endpoint(kind, conf)
    if endpoint:
        return key, classify_state_endpoint(endpoint)
    if kind == "s3":
        endpoint, region, path = _partial_config(doc)
        if endpoint:
            v = classify_state_endpoint(endpoint)
            return None, Verdict(v.place, f"{v.reason} (from {path.name})", v.country, v.operator)
        if scalar(conf.get("region")) or region:
            return None, Verdict(Place.ABROAD, "s3 backend without an endpoint is Amazon S3, abroad", "US", "aws")
        return None, Verdict(Place.UNKNOWN, "s3 backend names neither endpoint nor region here: they are given at "
                                            "terraform init, so where the state is kept cannot be verified")
    if kind in DEFAULTS:
        return None, classify_state_endpoint(DEFAULTS[kind])
    return None, Verdict(Place.UNKNOWN, f"{kind} backend: where it keeps the state is not in the location catalogue")
