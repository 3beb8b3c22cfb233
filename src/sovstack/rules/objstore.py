"""Object-storage destinations written in structured configuration: Helm values and templates, Kubernetes
manifests, Velero, Thanos, Loki/Mimir/Tempo storage configs. Each is a place where data is written, judged by its
endpoint (or, without one, by the S3 region it implies) after resolving Helm `{{ .Values.x }}` references."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from sovstack import resolve
from sovstack.rules.locations import Place, Verdict, _host_of, classify_endpoint, classify_region, combine, \
    is_public_tld, is_unresolved

MAX_DEPTH = 12
ENDPOINT_KEYS = {"endpoint", "s3url", "s3endpoint", "endpointurl", "storageendpoint", "objectstorageendpoint",
                 "awsendpoint", "s3host"}
BUCKET_KEYS = {"bucket", "bucketname", "bucketnames", "buckets", "container", "containername"}
REGION_KEYS = {"region", "s3region", "awsregion", "regionname"}
CLIENT_KEYS = {"accesskey", "accesskeyid", "secretkey", "secretaccesskey", "s3forcepathstyle", "forcepathstyle",
               "insecure", "signatureversion", "usepathstyle"}
STORE_WORDS = {"s3", "objstore", "objectstore", "objectstorage", "objectstorageconfig", "backupstoragelocation",
               "storage", "storageconfig", "backup", "backups", "bucket", "minio", "blob", "snapshot", "snapshots",
               "archive", "walg", "wale", "aws", "store", "thanos", "loki", "mimir", "tempo", "velero", "cortex",
               "pgbackrest", "barman", "barmanobjectstore", "repo", "destination"}
# Thanos objstore types (thanos.io/tip/thanos/storage.md) and Velero providers (velero.io/docs/main/supported-providers)
# that are services abroad whatever their config says.
TYPES_ABROAD = {"gcs": "Google Cloud Storage", "azure": "Azure Blob Storage", "cos": "Tencent Cloud COS",
                "oss": "Alibaba Cloud OSS", "bos": "Baidu BOS"}
EMBEDDED_HINT = re.compile(r"^\s*(type|bucket|endpoint|s3|storage_config)\s*:", re.M | re.I)
CLUSTER_SUFFIXES = (".svc", ".svc.cluster.local", ".cluster.local", ".local")
# Environment variables that name an object store's endpoint: the AWS SDKs' AWS_ENDPOINT_URL[_S3]
# (docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html) and the usual *_S3_ENDPOINT / MINIO_ENDPOINT.
# Backup repositories (RESTIC_REPOSITORY, BORG_REPO, WALG_*) are read by sovstack.rules.backups.
ENV_ENDPOINT_RE = re.compile(r"^(AWS_ENDPOINT_URL(_S3)?|([A-Z0-9]+_)*(S3|MINIO|OBJECT_STORAGE)"
                             r"_(ENDPOINT|ENDPOINT_URL|URL|HOST))$")


@dataclass
class Store:
    """One object-storage destination: where its location was read and the verdict."""

    line: int | None
    path: str  # dotted path of the configuration block (backup.s3)
    verdict: Verdict
    endpoint: str | None = None
    region: str | None = None


def _norm(key: Any) -> str:
    return re.sub(r"[_\-.]", "", str(key)).lower()


def _field(d: dict[str, Any], names: set[str]) -> tuple[str | None, Any]:
    for k, v in d.items():
        if _norm(k) in names:
            return str(k), v
    return None, None


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _candidates(value: str) -> list[resolve.Resolved]:
    """Possible values of a configured string: literal, or Helm/Jinja/shell references resolved ([] if unknown)."""
    if not is_unresolved(value):
        return [resolve.Resolved(value)]
    cands = resolve.any_value(value)
    return [c for c in cands if isinstance(c.value, str) and c.value.strip() and not is_unresolved(c.value)] \
        if cands and all(isinstance(c.value, str) and not is_unresolved(c.value) for c in cands) else []


def in_cluster(host: str) -> bool:
    """A service of the same cluster or host (minio.velero.svc:9000, minio.thanos:9000, minio:9000, localhost): the
    store is where the workload is, which is judged where the cluster is placed, not here."""
    return "." not in host or host.endswith(CLUSTER_SUFFIXES) or not is_public_tld(host.rsplit(".", 1)[-1])


def _judge_endpoint(value: str) -> Verdict | None:
    verdicts = []
    cands = _candidates(value)
    if not cands and is_unresolved(value):
        v = classify_endpoint(value)  # a variable label under a domain that is abroad whatever it holds
        return v if v.place is Place.ABROAD else None
    for c in cands:
        host = _host_of(c.value)
        if not host:
            continue
        v = classify_endpoint(c.value)
        if v.place is Place.UNKNOWN and in_cluster(host):
            continue  # an in-cluster service no site lists: placed with the cluster
        if c.chain:
            v = replace(v, reason=f"{v.reason} ({value} = {c.value!r})", chain=tuple(c.chain), value=c.value)
        verdicts.append(v)
    return combine(verdicts)


def _judge_aws_region(value: str, what: str) -> Verdict | None:
    """An S3 client given a region and no endpoint talks to Amazon S3; only a name that is an AWS region says so."""
    verdicts = []
    for c in _candidates(value):
        v = classify_region(c.value)
        if v.place is Place.ABROAD and v.operator == "aws":
            verdicts.append(Verdict(Place.ABROAD, f"{what} with region {c.value} and no endpoint is Amazon S3, abroad",
                                    "US", "aws", tuple(c.chain), c.value if c.chain else None))
    return combine(verdicts)


def _loki_url(value: str) -> Verdict | None:
    """Loki's `s3: s3://<region>/<bucket>` (Amazon S3) or `s3://<key>:<secret>@<endpoint>/<bucket>`."""
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError:
        return None
    if not host:
        return None
    if "." in host:
        return _judge_endpoint(f"https://{host}")
    return _judge_aws_region(host, "s3:// URL")


class _Walker:
    def __init__(self, doc) -> None:
        self.doc = doc
        self.out: list[Store] = []
        self.seen: set[tuple[int | None, str]] = set()
        self.lines_of: dict[int, dict[str, Any]] = {}  # restored block -> the parsed mapping that has the key lines
        self.anchor: int | None = None  # the line of a string holding an embedded config (objstore.yml: |)

    def add(self, d: dict[str, Any], key: str | None, path: list[str], verdict: Verdict | None,
            endpoint: str | None = None, region: str | None = None) -> None:
        if verdict is None:
            return
        line = (self.doc.key_line(self.lines_of.get(id(d), d), key) if key else None) or self.anchor
        dotted = ".".join(path) or "(top level)"
        if (line, verdict.reason) in self.seen:
            return
        self.seen.add((line, verdict.reason))
        self.out.append(Store(line, dotted, replace(verdict, reason=f"{dotted}: {verdict.reason}"), endpoint, region))

    def walk(self, node: Any, path: list[str], depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            return
        if isinstance(node, dict):
            self.block(node, path)
            for k, v in node.items():
                if isinstance(v, (dict, list)):
                    self.walk(v, path + [str(k)], depth + 1)
                elif isinstance(v, str) and "\n" in v and EMBEDDED_HINT.search(v) and self.anchor is None:
                    self.embedded(node, str(k), v, path + [str(k)], depth)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                self.walk(v, path + [str(i)], depth + 1)

    def embedded(self, d: dict[str, Any], key: str, text: str, path: list[str], depth: int) -> None:
        """A config kept as a YAML string (a Secret's `objstore.yml: |`, Helm `objstoreConfig: |-`)."""
        import yaml

        try:
            inner = yaml.safe_load(text)
        except yaml.YAMLError:
            return
        if isinstance(inner, dict):
            self.anchor = self.doc.key_line(self.lines_of.get(id(d), d), key)
            try:
                self.walk(inner, path, depth + 1)
            finally:
                self.anchor = None

    def raw(self, d: dict[str, Any]) -> dict[str, Any]:
        """The block with template values restored: YAML reads an unquoted `{{ .Values.x }}` as a flow mapping
        with a complex key, so the text is taken from the document's line instead."""
        out = {}
        for k, v in d.items():
            if isinstance(k, str) and k.startswith("__"):
                continue
            if isinstance(v, dict) and any(str(x).startswith("<complex key") for x in v) and v.get("__startline__"):
                line = self.doc.lines[v["__startline__"] - 1] if v["__startline__"] <= len(self.doc.lines) else ""
                _, _, after = line.partition(":")
                after = after.split(" #", 1)[0].strip().strip("\"'")
                v = after if "{{" in after else v
            out[k] = v
        return out

    def restored(self, d: dict[str, Any]) -> dict[str, Any]:
        out = self.raw(d)
        self.lines_of[id(out)] = d
        return out

    def block(self, d: dict[str, Any], path: list[str]) -> None:
        orig, d = d, self.raw(d)
        self.lines_of[id(d)] = orig
        words = {_norm(p) for p in path}
        keys = {_norm(k) for k in d}
        if self.typed(d, path) or self.velero(d, path) or self.env(d, path):
            return
        last = _norm(path[-1]) if path else ""
        bkey, bucket = _field(d, BUCKET_KEYS)
        if last in ("gcs", "azure") and (_text(bucket) or _text(d.get("account_name")) or _text(d.get("accountName"))):
            self.add(d, bkey or next(iter(d), None), path, Verdict(
                Place.ABROAD, f"{TYPES_ABROAD[last]} bucket, a service abroad", "US", "gcp" if last == "gcs" else "azure"))
            return
        for k, v in d.items():
            if _norm(k) == "s3" and isinstance(v, str) and v.strip().startswith("s3://"):
                self.add(d, str(k), path, _loki_url(v.strip()), endpoint=v.strip())
        ekey, endpoint = _field(d, ENDPOINT_KEYS)
        storeish = bool(_text(bucket)) or bool(keys & CLIENT_KEYS) or bool(words & STORE_WORDS)
        if _text(endpoint) and storeish and isinstance(endpoint, str):
            self.add(d, ekey, path, _judge_endpoint(endpoint), endpoint=endpoint)
            return
        rkey, region = _field(d, REGION_KEYS)
        if _text(region) and isinstance(region, str) and _text(bucket) and not _text(endpoint) and \
                (words & {"s3", "aws", "backupstoragelocation", "objstore", "objectstorage"} or keys & CLIENT_KEYS):
            self.add(d, rkey, path, _judge_aws_region(region, "S3 bucket"), region=region)

    def env(self, d: dict[str, Any], path: list[str]) -> bool:
        """Container `env: [{name, value}]` entries, and KEY: value maps (ConfigMap data, compose environment)."""
        name, value = d.get("name"), d.get("value")
        if isinstance(name, str) and isinstance(value, str) and ENV_ENDPOINT_RE.match(name):
            self.env_value(d, "value", path + [name], name, value)
            return True
        for key, val in d.items():
            if isinstance(key, str) and isinstance(val, str) and ENV_ENDPOINT_RE.match(key):
                self.env_value(d, key, path + [key], key, val)
        return False

    def env_value(self, d: dict[str, Any], key: str, path: list[str], name: str, value: str) -> None:
        url = env_endpoint(name, value)
        if url:
            self.add(d, key, path, _judge_endpoint(url), endpoint=url)

    def typed(self, d: dict[str, Any], path: list[str]) -> bool:
        """Thanos/Cortex objstore: `type: S3|GCS|AZURE|...` with `config:`."""
        kind, config = _text(d.get("type")), d.get("config")
        if not kind or not isinstance(config, dict):
            return False
        config = self.restored(config)
        kind = kind.lower()
        if kind in TYPES_ABROAD:
            self.add(d, "type", path, Verdict(Place.ABROAD, f"object storage of type {d['type']} is "
                                                            f"{TYPES_ABROAD[kind]}, a service abroad"))
            return True
        if kind in ("s3", "swift", "obs"):
            ekey, endpoint = _field(config, ENDPOINT_KEYS | {"authurl"})
            if _text(endpoint) and isinstance(endpoint, str):
                self.add(config, ekey, path + ["config"], _judge_endpoint(endpoint), endpoint=endpoint)
            elif kind == "s3":
                rkey, region = _field(config, REGION_KEYS)
                if isinstance(region, str) and _text(region):
                    self.add(config, rkey, path + ["config"], _judge_aws_region(region, "S3 objstore"), region=region)
            return True
        return False

    def velero(self, d: dict[str, Any], path: list[str]) -> bool:
        """Velero BackupStorageLocation / VolumeSnapshotLocation (CRD spec or the chart's configuration list)."""
        provider = _text(d.get("provider"))
        config = self.restored(d["config"]) if isinstance(d.get("config"), dict) else {}
        if not provider or not ({"bucket", "objectStorage", "config"} & set(d)):
            return False
        name = provider.rsplit("/", 1)[-1].lower()
        if name in ("gcp", "azure"):
            if _text(d.get("bucket")) or isinstance(d.get("objectStorage"), dict) or config:
                self.add(d, "provider", path, Verdict(
                    Place.ABROAD, f"Velero provider {provider} keeps backups in "
                                  f"{'Google Cloud' if name == 'gcp' else 'Microsoft Azure'}, abroad"))
            return True
        if name != "aws":
            return False
        for key in ("s3Url", "s3_url", "publicUrl"):
            url = config.get(key)
            if isinstance(url, str) and _text(url):
                self.add(config, key, path + ["config"], _judge_endpoint(url), endpoint=url)
                return True
        region = config.get("region")
        if isinstance(region, str) and _text(region):
            self.add(config, "region", path + ["config"], _judge_aws_region(region, f"Velero {provider} location"),
                     region=region)
        return True


def env_endpoint(name: str, value: str) -> str | None:
    """The endpoint an environment variable names, or None."""
    url = value.strip().strip("\"'")
    return url or None


def env_stores(doc) -> list[Store]:
    """KEY=value lines of env files, shell exports and systemd Environment= that name an object store's endpoint;
    reported where the variable is defined (a compose file's env_file is reported in that file)."""
    from sovstack.resolve import env as renv

    if doc.kind.value not in ("env", "shell", "compose") and doc.path.suffix not in (".service", ".env"):
        return []
    if not ENV_NAME_HINT.search(doc.text):
        return []
    out = []
    for name, got in renv.env_of(doc).items():
        if not ENV_ENDPOINT_RE.match(name) or not isinstance(got.value, str):
            continue
        first = got.chain[0] if got.chain else None
        if first is None or first.file != doc.rel:
            continue
        url = env_endpoint(name, got.value)
        verdict = _judge_endpoint(url) if url else None
        if verdict is not None:
            out.append(Store(first.line, name, replace(verdict, reason=f"{name}: {verdict.reason}"), url))
    return out


ENV_NAME_HINT = re.compile(r"ENDPOINT|S3_URL|S3_HOST|MINIO_URL|MINIO_HOST|OBJECT_STORAGE_URL")


def stores(doc) -> list[Store]:
    """Object-storage destinations of a structured document (nothing for unstructured text)."""
    if not doc.structured or not doc.data:
        return []
    if not _relevant(doc.text):
        return []
    w = _Walker(doc)
    for data in doc.data:
        w.walk(data, [])
    return w.out


def _relevant(text: str) -> bool:
    low = text.lower()
    return any(w in low for w in ("bucket", "s3", "objstore", "endpoint", "provider:", "gcs", "azure", "storage"))
