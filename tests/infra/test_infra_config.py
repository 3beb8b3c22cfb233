"""infra/config.py: the five real stack files load; invalid config names the stack file and the key."""

from __future__ import annotations

import copy
import ipaddress
import json

import pulumi
import pytest

import config
from config import ConfigError, Site

STACKS = ("chelyabinsk", "udmurtia", "tyumen", "novosibirsk", "nizhny-novgorod")


@pytest.mark.parametrize("stack", STACKS)
def test_real_stack_files_load(stack, stack_config):
    settings = config.load(stack_config(stack), stack)
    cfg = settings.config
    assert settings.site.id == cfg.site and settings.site.country == "RU"
    assert settings.site.platform == cfg.platform.value
    assert settings.backup_site.country == "RU" and settings.backup_site.id != settings.site.id
    assert config.endpoint_host(cfg.management_endpoint) in settings.site.endpoints
    addresses = [*settings.bot_addresses, settings.database_address]
    assert len(set(addresses)) == len(addresses) == cfg.bot_servers.count + 1
    assert all(config.is_private(ipaddress.ip_address(a)) for a in addresses)
    assert all(e != "0.0.0.0/0" for e in settings.egress_cidrs)


def base(stack_config, stack="chelyabinsk") -> dict:
    return copy.deepcopy(stack_config(stack))


def error_of(cfg: dict, stack: str = "tyumen", **kwargs) -> str:
    with pytest.raises(ConfigError) as info:
        config.load(cfg, stack, **kwargs)
    return str(info.value)


def set_key(cfg: dict, key: str, value) -> None:
    """set_key(cfg, "sovstack:storage.backup.retentionDays", 3); value DELETE removes the key."""
    top, *path = key.split(".")
    target, last = (cfg, top) if not path else (cfg[top], path[-1])
    for part in path[:-1]:
        target = target[part]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value


DELETE = object()

# (stack file to start from, {key: new value}, the error line expected for Pulumi.tyumen.yaml)
INVALID = {
    "retention too low": ("tyumen", {"sovstack:storage.backup.retentionDays": 3},
                          "sovstack:storage.backup.retentionDays: must be >= 7"),
    "unknown top-level key": ("chelyabinsk", {"sovstack:platfrom": "openstack"},
                              "sovstack:platfrom: unknown key (did you mean platform?)"),
    "unknown nested key": ("chelyabinsk", {"sovstack:storage.backup.retentionDay": 30},
                           "sovstack:storage.backup.retentionDay: unknown key (did you mean retentionDays?)"),
    "unknown site": ("chelyabinsk", {"sovstack:site": "chelyabinsk-gov-dc9"},
                     "sovstack:site: unknown site 'chelyabinsk-gov-dc9'"),
    "platform mismatch": ("udmurtia", {"sovstack:site": "tyumen-gov-dc1",
                                       "sovstack:managementEndpoint": "https://vcenter.tyumen.internal"},
                          "sovstack:platform: 'proxmox' does not match site tyumen-gov-dc1, which runs vsphere"),
    "http management endpoint": ("chelyabinsk", {"sovstack:managementEndpoint": "http://openstack.gov74.internal"},
                                 "sovstack:managementEndpoint: 'http://openstack.gov74.internal' must be an "
                                 "https:// URL"),
    "http object store": ("chelyabinsk", {"sovstack:storage.objectStore.endpoint": "http://s3.gov74.internal:9000"},
                          "sovstack:storage.objectStore.endpoint: 'http://s3.gov74.internal:9000' must be an "
                          "https:// URL"),
    "backup endpoint without scheme": ("chelyabinsk", {"sovstack:storage.backup.endpoint": "s3.dc2.gov74.internal"},
                                       "sovstack:storage.backup.endpoint: 's3.dc2.gov74.internal' must be an "
                                       "https:// URL"),
    "endpoint of another site": ("chelyabinsk", {"sovstack:managementEndpoint": "https://openstack.example.com/v3"},
                                 "sovstack:managementEndpoint: host openstack.example.com is not an endpoint of "
                                 "site chelyabinsk-gov-dc1"),
    "public admin cidr": ("chelyabinsk", {"sovstack:network.adminCidr": "95.167.0.0/24"},
                          "sovstack:network.adminCidr: 95.167.0.0/24 is not a private (RFC 1918) network"),
    "public egress cidr": ("chelyabinsk", {"sovstack:network.egressCidrs": ["10.74.0.0/16", "217.20.0.0/16"]},
                           "sovstack:network.egressCidrs[1]: 217.20.0.0/16 is not a private"),
    "public egress without reason": ("chelyabinsk", {"sovstack:network.publicEgress": [
        {"cidr": "217.20.0.0/16", "reason": "short"}]},
        "sovstack:network.publicEgress[0].reason: must be at least 10 character(s)"),
    "allow-all egress": ("chelyabinsk", {"sovstack:network.publicEgress": [
        {"cidr": "0.0.0.0/0", "reason": "the bots need the internet"}]},
        "sovstack:network.publicEgress[0].cidr: allow-all egress (0.0.0.0/0) is not allowed"),
    "network outside the site": ("chelyabinsk", {"sovstack:network.cidr": "10.99.20.0/24"},
                                 "sovstack:network.cidr: 10.99.20.0/24 is not inside the networks of site "
                                 "chelyabinsk-gov-dc1"),
    "cidr with host bits": ("chelyabinsk", {"sovstack:network.cidr": "10.74.20.7/24"},
                            "sovstack:network.cidr: '10.74.20.7/24' has host bits set or is not in CIDR form; did "
                            "you mean 10.74.20.0/24?"),
    "backup on the primary site": ("chelyabinsk", {"sovstack:storage.backup.site": "chelyabinsk-gov-dc1"},
                                   "sovstack:storage.backup.site: chelyabinsk-gov-dc1 holds the primary data"),
    "snake_case key": ("chelyabinsk", {"sovstack:botServers.disk_gb": 40, "sovstack:botServers.diskGb": DELETE},
                       "sovstack:botServers.disk_gb: unknown key (did you mean diskGb?)"),
    "flavor on proxmox": ("udmurtia", {"sovstack:botServers.flavor": "m1.medium"},
                          "sovstack:botServers.flavor: not used on proxmox: set cpus and memoryGb"),
    "cpus missing on proxmox": ("udmurtia", {"sovstack:storage.database.cpus": DELETE},
                                "sovstack:storage.database.cpus: required on proxmox"),
    "openstack image not a glance id": ("chelyabinsk", {"sovstack:botServers.image": "astra-1.7"},
                                        "sovstack:botServers.image: 'astra-1.7' must be a Glance image ID (UUID) on "
                                        "openstack"),
    "address collision": ("chelyabinsk", {"sovstack:botServers.firstHost": 4},
                          "sovstack:botServers.firstHost: bot server address 10.74.20.5 is also "
                          "sovstack:storage.database.hostIndex"),
    "bot servers do not fit": ("chelyabinsk", {"sovstack:botServers.firstHost": 254},
                               "sovstack:botServers.firstHost: 2 bot servers from host 254 do not fit in "
                               "10.74.20.0/24"),
    "bad bucket name": ("chelyabinsk", {"sovstack:storage.objectStore.buckets": [{"name": "Bad_Bucket"}]},
                        "sovstack:storage.objectStore.buckets[0].name: 'Bad_Bucket' is not a valid S3 bucket name"),
    "duplicate bucket": ("chelyabinsk", {"sovstack:storage.objectStore.buckets": [{"name": "b-one"}, {"name": "b-one"}]},
                         "sovstack:storage.objectStore.buckets[1].name: duplicate bucket b-one"),
    "secret in plain text": ("chelyabinsk", {"sovstack:s3SecretKey": "minio-secret-in-clear"},
                             "sovstack:s3SecretKey: must be a secret (pulumi config set --secret)"),
    "broken JSON object": ("chelyabinsk", {"sovstack:network": "{not json"},
                           "sovstack:network: must be an object (YAML mapping)"),
}


@pytest.mark.parametrize("start, changes, expected", INVALID.values(), ids=INVALID.keys())
def test_invalid_config_names_the_file_and_the_key(stack_config, start, changes, expected):
    cfg = base(stack_config, start)
    for key, value in changes.items():
        set_key(cfg, key, value)
    lines = error_of(cfg).splitlines()
    assert any(line.startswith(f"Pulumi.tyumen.yaml: {expected}") for line in lines), lines


FOREIGN = Site(id="almaty-dc1", operator="Foreign operator", city="Almaty", country="KZ", platform="openstack",
               endpoints=("s3.almaty.example.kz",), networks=("10.200.0.0/16",))


def test_foreign_backup_site(stack_config):
    cfg = base(stack_config)
    set_key(cfg, "sovstack:storage.backup.site", "almaty-dc1")
    set_key(cfg, "sovstack:storage.backup.endpoint", "https://s3.almaty.example.kz:9000")
    message = error_of(cfg, catalogue={**config.sites(), FOREIGN.id: FOREIGN})
    assert "Pulumi.tyumen.yaml: sovstack:storage.backup.site: site almaty-dc1 is in KZ: backups of personal " \
           "data stay in Russia (152-FZ)" in message.splitlines()


def test_foreign_object_store(stack_config):
    cfg = base(stack_config)
    set_key(cfg, "sovstack:storage.objectStore.endpoint", "https://s3.almaty.example.kz")
    message = error_of(cfg, catalogue={**config.sites(), FOREIGN.id: FOREIGN})
    assert "Pulumi.tyumen.yaml: sovstack:storage.objectStore.endpoint: belongs to site almaty-dc1 in KZ, outside " \
           "Russia (152-FZ)" in message.splitlines()


def test_platform_block_must_match(stack_config):
    cfg = base(stack_config)
    cfg["sovstack:proxmox"] = {"nodeName": "pve1", "firstVmId": 100, "sshAuthorizedKeys": ["ssh-ed25519 AAAA x"]}
    del cfg["sovstack:openstack"]
    message = error_of(cfg)
    assert "sovstack:openstack: required for platform openstack" in message
    assert "sovstack:proxmox: set, but the platform is openstack" in message


def test_every_problem_is_reported_at_once(stack_config):
    cfg = base(stack_config)
    cfg["sovstack:storage"]["backup"]["retentionDays"] = 1
    cfg["sovstack:network"]["adminCidr"] = "8.8.8.0/24"
    lines = error_of(cfg).splitlines()
    assert len(lines) == 2 and all(line.startswith("Pulumi.tyumen.yaml: sovstack:") for line in lines)


def test_secure_values_become_pulumi_secrets(stack_config):
    cfg = base(stack_config)
    cfg["sovstack:backupS3SecretKey"] = "placeholder-from-the-planner"
    settings = config.load(cfg, "chelyabinsk", secret_keys=["sovstack:backupS3SecretKey"])
    secret = settings.credentials.backup_s3_secret_key
    assert settings.credentials.s3_secret_key is None

    def check(values):
        is_secret, value = values
        assert is_secret is True and value == "placeholder-from-the-planner"

    @pulumi.runtime.test
    def resolve():
        return pulumi.Output.all(secret.is_secret(), secret).apply(check)

    resolve()


def test_pulumi_config_source_is_read_from_the_runtime(stack_config):
    """The path `pulumi up` takes: values from the engine (objects as JSON strings), errors name the key."""
    cfg = base(stack_config)
    cfg["sovstack:storage"]["backup"]["retentionDays"] = 5
    pulumi.runtime.set_all_config({k: json.dumps(v) if isinstance(v, dict) else v
                                   for k, v in cfg.items()}, [])
    with pytest.raises(ConfigError) as info:
        config.load(pulumi.Config("sovstack"), "chelyabinsk")
    assert str(info.value) == "Pulumi.chelyabinsk.yaml: sovstack:storage.backup.retentionDays: must be >= 7"
