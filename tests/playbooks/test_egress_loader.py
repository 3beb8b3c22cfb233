"""The egress_guard rule loader: the nftables ruleset it renders for deny and strict mode."""

from __future__ import annotations

import importlib.util
import ipaddress
import sys
from pathlib import Path

import pytest

LOADER = Path(__file__).resolve().parents[2] / "playbooks/roles/egress_guard/files/sovstack_egress.py"
spec = importlib.util.spec_from_file_location("sovstack_egress", LOADER)
egress = importlib.util.module_from_spec(spec)
sys.modules["sovstack_egress"] = egress
spec.loader.exec_module(egress)

NAMES = {"api.telegram.org": ["127.66.0.1"], "chatapi.viber.com": ["127.66.0.2", "2001:db8::2"],
         "platform-api2.max.ru": ["10.213.47.2"]}


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch):
    def resolve(names):
        found, missing = set(), []
        for n in names:
            if n in NAMES:
                found |= {ipaddress.ip_network(a) for a in NAMES[n]}
            else:
                missing.append(n)
        return found, missing
    monkeypatch.setattr(egress, "resolve", resolve)
    monkeypatch.setattr(egress, "resolvers", lambda: {ipaddress.ip_network("10.0.0.53")})


def config(mode: str) -> dict:
    return {"mode": mode, "table": "sovstack_egress", "deny_hosts": ["api.telegram.org", "chatapi.viber.com",
                                                                      "kit.snapchat.com"],
            "deny_networks": ["149.154.160.0/20", "2001:b28:f23d::/48"], "allow_hosts": ["platform-api2.max.ru"],
            "allow_networks": ["10.20.0.0/24"], "allow_resolvers": True}


def test_deny_mode_refuses_the_deny_list_and_nothing_else():
    rules, unresolved = egress.render(config("deny"))
    assert unresolved == ["kit.snapchat.com"]
    assert "elements = { 127.66.0.1/32, 127.66.0.2/32, 149.154.160.0/20 }" in rules
    assert "elements = { 2001:b28:f23d::/48, 2001:db8::2/128 }" in rules
    assert "ip daddr @deny4 meta l4proto tcp counter reject with tcp reset" in rules
    assert "policy accept" in rules and "ct state established" not in rules
    assert rules.splitlines()[1:3] == ["table inet sovstack_egress", "delete table inet sovstack_egress"]


def test_strict_mode_allows_max_resolvers_and_listed_networks_only():
    rules, _ = egress.render(config("strict"))
    allow4 = rules.split("set allow4")[1].split("}")[0]
    assert "10.0.0.53" in allow4 and "10.20.0.0/24" in allow4 and "10.213.47.2" in allow4
    body = rules.split("chain output")[1]
    order = [body.index(x) for x in ("@deny4", "ct state established,related accept", '"lo" accept',
                                     "@allow4 accept", "tcp flags & (syn | ack) != syn accept",
                                     "meta l4proto tcp counter reject with tcp reset\n    counter reject")]
    assert order == sorted(order), "deny first, then sessions, loopback, allow list, refuse the rest"


def test_config_is_validated(tmp_path):
    bad = tmp_path / "c.json"
    bad.write_text('{"mode": "open", "table": "t"}')
    with pytest.raises(SystemExit, match="mode must be"):
        egress.load_config(str(bad))
    bad.write_text('{"mode": "deny", "table": "t; flush ruleset"}')
    with pytest.raises(SystemExit, match="plain identifier"):
        egress.load_config(str(bad))
