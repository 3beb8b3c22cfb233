"""Live evidence from the hosts, as written by playbooks/verify.yml: pydantic models and a validating loader.

Schema (version 1) of the JSON file (`-e verify_evidence_file=FILE`, default `sovstack-evidence.json`):

    schema_version   1
    generator        "sovstack playbooks/verify.yml"
    generated_at     UTC time, ISO 8601 ("2026-05-20T10:00:00Z")
    passed           true when every host passed every check
    hosts[]          one per inventory host:
      name, address, groups[], region, site    inventory name, ansible_host, groups, sovstack_region/_site
      service_mgr, egress_mode                 "systemd"|"sysvinit"…, "deny"|"strict"
      hostname                                 the host's own name
      passed                                   every check below passed
      checks[] {id, passed, message}           ids: egress.foreign_refused, storage.local_volume,
                                               trust.national_ca, foreign.none_on_disk, services.up,
                                               evidence.collected (only when a host gave no evidence)
      egress[] {messenger, host, port, addresses[], result, detail}
                                               result: refused|blocked|timeout|unresolved|connected
      egress_rules_loaded                      the nftables table of egress_guard is loaded
      volumes[] {path, expected_mount, exists, mount, source, fstype, local, passed}
      ca_certificates[] {name, sha256, installed}   SHA-256 of the DER certificate, found in the bundle
      foreign_findings[] {path, line, messenger, kind, excerpt}
                                               kind: token|endpoint|receiver|credential (secrets masked)
      files_scanned
      services[] {name, running, detail}
      listening[] {port, listening}
      backup {status_file, present, time, dumps[], restore_checked} | null   (storage nodes)

A host that was unreachable has only name, address, groups, passed=false and one failed
`evidence.collected` check. `load(path)` validates a file and raises EvidenceError naming the file.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

SCHEMA_VERSION = 1


class EvidenceError(ValueError):
    """The evidence file is missing, not JSON, or does not match the schema."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EgressResult(StrEnum):
    REFUSED = "refused"
    BLOCKED = "blocked"
    TIMEOUT = "timeout"
    UNRESOLVED = "unresolved"
    CONNECTED = "connected"


class Check(_Model):
    id: str
    passed: bool
    message: str


class EgressProbe(_Model):
    messenger: str
    host: str
    port: int
    addresses: list[str]
    result: EgressResult
    detail: str


class Volume(_Model):
    path: str
    expected_mount: str
    exists: bool
    mount: str
    source: str
    fstype: str
    local: bool
    passed: bool


class CaCertificate(_Model):
    name: str
    sha256: str
    installed: bool


class ForeignFinding(_Model):
    path: str
    line: int
    messenger: str
    kind: str
    excerpt: str


class Service(_Model):
    name: str
    running: bool
    detail: str


class Port(_Model):
    port: int
    listening: bool


class Backup(_Model):
    status_file: str
    present: bool
    time: str | None
    dumps: list[str]
    restore_checked: bool


class HostEvidence(_Model):
    name: str
    address: str
    groups: list[str]
    passed: bool
    checks: list[Check]
    region: str = ""
    site: str = ""
    service_mgr: str | None = None
    egress_mode: str | None = None
    hostname: str | None = None
    egress: list[EgressProbe] = Field(default_factory=list)
    egress_rules_loaded: bool = False
    volumes: list[Volume] = Field(default_factory=list)
    ca_certificates: list[CaCertificate] = Field(default_factory=list)
    foreign_findings: list[ForeignFinding] = Field(default_factory=list)
    files_scanned: int = 0
    services: list[Service] = Field(default_factory=list)
    listening: list[Port] = Field(default_factory=list)
    backup: Backup | None = None

    def failed_checks(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]


class Evidence(_Model):
    schema_version: int
    generator: str
    generated_at: dt.datetime
    passed: bool
    hosts: list[HostEvidence]

    def host(self, name: str) -> HostEvidence:
        for h in self.hosts:
            if h.name == name:
                return h
        raise KeyError(name)

    def failed_hosts(self) -> list[HostEvidence]:
        return [h for h in self.hosts if not h.passed]


def _where(err: ValidationError) -> str:
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    more = f" (and {err.error_count() - 1} more)" if err.error_count() > 1 else ""
    return f"{loc}: {first['msg']}{more}"


def load(path: str | Path) -> Evidence:
    """Reads and validates an evidence file; raises EvidenceError naming the file and the first problem."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EvidenceError(f"{path}: cannot read evidence file: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise EvidenceError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise EvidenceError(f"{path}: evidence must be a JSON object, got {type(raw).__name__}")
    if raw.get("schema_version") != SCHEMA_VERSION:
        raise EvidenceError(f"{path}: unsupported schema_version {raw.get('schema_version')!r} "
                            f"(expected {SCHEMA_VERSION})")
    try:
        evidence = Evidence.model_validate(raw)
    except ValidationError as exc:
        raise EvidenceError(f"{path}: does not match the evidence schema: {_where(exc)}") from exc
    derived = all(h.passed for h in evidence.hosts)
    if evidence.passed != derived:
        raise EvidenceError(f"{path}: 'passed' is {evidence.passed} but the hosts say {derived}")
    for h in evidence.hosts:
        if h.passed != all(c.passed for c in h.checks):
            raise EvidenceError(f"{path}: host {h.name}: 'passed' disagrees with its checks")
    return evidence
