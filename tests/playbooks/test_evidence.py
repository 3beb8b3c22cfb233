"""sovstack.evidence: the verify.yml evidence schema and its loader's errors, which name the file."""

from __future__ import annotations

import json

import pytest

from sovstack import evidence as ev


def host(name: str, passed: bool = True) -> dict:
    return {"name": name, "address": "10.0.0.1", "groups": ["storage"], "passed": passed, "region": "ru-central1",
            "site": "dc", "service_mgr": "systemd", "egress_mode": "deny", "hostname": name,
            "checks": [{"id": "egress.foreign_refused", "passed": passed, "message": "m"}],
            "egress": [{"messenger": "telegram", "host": "api.telegram.org", "port": 443,
                        "addresses": ["149.154.167.220"], "result": "refused", "detail": "connection refused"}],
            "egress_rules_loaded": True,
            "volumes": [{"path": "/srv/pgdata/15/main", "expected_mount": "/srv/pgdata", "exists": True,
                         "mount": "/srv/pgdata", "source": "/dev/vdb", "fstype": "ext4", "local": True,
                         "passed": True}],
            "ca_certificates": [{"name": "root", "sha256": "ab" * 32, "installed": True}],
            "foreign_findings": [], "files_scanned": 10,
            "services": [{"name": "postgresql", "running": True, "detail": "ok"}],
            "listening": [{"port": 5432, "listening": True}],
            "backup": {"status_file": "/srv/backup/last-backup.json", "present": True, "time": "20260520T000000Z",
                       "dumps": ["bot-20260520T000000Z.dump"], "restore_checked": True}}


def doc(*hosts: dict) -> dict:
    return {"schema_version": 1, "generator": "sovstack playbooks/verify.yml",
            "generated_at": "2026-05-20T10:00:00Z", "passed": all(h["passed"] for h in hosts), "hosts": list(hosts)}


def write(tmp_path, data) -> str:
    p = tmp_path / "evidence.json"
    p.write_text(data if isinstance(data, str) else json.dumps(data))
    return p


def test_valid_evidence_loads(tmp_path):
    unreachable = {"name": "db-2", "address": "10.0.0.2", "groups": ["storage"], "passed": False,
                   "checks": [{"id": "evidence.collected", "passed": False, "message": "unreachable"}]}
    e = ev.load(write(tmp_path, doc(host("db-1"), unreachable)))
    assert not e.passed and [h.name for h in e.failed_hosts()] == ["db-2"]
    assert e.host("db-1").egress[0].result is ev.EgressResult.REFUSED
    assert e.host("db-2").failed_checks()[0].id == "evidence.collected"


@pytest.mark.parametrize("mutate, message", [
    (lambda d: "{not json", "not valid JSON"),
    (lambda d: [], "must be a JSON object"),
    (lambda d: d | {"schema_version": 2}, "unsupported schema_version 2"),
    (lambda d: d | {"extra": 1}, "extra"),
    (lambda d: d | {"passed": False}, "'passed' is False but the hosts say True"),
    (lambda d: {**d, "hosts": [host("x") | {"egress": [{**host("x")["egress"][0], "result": "open"}]}]},
     "hosts.0.egress.0.result"),
    (lambda d: {**d, "hosts": [host("x") | {"passed": True, "checks": [{"id": "a", "passed": False,
                                                                         "message": "m"}]}]},
     "host x: 'passed' disagrees"),
])
def test_bad_evidence_is_refused_naming_the_file(tmp_path, mutate, message):
    path = write(tmp_path, mutate(doc(host("x"))))
    with pytest.raises(ev.EvidenceError) as err:
        ev.load(path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(ev.EvidenceError, match="nope.json: cannot read"):
        ev.load(tmp_path / "nope.json")
