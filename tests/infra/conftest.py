"""Pulumi mocks for the region program, set once: generic (outputs = inputs), as the offline planner uses them."""

from __future__ import annotations

import json
import runpy
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pytest
import yaml
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.settings import get_root_resource

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
if str(INFRA) not in sys.path:  # the program imports config, components and providers as top-level packages
    sys.path.insert(0, str(INFRA))

STACK = "test"


class GenericMocks(pulumi.runtime.Mocks):
    """The offline planner's mocks: a resource's outputs are its inputs; an invoke returns an id and its args."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        return args.name + "_id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs):
        label = args.args.get("name") or json.dumps(args.args, sort_keys=True)
        return {"id": f"{args.token}-{label}", **args.args}


@dataclass
class Registration:
    type: str
    name: str
    parent: str
    provider: str
    protect: bool
    custom: bool
    inputs: dict


class RecordingMonitor(MockMonitor):
    """Records what the program sends to the engine, including the protect flag mocks do not see."""

    def __init__(self, mocks: pulumi.runtime.Mocks):
        super().__init__(mocks)
        self.registrations: list[Registration] = []

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            inputs = rpc.deserialize_properties(request.object)
            self.registrations.append(Registration(request.type, request.name, request.parent, request.provider,
                                                   request.protect, request.custom, dict(inputs)))
        return response


MONITOR = RecordingMonitor(GenericMocks())
with warnings.catch_warnings():  # the SDK creates a future outside an event loop while setting mocks
    warnings.simplefilter("ignore", DeprecationWarning)
    pulumi.runtime.set_mocks(MONITOR.mocks, project="sovstack-regions", stack=STACK, preview=True, monitor=MONITOR)


class Recorder:
    """The registrations of one test."""

    def __init__(self, monitor: RecordingMonitor):
        self.monitor = monitor
        monitor.registrations.clear()

    @property
    def all(self) -> list[Registration]:
        return list(self.monitor.registrations)

    def of_type(self, rtype: str) -> list[Registration]:
        return [r for r in self.monitor.registrations if r.type == rtype]

    def named(self, name: str) -> Registration:
        matches = [r for r in self.monitor.registrations if r.name == name]
        assert len(matches) == 1, f"{name}: {len(matches)} registrations"
        return matches[0]


@pytest.fixture()
def recorder() -> Recorder:
    return Recorder(MONITOR)


def _stack_config(stack: str) -> dict:
    """The config block of a stack file in the repository."""
    return yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))["config"]


def as_pulumi_config(cfg: dict) -> dict[str, str]:
    """Config as the engine hands it to a program: object values as JSON strings."""
    return {k: json.dumps(v) if isinstance(v, (dict, list)) else str(v) for k, v in cfg.items()}


def _run_program(cfg: dict, secret_keys: tuple[str, ...] = ()) -> dict:
    """Run infra/__main__.py as the offline planner does and return its resolved stack outputs."""
    pulumi.runtime.set_all_config(as_pulumi_config(cfg), list(secret_keys))
    resolved: dict = {}

    @pulumi.runtime.test
    def program():
        runpy.run_path(str(INFRA / "__main__.py"))
        outputs = get_root_resource().outputs
        keys = list(outputs)
        return pulumi.Output.all(*[outputs[k] for k in keys]).apply(lambda values: resolved.update(zip(keys, values)))

    program()
    return resolved


@pytest.fixture()
def stack_config():
    """stack_config(name) -> the config block of Pulumi.<name>.yaml (a fresh copy to modify)."""
    return _stack_config


@pytest.fixture()
def run_program(recorder):
    """run_program(cfg) -> resolved stack outputs of infra/__main__.py under the generic mocks."""
    return _run_program


# ------------------------------------------------------------------------------------------ adapters

ADAPTERS = ("openstack", "proxmox", "vsphere")
GLANCE_IMAGE = "6b1f3c2e-8d4a-4e7b-9c15-2a7d0e9f4b31"


def build_adapter(kind: str, prefix: str):
    """An adapter with fixed platform settings, as make_adapter would build it from a stack file."""
    from providers.openstack import OpenStackAdapter
    from providers.proxmox import ProxmoxAdapter
    from providers.vsphere import VsphereAdapter

    if kind == "openstack":
        return OpenStackAdapter(prefix=prefix, auth_url="https://openstack.gov74.internal:5000/v3",
                                region="RegionOne", key_pair="ops", availability_zone="nova-az1")
    if kind == "proxmox":
        return ProxmoxAdapter(prefix=prefix, endpoint="https://pve.udmurt.internal:8006/", node_name="pve-izh-01",
                              first_vm_id=1800, ssh_authorized_keys=("ssh-ed25519 AAAAC3Nza ops@test",),
                              bridge="vmbr1", vlan_id=218)
    return VsphereAdapter(prefix=prefix, server_host="vcenter.tyumen.internal", datacenter="TMN-DC1",
                          resource_pool="gov-cluster-01/Resources", datastore="vsan-gov-01",
                          port_group="dvpg-max-bots-172", domain="bots.tyumen.internal")


def sizing(kind: str) -> dict:
    """Server sizing keyword arguments valid on the platform."""
    if kind == "openstack":
        return {"flavor": "m1.medium", "image": GLANCE_IMAGE}
    return {"cpus": 2, "memory_gb": 4, "image": "9001" if kind == "proxmox" else "astra-1.7.5-template"}


def network_args(adapter, **overrides):
    from components.network import EgressProxySpec, NetworkArgs

    values = {"adapter": adapter, "cidr": "10.74.20.0/24", "gateway": "10.74.20.1",
              "dns_servers": ("10.74.0.2",), "admin_cidr": "10.74.250.0/24",
              "egress_cidrs": ("10.74.0.0/16", "10.75.0.0/16"), "egress_proxy": EgressProxySpec("10.74.0.10", 3128)}
    values.update(overrides)
    return NetworkArgs(**values)


@pytest.fixture(params=ADAPTERS)
def kind(request) -> str:
    return request.param


@pytest.fixture()
def kit():
    """Helpers to build adapters and component args without a stack file."""
    from types import SimpleNamespace

    return SimpleNamespace(adapter=build_adapter, sizing=sizing, network_args=network_args)


def pytest_collection_modifyitems(items):
    """The provider SDKs warn about their own deprecated modules when imported; that is not the program's."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.filterwarnings(r"ignore::DeprecationWarning:pulumi_openstack\..*"))
            item.add_marker(pytest.mark.filterwarnings(r"ignore:There is no current event loop:DeprecationWarning"))
