"""Reads a region stack's `sovstack:` config into validated models, in one place, before any resource exists."""

from __future__ import annotations

import difflib
import ipaddress
import json
import os
import re
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import pulumi
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

NAMESPACE = "sovstack"
SITES_FILE = Path(__file__).resolve().parents[1] / "policies" / "data" / "sites.yaml"
PRIVATE_RANGES = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
# Secret keys: never plain text in a stack file. Set with `pulumi config set --secret`, or leave unset and
# export the environment variable at deploy time (the minio provider itself falls back to MINIO_USER and
# MINIO_PASSWORD for the primary store).
SECRET_KEYS = {
    "s3AccessKey": "SOVSTACK_S3_ACCESS_KEY",
    "s3SecretKey": "SOVSTACK_S3_SECRET_KEY",
    "backupS3AccessKey": "SOVSTACK_BACKUP_S3_ACCESS_KEY",
    "backupS3SecretKey": "SOVSTACK_BACKUP_S3_SECRET_KEY",
}
HOSTNAME_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")
BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class ConfigError(ValueError):
    """Invalid stack config: one line per problem, each naming the stack file and the key."""

    def __init__(self, file: str, problems: list[tuple[str, str]]):
        self.file = file
        self.problems = problems
        super().__init__("\n".join(f"{file}: {key}: {msg}" for key, msg in problems))


# ---------------------------------------------------------------------------------------------- value types

def _network(value: str) -> ipaddress.IPv4Network:
    try:
        net = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(f"{value!r} is not an IPv4 CIDR") from None
    if net.version != 4:
        raise ValueError(f"{value!r} is not IPv4")
    if str(net) != value:
        raise ValueError(f"{value!r} has host bits set or is not in CIDR form; did you mean {net}?")
    return net


def is_private(net: ipaddress.IPv4Network | ipaddress.IPv4Address) -> bool:
    """RFC 1918 only: loopback, link-local and shared (100.64/10) ranges are not site networks."""
    if isinstance(net, ipaddress.IPv4Address):
        net = ipaddress.ip_network(f"{net}/32")
    return any(net.subnet_of(r) for r in PRIVATE_RANGES)


def _cidr(value: str) -> str:
    _network(value)
    return value


def _private_cidr(value: str) -> str:
    if not is_private(_network(value)):
        raise ValueError(f"{value} is not a private (RFC 1918) network")
    return value


def _public_cidr(value: str) -> str:
    net = _network(value)
    if net.prefixlen == 0:
        raise ValueError("allow-all egress (0.0.0.0/0) is not allowed: list the destination networks")
    if is_private(net):
        raise ValueError(f"{value} is private: list it in network.egressCidrs instead")
    return value


def _private_ip(value: str) -> str:
    try:
        addr = ipaddress.IPv4Address(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an IPv4 address") from None
    if not is_private(addr):
        raise ValueError(f"{value} is not a private (RFC 1918) address")
    return value


def _https_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme != "https":
        raise ValueError(f"{value!r} must be an https:// URL")
    try:
        host, _ = parts.hostname, parts.port
    except ValueError:
        raise ValueError(f"{value!r} has an invalid port") from None
    if not host:
        raise ValueError(f"{value!r} has no host name")
    return value


def _hostname(value: str) -> str:
    if not HOSTNAME_RE.match(value):
        raise ValueError(f"{value!r} is not a fully qualified host name")
    return value


def _bucket(value: str) -> str:
    if not BUCKET_RE.match(value) or ".." in value or re.fullmatch(r"[\d.]+", value):
        raise ValueError(f"{value!r} is not a valid S3 bucket name (3-63 of a-z, 0-9, '.', '-')")
    return value


def _slug(value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9-]{1,30}[a-z0-9]", value):
        raise ValueError(f"{value!r} must be a lowercase slug (a-z, 0-9, '-'), used in resource names")
    return value


def _ssh_key(value: str) -> str:
    if not re.match(r"^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+( .*)?$", value):
        raise ValueError("is not an OpenSSH public key")
    return value


Cidr = Annotated[str, AfterValidator(_cidr)]
PrivateCidr = Annotated[str, AfterValidator(_private_cidr)]
PublicCidr = Annotated[str, AfterValidator(_public_cidr)]
PrivateIPv4 = Annotated[str, AfterValidator(_private_ip)]
HttpsUrl = Annotated[str, AfterValidator(_https_url)]
Hostname = Annotated[str, AfterValidator(_hostname)]
BucketName = Annotated[str, AfterValidator(_bucket)]
Slug = Annotated[str, AfterValidator(_slug)]
SshKey = Annotated[str, AfterValidator(_ssh_key)]
NonEmpty = Annotated[str, Field(min_length=1)]


# ---------------------------------------------------------------------------------------------- models

class Model(BaseModel):
    """Config keys are camelCase in stack files; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, frozen=True, str_strip_whitespace=True)


class Platform(StrEnum):
    OPENSTACK = "openstack"
    PROXMOX = "proxmox"
    VSPHERE = "vsphere"


class Sizing(Model):
    """OpenStack sizes by flavor; Proxmox VE and vSphere by cpus and memoryGb. The image is the platform's:
    a Glance image ID (OpenStack), a template VM ID (Proxmox VE) or a template name (vSphere)."""

    flavor: NonEmpty | None = None
    cpus: int | None = Field(None, ge=1, le=64)
    memory_gb: int | None = Field(None, ge=1, le=512)
    disk_gb: int = Field(ge=10, le=2048)
    image: NonEmpty


class BotServers(Sizing):
    count: int = Field(ge=1, le=20)
    first_host: int = Field(10, ge=2, description="host number in network.cidr of the first bot server")


class Database(Sizing):
    data_volume_gb: int = Field(ge=10, le=16384)
    host_index: int = Field(5, ge=2, description="host number in network.cidr of the PostgreSQL node")


class Bucket(Model):
    name: BucketName
    versioning: bool = True


class ObjectStore(Model):
    endpoint: HttpsUrl
    region: NonEmpty | None = None
    buckets: list[Bucket] = Field(min_length=1)


class Backup(Model):
    site: NonEmpty
    endpoint: HttpsUrl
    retention_days: int = Field(ge=7, le=3650)
    bucket: BucketName | None = None


class Storage(Model):
    database: Database
    object_store: ObjectStore
    backup: Backup


class EgressProxy(Model):
    address: PrivateIPv4
    port: int = Field(3128, ge=1, le=65535)


class PublicEgress(Model):
    cidr: PublicCidr
    port: int = Field(443, ge=1, le=65535)
    reason: str = Field(min_length=10)


class Network(Model):
    cidr: PrivateCidr
    gateway: PrivateIPv4 | None = None
    dns_servers: list[PrivateIPv4] = Field(min_length=1)
    admin_cidr: PrivateCidr
    webhook_host: Hostname
    webhook_source_cidrs: list[Cidr] = Field(default_factory=lambda: ["0.0.0.0/0"], min_length=1)
    egress_proxy: EgressProxy | None = None
    egress_cidrs: list[PrivateCidr] | None = None
    public_egress: list[PublicEgress] = Field(default_factory=list)


class OpenStackSettings(Model):
    region: NonEmpty
    key_pair: NonEmpty
    availability_zone: NonEmpty | None = None
    external_network_id: NonEmpty | None = None
    volume_type: NonEmpty | None = None


class ProxmoxSettings(Model):
    node_name: NonEmpty
    first_vm_id: int = Field(ge=100, le=999_999_000)
    ssh_authorized_keys: list[SshKey] = Field(min_length=1)
    bridge: NonEmpty = "vmbr0"
    vlan_id: int | None = Field(None, ge=1, le=4094)
    datastore: NonEmpty = "local-lvm"
    admin_user: NonEmpty = "sovstack"
    cpu_type: NonEmpty = "x86-64-v2-AES"
    domain: Hostname | None = None


class VsphereSettings(Model):
    datacenter: NonEmpty
    resource_pool: NonEmpty
    datastore: NonEmpty
    network: NonEmpty
    domain: Hostname
    folder: NonEmpty | None = None
    guest_id: NonEmpty = "other5xLinux64Guest"
    scsi_type: NonEmpty = "pvscsi"


class StackConfig(Model):
    region: Slug
    description: str = Field(min_length=10)
    platform: Platform
    site: NonEmpty
    management_endpoint: HttpsUrl
    bot_servers: BotServers
    storage: Storage
    network: Network
    openstack: OpenStackSettings | None = None
    proxmox: ProxmoxSettings | None = None
    vsphere: VsphereSettings | None = None


class Site(BaseModel):
    """One entry of policies/data/sites.yaml."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    id: str
    operator: str
    city: str
    country: str
    platform: str
    endpoints: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()


OBJECT_KEYS = {"botServers", "storage", "network", "openstack", "proxmox", "vsphere"}


@lru_cache(maxsize=4)
def sites(path: Path = SITES_FILE) -> dict[str, Site]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
    return {s["id"]: Site.model_validate(s) for s in data.get("sites") or []}


# ---------------------------------------------------------------------------------------------- settings

@dataclass(frozen=True)
class Credentials:
    """S3 credentials as Pulumi secrets; None lets the minio provider read its own environment."""

    s3_access_key: pulumi.Output[str] | None = None
    s3_secret_key: pulumi.Output[str] | None = None
    backup_s3_access_key: pulumi.Output[str] | None = None
    backup_s3_secret_key: pulumi.Output[str] | None = None


@dataclass(frozen=True)
class Settings:
    """The validated config of one stack plus what follows from it (addresses, sites, egress)."""

    stack: str
    config: StackConfig
    site: Site
    backup_site: Site
    credentials: Credentials

    @property
    def file(self) -> str:
        return f"Pulumi.{self.stack}.yaml"

    @property
    def platform_settings(self) -> OpenStackSettings | ProxmoxSettings | VsphereSettings:
        return getattr(self.config, self.config.platform.value)

    @property
    def gateway(self) -> str:
        net = self.config.network
        return net.gateway or host(net.cidr, 1)

    @property
    def bot_addresses(self) -> list[str]:
        bots = self.config.bot_servers
        return [host(self.config.network.cidr, bots.first_host + i) for i in range(bots.count)]

    @property
    def database_address(self) -> str:
        return host(self.config.network.cidr, self.config.storage.database.host_index)

    @property
    def egress_cidrs(self) -> list[str]:
        """The explicit list, or the private networks of the site, of the backup site and of the stack; a
        network inside another listed one is dropped."""
        net = self.config.network
        wanted = net.egress_cidrs if net.egress_cidrs is not None else \
            [*self.site.networks, *self.backup_site.networks, net.cidr]
        nets = list(dict.fromkeys(ipaddress.ip_network(c) for c in wanted))
        return [str(n) for n in nets if not any(n != other and n.subnet_of(other) for other in nets)]

    @property
    def backup_bucket(self) -> str:
        return self.config.storage.backup.bucket or f"{self.config.region}-pg-backup"


def host(cidr: str, number: int) -> str:
    """The number-th address of a network: host(10.74.20.0/24, 5) == 10.74.20.5."""
    return str(ipaddress.ip_network(cidr)[number])


def endpoint_host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def s3_server(url: str) -> str:
    """host[:port] as the minio provider's minio_server expects it."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)


# ---------------------------------------------------------------------------------------------- reading

def load(source: Mapping[str, Any] | pulumi.Config, stack: str, *, secret_keys: Iterable[str] = (),
         catalogue: Mapping[str, Site] | None = None) -> Settings:
    """Validate a stack's config: a pulumi.Config (namespace sovstack) or a plain mapping of keys to values
    (`sovstack:`-prefixed or bare; objects as dicts or JSON strings). secret_keys names the mapping's keys
    that were secure values; catalogue replaces policies/data/sites.yaml. Raises ConfigError naming the
    stack file and key of every problem."""
    file = f"Pulumi.{stack}.yaml"
    if isinstance(source, pulumi.Config):
        raw, credentials, problems = _from_pulumi(source)
    else:
        raw, credentials, problems = _from_mapping(source, set(secret_keys))
    try:
        cfg = StackConfig.model_validate(raw)
    except ValidationError as exc:
        unreadable = {key for key, _ in problems}  # e.g. broken JSON: do not report the key twice
        problems += [p for p in map(_problem, exc.errors()) if p[0] not in unreadable]
        raise ConfigError(file, problems) from None
    catalogue = sites() if catalogue is None else catalogue
    problems += catalogue_problems(cfg, catalogue)
    if problems:
        raise ConfigError(file, problems)
    return Settings(stack, cfg, catalogue[cfg.site], catalogue[cfg.storage.backup.site], credentials)


def _bare(key: str) -> str | None:
    ns, sep, name = key.partition(":")
    if not sep:
        return key
    return name if ns == NAMESPACE else None


def _parse(key: str, value: Any, problems: list[tuple[str, str]]) -> Any:
    if key in OBJECT_KEYS and isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            problems.append((f"{NAMESPACE}:{key}", f"must be an object (YAML mapping): {exc.msg}"))
    return value


def _from_mapping(source: Mapping[str, Any], secret_keys: set[str]):
    raw: dict[str, Any] = {}
    secrets: dict[str, pulumi.Output[str]] = {}
    problems: list[tuple[str, str]] = []
    for key, value in source.items():
        name = _bare(key)
        if name is None:
            continue
        if name in SECRET_KEYS:
            if key not in secret_keys and f"{NAMESPACE}:{name}" not in secret_keys:
                problems.append((f"{NAMESPACE}:{name}", "must be a secret (pulumi config set --secret)"))
            secrets[name] = pulumi.Output.secret(str(value))
            continue
        raw[name] = _parse(name, value, problems)
    return raw, _credentials(secrets), problems


def _runtime_keys() -> set[str]:
    from pulumi.runtime import config as runtime_config

    return set(runtime_config.CONFIG.get()) | set(runtime_config.get_config_env())


def _from_pulumi(cfg: pulumi.Config):
    raw: dict[str, Any] = {}
    secrets: dict[str, pulumi.Output[str]] = {}
    problems: list[tuple[str, str]] = []
    for full in sorted(_runtime_keys()):
        name = _bare(full)
        if name is None:
            continue
        if name in SECRET_KEYS:
            if not pulumi.runtime.is_config_secret(full):
                problems.append((full, "must be a secret (pulumi config set --secret)"))
            value = cfg.get_secret(name)
            if value is not None:
                secrets[name] = value
            continue
        raw[name] = _parse(name, cfg.get(name), problems)
    return raw, _credentials(secrets), problems


def _credentials(secrets: dict[str, pulumi.Output[str]]) -> Credentials:
    for key, env in SECRET_KEYS.items():
        if key not in secrets and os.environ.get(env):
            secrets[key] = pulumi.Output.secret(os.environ[env])
    return Credentials(s3_access_key=secrets.get("s3AccessKey"), s3_secret_key=secrets.get("s3SecretKey"),
                       backup_s3_access_key=secrets.get("backupS3AccessKey"),
                       backup_s3_secret_key=secrets.get("backupS3SecretKey"))


# ---------------------------------------------------------------------------------------------- messages

MESSAGES = {
    "missing": lambda e: "required",
    "extra_forbidden": lambda e: "unknown key" + _suggestion(e["loc"]),
    "greater_than_equal": lambda e: f"must be >= {e['ctx']['ge']}",
    "less_than_equal": lambda e: f"must be <= {e['ctx']['le']}",
    "too_short": lambda e: f"must have at least {e['ctx']['min_length']} item(s)",
    "string_too_short": lambda e: f"must be at least {e['ctx']['min_length']} character(s)",
    "int_parsing": lambda e: "must be an integer",
    "int_type": lambda e: "must be an integer",
    "int_from_float": lambda e: "must be an integer",
    "bool_parsing": lambda e: "must be true or false",
    "bool_type": lambda e: "must be true or false",
    "string_type": lambda e: "must be a string",
    "model_type": lambda e: "must be an object (YAML mapping)",
    "model_attributes_type": lambda e: "must be an object (YAML mapping)",
    "list_type": lambda e: "must be a list",
    "value_error": lambda e: e["msg"].removeprefix("Value error, "),
}


def _key(loc: tuple) -> str:
    out = f"{NAMESPACE}:{loc[0]}" if loc else f"{NAMESPACE}"
    for part in loc[1:]:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _problem(error: dict) -> tuple[str, str]:
    message = MESSAGES.get(error["type"], lambda e: e["msg"])(error)
    return _key(tuple(error["loc"])), message


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The model whose keys are valid at loc (for 'did you mean')."""
    model: type[BaseModel] | None = StackConfig
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return None
        model = _unwrap(field.annotation)
    return model


def _unwrap(annotation: Any) -> type[BaseModel] | None:
    """The model inside X, X | None or list[X]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for m in map(_unwrap, typing.get_args(annotation)) if m is not None), None)


def _suggestion(loc: tuple) -> str:
    model = _model_at(tuple(loc[:-1]))
    if model is None or not isinstance(loc[-1], str):
        return ""
    keys = [f.alias or n for n, f in model.model_fields.items()]
    if loc[:-1] == ():
        keys += list(SECRET_KEYS)
    close = difflib.get_close_matches(loc[-1], keys, n=1)
    return f" (did you mean {close[0]}?)" if close else f" (known keys: {', '.join(keys)})"


# ---------------------------------------------------------------------------------------------- cross-checks

def catalogue_problems(cfg: StackConfig, catalogue: Mapping[str, Site]) -> list[tuple[str, str]]:
    """Checks that need more than one key or the site catalogue (policies/data/sites.yaml)."""
    problems = _site_problems(cfg, catalogue)
    problems += _platform_problems(cfg)
    problems += _storage_problems(cfg, catalogue)
    site = catalogue.get(cfg.site)
    if site is not None:
        problems += _network_problems(cfg, site)
    problems += _address_problems(cfg)
    return problems


def _k(key: str) -> str:
    return f"{NAMESPACE}:{key}"


def _site_problems(cfg: StackConfig, catalogue: Mapping[str, Site]) -> list[tuple[str, str]]:
    site = catalogue.get(cfg.site)
    if site is None:
        return [(_k("site"), f"unknown site {cfg.site!r}: not in policies/data/sites.yaml "
                             f"(known: {', '.join(catalogue)})")]
    problems = []
    if site.country != "RU":
        problems.append((_k("site"), f"site {site.id} is in {site.country}, outside Russia (152-FZ art. 18 part 5)"))
    if site.platform != cfg.platform.value:
        problems.append((_k("platform"), f"{cfg.platform.value!r} does not match site {site.id}, "
                                         f"which runs {site.platform}"))
    host_name = endpoint_host(cfg.management_endpoint)
    if host_name not in site.endpoints:
        problems.append((_k("managementEndpoint"), f"host {host_name} is not an endpoint of site {site.id} "
                                                  f"({', '.join(site.endpoints) or 'none listed'})"))
    return problems


def _platform_problems(cfg: StackConfig) -> list[tuple[str, str]]:
    problems = []
    for kind in Platform:
        present = getattr(cfg, kind.value) is not None
        if kind is cfg.platform and not present:
            problems.append((_k(kind.value), f"required for platform {kind.value}"))
        elif kind is not cfg.platform and present:
            problems.append((_k(kind.value), f"set, but the platform is {cfg.platform.value}"))
    problems += _sizing_problems(cfg.platform, "botServers", cfg.bot_servers)
    problems += _sizing_problems(cfg.platform, "storage.database", cfg.storage.database)
    return problems


def _sizing_problems(platform: Platform, key: str, size: Sizing) -> list[tuple[str, str]]:
    problems = []
    if platform is Platform.OPENSTACK:
        if size.flavor is None:
            problems.append((_k(f"{key}.flavor"), "required on openstack"))
        for name, value in (("cpus", size.cpus), ("memoryGb", size.memory_gb)):
            if value is not None:
                problems.append((_k(f"{key}.{name}"), "not used on openstack: the flavor sizes the server"))
        if not UUID_RE.match(size.image):
            problems.append((_k(f"{key}.image"), f"{size.image!r} must be a Glance image ID (UUID) on openstack"))
        return problems
    for name, value in (("cpus", size.cpus), ("memoryGb", size.memory_gb)):
        if value is None:
            problems.append((_k(f"{key}.{name}"), f"required on {platform.value}"))
    if size.flavor is not None:
        problems.append((_k(f"{key}.flavor"), f"not used on {platform.value}: set cpus and memoryGb"))
    if platform is Platform.PROXMOX and not size.image.isdigit():
        problems.append((_k(f"{key}.image"), f"{size.image!r} must be the VM ID of a template on proxmox"))
    return problems


def _site_of_endpoint(url: str, catalogue: Mapping[str, Site]) -> Site | None:
    host_name = endpoint_host(url)
    return next((s for s in catalogue.values() if host_name in s.endpoints), None)


def _storage_problems(cfg: StackConfig, catalogue: Mapping[str, Site]) -> list[tuple[str, str]]:
    store, backup = cfg.storage.object_store, cfg.storage.backup
    problems = []
    store_site = _site_of_endpoint(store.endpoint, catalogue)
    if store_site is None:
        problems.append((_k("storage.objectStore.endpoint"), f"host {endpoint_host(store.endpoint)} is not an "
                                                             "endpoint of any site in policies/data/sites.yaml"))
    elif store_site.country != "RU":
        problems.append((_k("storage.objectStore.endpoint"), f"belongs to site {store_site.id} in "
                                                             f"{store_site.country}, outside Russia (152-FZ)"))
    names = [b.name for b in store.buckets]
    for i, name in enumerate(names):
        if name in names[:i]:
            problems.append((_k(f"storage.objectStore.buckets[{i}].name"), f"duplicate bucket {name}"))
    backup_site = catalogue.get(backup.site)
    if backup_site is None:
        return problems + [(_k("storage.backup.site"), f"unknown site {backup.site!r}: not in "
                                                       "policies/data/sites.yaml")]
    if backup_site.country != "RU":
        problems.append((_k("storage.backup.site"), f"site {backup_site.id} is in {backup_site.country}: "
                                                    "backups of personal data stay in Russia (152-FZ)"))
    if backup_site.id in (cfg.site, store_site.id if store_site else None):
        problems.append((_k("storage.backup.site"), f"{backup_site.id} holds the primary data: back up to "
                                                    "another site"))
    if endpoint_host(backup.endpoint) not in backup_site.endpoints:
        problems.append((_k("storage.backup.endpoint"), f"host {endpoint_host(backup.endpoint)} is not an "
                                                        f"endpoint of backup site {backup_site.id}"))
    return problems


def _network_problems(cfg: StackConfig, site: Site) -> list[tuple[str, str]]:
    net = cfg.network
    cidr = ipaddress.ip_network(net.cidr)
    if not site.networks:
        return [(_k("network.cidr"), f"site {site.id} lists no networks in policies/data/sites.yaml: "
                                     "add the network there first")]
    if not any(cidr.subnet_of(ipaddress.ip_network(n)) for n in site.networks):
        return [(_k("network.cidr"), f"{net.cidr} is not inside the networks of site {site.id} "
                                     f"({', '.join(site.networks)})")]
    return []


def _address_problems(cfg: StackConfig) -> list[tuple[str, str]]:
    net, bots, db = cfg.network, cfg.bot_servers, cfg.storage.database
    cidr = ipaddress.ip_network(net.cidr)
    last = cidr.num_addresses - 2
    problems = []
    gateway = ipaddress.ip_address(net.gateway) if net.gateway else cidr[1]
    if gateway not in cidr:
        return [(_k("network.gateway"), f"{gateway} is not inside {net.cidr}")]
    taken = {int(gateway) - int(cidr.network_address): "network.gateway"}
    if not 2 <= db.host_index <= last:
        problems.append((_k("storage.database.hostIndex"), f"must be between 2 and {last} in {net.cidr}"))
    elif db.host_index in taken:
        problems.append((_k("storage.database.hostIndex"), f"{cidr[db.host_index]} is the gateway"))
    taken[db.host_index] = "storage.database.hostIndex"
    numbers = range(bots.first_host, bots.first_host + bots.count)
    if numbers[-1] > last:
        problems.append((_k("botServers.firstHost"), f"{bots.count} bot servers from host {bots.first_host} "
                                                     f"do not fit in {net.cidr}"))
    clash = next((n for n in numbers if n in taken), None)
    if clash is not None:
        problems.append((_k("botServers.firstHost"), f"bot server address {cidr[clash]} is also "
                                                     f"{NAMESPACE}:{taken[clash]}"))
    return problems
