"""The CrossGuard pack: the same rules at `pulumi preview --policy-pack`, tested directly and over the real
analyzer protocol (the pack started as the Pulumi CLI starts it, gRPC on loopback)."""

from __future__ import annotations

import subprocess
import sys

import grpc
import pytest
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from pulumi_policy import PolicyProviderResource, PolicyResource, PolicyResourceOptions, StackValidationArgs
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from sovstack import crossguard
from sovstack.rules import pulumigraph

OVH = "https://auth.cloud.ovh.net/v3"
VK = "https://infra.mail.ru:35357/v3/"


def resource(rtype, props, provider_url=None, protect=False, name="r"):
    provider = PolicyProviderResource("pulumi:providers:openstack", unknown_checking_proxy({"authUrl": provider_url}),
                                      f"urn:pulumi:dev::p::pulumi:providers:openstack::{name}-prov", f"{name}-prov") \
        if provider_url else None
    opts = PolicyResourceOptions(protect, [], None, [], None, [])
    return PolicyResource(rtype, unknown_checking_proxy(props), f"urn:pulumi:dev::p::{rtype}::{name}", name, opts,
                          provider, None, [], {})


def violations(policy_id, resources):
    found = []
    crossguard.validator(pulumigraph.RULES[policy_id])(StackValidationArgs(resources, {}),
                                                        lambda message, urn=None: found.append((message, urn)))
    return found


def test_every_graph_rule_is_a_policy_of_the_pack(catalogue):
    names = {p.name for p in crossguard.policies(catalogue)}
    assert names == {pid.lower() for pid in pulumigraph.RULES}


def test_provider_abroad_is_reported_through_its_resources():
    found = violations("SOV-RES-005", [resource("openstack:blockstorage/volume:Volume", {"size": 10}, OVH, True)])
    assert [urn for _, urn in found] == ["urn:pulumi:dev::p::pulumi:providers:openstack::r-prov"]
    assert "OVH" in found[0][0]
    assert violations("SOV-RES-005", [resource("openstack:blockstorage/volume:Volume", {"size": 10}, VK, True)]) == []


def test_unknown_values_during_preview_do_not_make_a_policy_pass_or_crash():
    rule = resource("openstack:networking/secGroupRule:SecGroupRule", {
        "direction": "ingress", "protocol": "tcp", "portRangeMin": 22, "portRangeMax": 22,
        "remoteIpPrefix": "0.0.0.0/0", "securityGroupId": UNKNOWN_STRING_VALUE}, VK)
    found = violations("SOV-NET-001", [rule])
    assert len(found) == 1 and "22" in found[0][0]


def test_unprotected_volume_and_open_egress():
    assert len(violations("SOV-RES-008", [resource("openstack:blockstorage/volume:Volume", {}, VK)])) == 1
    assert violations("SOV-RES-008", [resource("openstack:blockstorage/volume:Volume", {}, VK, protect=True)]) == []
    assert len(violations("SOV-NET-002", [resource("openstack:networking/secGroup:SecGroup", {}, VK)])) == 1


def test_enforcement_follows_severity(catalogue):
    levels = {p.name: p.enforcement_level.value for p in crossguard.policies(catalogue)}
    for pid in pulumigraph.RULES:
        expected = "mandatory" if catalogue.get(pid).severity.value in ("high", "critical") else "advisory"
        assert levels[pid.lower()] == expected


def _analyzer_resource(rtype, props, urn, provider=None, protect=False):
    struct = struct_pb2.Struct()
    json_format.ParseDict(props, struct)
    res = analyzer_pb2.AnalyzerResource(type=rtype, properties=struct, urn=urn, name=urn.rsplit("::", 1)[-1],
                                        options=analyzer_pb2.AnalyzerResourceOptions(protect=protect))
    if provider:
        pstruct = struct_pb2.Struct()
        json_format.ParseDict(provider["props"], pstruct)
        res.provider.CopyFrom(analyzer_pb2.AnalyzerProviderResource(
            type=provider["type"], properties=pstruct, urn=provider["urn"], name="p"))
    return res


@pytest.fixture(scope="module")
def pack(root):
    """The policy pack process, started the way the Pulumi CLI starts it: it prints its port and serves."""
    proc = subprocess.Popen([sys.executable, str(root / "policies/crossguard/__main__.py")], cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        port = int(proc.stdout.readline().decode().strip())
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(channel).result(timeout=30)
        yield analyzer_pb2_grpc.AnalyzerStub(channel)
        channel.close()
    finally:
        proc.kill()
        proc.wait()


def test_pack_over_the_analyzer_protocol(pack):
    info = pack.GetAnalyzerInfo(__import__("google.protobuf.empty_pb2", fromlist=["Empty"]).Empty())
    assert info.name == "sovstack"
    assert {p.name for p in info.policies} >= {"sov-res-005", "sov-net-001"}
    provider = {"type": "pulumi:providers:openstack", "urn": "urn:pulumi:dev::p::pulumi:providers:openstack::ovh",
                "props": {"authUrl": OVH}}
    request = analyzer_pb2.AnalyzeStackRequest(resources=[
        _analyzer_resource("openstack:blockstorage/volume:Volume", {"size": 10},
                           "urn:pulumi:dev::p::openstack:blockstorage/volume:Volume::db", provider),
        _analyzer_resource("openstack:networking/secGroupRule:SecGroupRule",
                           {"direction": "ingress", "protocol": "tcp", "portRangeMin": 80, "portRangeMax": 80,
                            "remoteIpPrefix": "0.0.0.0/0"},
                           "urn:pulumi:dev::p::openstack:networking/secGroupRule:SecGroupRule::http", provider,
                           protect=False)])
    response = pack.AnalyzeStack(request)
    by_policy = {}
    for d in response.diagnostics:
        by_policy.setdefault(d.policyName, []).append(d)
    assert set(by_policy) == {"sov-res-005", "sov-res-008", "sov-net-001"}
    assert by_policy["sov-res-005"][0].enforcementLevel == analyzer_pb2.MANDATORY
    assert by_policy["sov-net-001"][0].urn.endswith("::http")
    assert "auth.cloud.ovh.net" in by_policy["sov-res-005"][0].message
