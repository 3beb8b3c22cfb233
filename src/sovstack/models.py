"""The one result model that every collector, policy and report format shares."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from sovstack.evidence import Evidence


class Category(StrEnum):
    FOREIGN_MESSENGER = "foreign-messenger"
    DATA_RESIDENCY = "data-residency"
    LOCATION_UNVERIFIED = "location-unverified"
    GOVERNANCE = "governance"  # self-waiver attempts and other process findings
    DATA_PROTECTION = "data-protection"  # safeguards for personal data: no accidental deletion, no open ports


class Severity(StrEnum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Status(StrEnum):
    FAILED = "failed"
    PASSED = "passed"
    WAIVED = "waived"
    BASELINED = "baselined"  # accepted as existing in the --baseline file: shown, does not fail the run


class InputStatus(StrEnum):
    """The one state every file under a scanned path ends in."""

    EVALUATED = "evaluated"
    ERROR = "error"  # could not be evaluated: not compliant until fixed
    EXCLUDED = "excluded"  # left out by an ignore pattern (which one, from where: `rule`)
    SKIPPED = "skipped"  # not configuration (binary, prose...), with the evidence in `reason`


class Kind(StrEnum):
    ANSIBLE = "ansible"
    TERRAFORM = "terraform"
    KUBERNETES = "kubernetes"
    COMPOSE = "compose"
    ALERTMANAGER = "alertmanager"
    GRAFANA = "grafana"
    ZABBIX = "zabbix"
    PULUMI_PROGRAM = "pulumi-program"
    PULUMI_STATE = "pulumi-state"
    PULUMI_CONFIG = "pulumi-config"
    YAML = "yaml"  # structured data of no more specific kind
    JSON = "json"
    ENV = "env"
    SHELL = "shell"
    TEMPLATE = "template"
    CONFIG = "config"
    SOURCE = "source"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PulumiRef(Strict):
    """A Pulumi resource as seen in a plan, a preview or a stack export."""

    urn: str
    type: str
    provider: str | None = None  # provider package (aws, openstack, ...) or provider URN
    stack: str | None = None


class WaiverRef(Strict):
    id: str
    reason: str
    owner: str
    approved_by: str
    ticket: str
    expires: dt.date
    days_left: int


class ChainLink(Strict):
    """One place a finding's value was resolved through (sovstack.facts.Origin)."""

    file: str
    line: int | None = None
    note: str


class Finding(Strict):
    policy_id: str
    category: Category
    status: Status
    severity: Severity
    file: str
    line: int | None = None
    resource: str | None = None
    message: str
    legal_basis: list[str] = Field(default_factory=list)
    waiver: WaiverRef | None = None
    excerpt: str | None = None
    kind: str | None = None
    pulumi: PulumiRef | None = None
    chain: list[ChainLink] = Field(default_factory=list)  # how the value was resolved, outer file first
    fingerprint: str | None = None  # stable across line moves: policy, file, resource, normalised line text


class InputRecord(Strict):
    path: str  # a folder ends in "/"; an archive member is "chart.tgz!/templates/x.yaml"
    kind: str
    status: InputStatus
    error: str | None = None
    reason: str | None = None  # why excluded or skipped, with the evidence
    rule: str | None = None  # what decided it: "built-in default 'node_modules/'", "--exclude 'x'", ".sovstackignore:3 'x'"
    files: int | None = None  # an excluded folder: how many files it holds
    stack: str | None = None  # a Pulumi stack planned offline
    resources: int | None = None  # resources in a planned stack
    seconds: float | None = None  # time the offline plan took


class ToolInfo(Strict):
    name: str = "sovstack"
    version: str


class Summary(Strict):
    failed: int = 0
    passed: int = 0
    waived: int = 0
    baselined: int = 0
    errors: int = 0  # inputs in error
    evaluated: int = 0  # inputs evaluated
    excluded: int = 0  # files left out by ignore patterns (a folder counts its files)
    skipped: int = 0  # files that are not configuration


class VerdictStatus(StrEnum):
    COMPLIANT = "compliant"
    VIOLATIONS = "violations"
    NOT_EVALUATED = "not-evaluated"  # nothing evaluated, an input in error or a policy crashed: never compliant


class Verdict(Strict):
    """The run's one verdict: what the exit code says, every format says."""

    status: VerdictStatus
    exit_code: int
    reason: str
    fail_on: Severity = Severity.LOW


class BaselineEntry(Strict):
    fingerprint: str
    policy_id: str
    file: str
    line: int | None = None
    message: str = ""


class BaselineInfo(Strict):
    path: str
    entries: int
    matched: int
    stale: list[BaselineEntry] = Field(default_factory=list)  # accepted findings that are gone (fixed or moved away)


class Selection(Strict):
    policies: list[str]  # the policies that ran
    left_out: list[str]  # the catalogue's policies that did not


class ControlFile(Strict):
    """A file that can change what is checked or how findings count (.sovstackignore, waivers)."""

    path: str
    type: str  # ignore | waivers
    source: str  # command-line | in-tree | built-in
    applied: bool  # False under --audit for in-tree files: listed with what they would have done
    excluded: list[str] = Field(default_factory=list)  # paths it excluded (or would have)
    waived: list[str] = Field(default_factory=list)  # "POLICY file:line" of findings it waived (or would have)
    problems: list[str] = Field(default_factory=list)  # lines that could not be used (invalid patterns)


class RegionCounts(Strict):
    """One region's numbers in one recorded run."""

    failed: int = 0
    waived: int = 0
    passed: int = 0
    errors: int = 0  # inputs in the region that could not be evaluated


class HistoryRun(Strict):
    """One run in the local history store, as the trend shows it."""

    run_id: int
    started_at: str | None = None
    recorded_at: str
    failed: int
    waived: int
    errors: int
    regions: dict[str, RegionCounts] = Field(default_factory=dict)  # "" is everything outside the region stacks


class FindingChange(Strict):
    """A failed or waived finding that appeared, disappeared or became waived since the previous run."""

    identity: str
    policy_id: str
    status: Status
    severity: Severity
    file: str
    line: int | None = None
    resource: str | None = None
    region: str = ""
    message: str
    waiver_id: str | None = None


class History(Strict):
    """The trend and the changes since the previous run of the same scanned paths (sovstack.history)."""

    store: str
    scope: str
    runs: list[HistoryRun]  # oldest first; the last one is this run
    previous_run_id: int | None = None
    new: list[FindingChange] = Field(default_factory=list)
    fixed: list[FindingChange] = Field(default_factory=list)
    newly_waived: list[FindingChange] = Field(default_factory=list)


class Timings(Strict):
    """Where a run's time went (seconds); plans run in other processes while other inputs are evaluated."""

    collect_s: float = 0.0
    evaluate_s: float = 0.0  # evaluating the inputs that are files (plans running meanwhile)
    plan_wait_s: float = 0.0  # waiting for plans still running after that
    evaluate_plans_s: float = 0.0
    planned: int = 0  # stacks planned in this run (not from the cache)
    evaluated: int = 0  # inputs evaluated in this run (not from the cache)
    cache_hits: int = 0
    cache_misses: int = 0


class EvidenceFile(Strict):
    """One evidence file of playbooks/verify.yml (read by sovstack.evidence), secrets masked, with its digest."""

    path: str
    sha256: str  # of the file as read
    masked: bool = False  # masking changed some text: the evidence below differs from the file
    evidence: Evidence


class Result(Strict):
    schema_version: str
    tool: ToolInfo
    summary: Summary
    inputs: list[InputRecord]
    findings: list[Finding]
    policy_errors: list[str] = Field(default_factory=list)
    scanned_paths: list[str] = Field(default_factory=list)
    started_at: str | None = None
    duration_s: float | None = None
    timings: Timings | None = None
    command: list[str] | None = None  # the command line of the run (secrets masked)
    excludes: list[str] = Field(default_factory=list)  # --exclude patterns of the run (to re-walk the same tree)
    history: History | None = None  # with --history: trend and changes since the previous run
    evidence: list[EvidenceFile] = Field(default_factory=list)  # with --evidence: live evidence from the hosts
    audit: bool = False  # --audit: control files inside the scanned paths were not applied
    control_files: list[ControlFile] = Field(default_factory=list)
    verdict: Verdict | None = None
    baseline: BaselineInfo | None = None  # with --baseline: what it matched and which entries are stale
    selection: Selection | None = None  # with --policy / --skip-policy: the policies that ran

    def failed(self) -> list[Finding]:
        return [f for f in self.findings if f.status is Status.FAILED]
