"""The auditor's view of a Result: each legal requirement's verdict per region, fail closed, for HTML/PDF/Markdown."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from sovstack.models import InputStatus, Status, VerdictStatus
from sovstack.regions import REPOSITORY, Regions

if TYPE_CHECKING:
    from sovstack.catalogue import Catalogue, Framework, PolicyMeta, Requirement
    from sovstack.evidence import HostEvidence
    from sovstack.models import EvidenceFile, Finding, InputRecord, Result

POLICY_ID_IN_TEXT = re.compile(r"SOV-[A-Z]{3}-\d{3}")


class Verdict(StrEnum):
    MET = "met"
    VIOLATED = "violated"
    WAIVED = "waived"
    NOT_EVALUATED = "not-evaluated"


class Why(StrEnum):
    """Why a requirement is not evaluated in a scope."""

    INPUT_ERRORS = "input-errors"  # inputs in the scope could not be read, parsed or planned
    POLICY_ERRORS = "policy-errors"  # a policy of the requirement crashed or did not load
    NO_INPUT = "no-input"  # nothing in the scope is of a kind the requirement's policies read


@dataclass
class Cell:
    """A requirement in one scope. A region's cell includes the shared inputs (everything outside the region
    stacks: playbooks, program code, configs), since those are deployed to every region; the shared row shows
    them alone."""

    verdict: Verdict
    failed: list[Finding] = field(default_factory=list)
    waived: list[Finding] = field(default_factory=list)
    passed: int = 0
    errors: list[InputRecord] = field(default_factory=list)
    policy_errors: list[str] = field(default_factory=list)
    why: Why | None = None


@dataclass
class RequirementView:
    framework: Framework
    requirement: Requirement
    cells: dict[str, Cell]  # by scope
    overall: Cell


@dataclass
class RegionView:
    """A region's (or the shared scope's) own numbers, without the shared inputs."""

    name: str
    stacks: list[InputRecord]  # the planned stack's record(s)
    failed: int = 0
    waived: int = 0
    passed: int = 0
    errors: list[InputRecord] = field(default_factory=list)
    verdicts: dict[Verdict, int] = field(default_factory=dict)  # how many requirements have each verdict

    @property
    def resources(self) -> int | None:
        counts = [r.resources for r in self.stacks if r.resources is not None]
        return sum(counts) if counts else None


@dataclass
class EvidenceView:
    """Live evidence from the hosts (playbooks/verify.yml), grouped by region."""

    sources: list[EvidenceFile] = field(default_factory=list)
    hosts: dict[str, list[HostEvidence]] = field(default_factory=dict)  # by region ("" when the host names none)


@dataclass
class Audit:
    """Everything the auditor formats show; built once per render."""

    result: Result
    catalogue: Catalogue
    regions: Regions
    scopes: list[str]
    requirements: list[RequirementView]
    failed: list[Finding]
    waived: list[Finding]
    input_errors: list[InputRecord]
    scope_of: dict[int, str]  # id(finding) -> scope
    verdict: Verdict
    region_views: list[RegionView] = field(default_factory=list)
    evidence: EvidenceView = field(default_factory=EvidenceView)

    def meta(self, policy_id: str) -> PolicyMeta | None:
        return self.catalogue.policies.get(policy_id)

    def text(self, policy_id: str, message: str, resource: str | None, lang: str) -> str:
        """A finding's sentence in the report's language: the check's own message in English; in Russian the
        catalogue's wording of the policy (the file, line, resource and excerpt beside it carry the specifics)."""
        meta = self.meta(policy_id)
        if lang == "en" or meta is None:
            return message
        return meta.title.get(lang) + (f" ({resource})" if resource else "")

    def region(self, finding: Finding) -> str:
        return self.scope_of.get(id(finding), REPOSITORY)

    def region_view(self, scope: str) -> RegionView | None:
        return next((r for r in self.region_views if r.name == scope), None)

    def evidence_scopes(self) -> list[str]:
        """The regions, then any region only the hosts name."""
        return [*self.scopes, *sorted(set(self.evidence.hosts) - set(self.scopes))]

    def trend_regions(self) -> list[str]:
        runs = self.result.history.runs if self.result.history else []
        seen = {name for run in runs for name in run.regions}
        return [*[s for s in self.scopes if s in seen], *sorted(seen - set(self.scopes))]


def build(result: Result, catalogue: Catalogue) -> Audit:
    regions = Regions(result)
    scope_of = {id(f): regions.of_finding(f) for f in result.findings}
    input_scope = [(regions.of_input(rec), rec) for rec in result.inputs]
    scopes = [s for s in regions.scopes() if s != REPOSITORY or any(sc == REPOSITORY for sc, _ in input_scope)
              or REPOSITORY in scope_of.values()]
    views = []
    for fw in catalogue.frameworks:
        for req in fw.requirements:
            cells = {s: _cell(req, [f for f in result.findings if scope_of[id(f)] in (s, REPOSITORY)],
                              [r for sc, r in input_scope if sc in (s, REPOSITORY)], result.policy_errors)
                     for s in scopes}
            overall = _cell(req, result.findings, result.inputs, result.policy_errors)
            views.append(RequirementView(fw, req, cells, overall))
    input_errors = [r for r in result.inputs if r.status is InputStatus.ERROR]
    region_views = [_region_view(s, result, scope_of, input_scope, views) for s in scopes]
    evidence = _evidence(result)
    return Audit(region_views=region_views, evidence=evidence, result=result, catalogue=catalogue, regions=regions, scopes=scopes, requirements=views,
                 failed=[f for f in result.findings if f.status is Status.FAILED],
                 waived=[f for f in result.findings if f.status is Status.WAIVED],
                 input_errors=input_errors, scope_of=scope_of,
                 verdict=_overall(views, result, input_errors, evidence))


def _cell(req: Requirement, findings: list[Finding], inputs: list[InputRecord], policy_errors: list[str]) -> Cell:
    """Fail closed: a violation wins; then anything not evaluated; a requirement is met only on evidence."""
    mine = [f for f in findings if f.policy_id in req.policies]
    cell = Cell(verdict=Verdict.MET,
                failed=[f for f in mine if f.status is Status.FAILED],
                waived=[f for f in mine if f.status is Status.WAIVED],
                passed=sum(f.status is Status.PASSED for f in mine),
                errors=[r for r in inputs if r.status is InputStatus.ERROR],
                policy_errors=[e for e in policy_errors if _concerns(e, req)])
    if cell.failed:
        cell.verdict = Verdict.VIOLATED
    elif cell.errors:
        cell.verdict, cell.why = Verdict.NOT_EVALUATED, Why.INPUT_ERRORS
    elif cell.policy_errors:
        cell.verdict, cell.why = Verdict.NOT_EVALUATED, Why.POLICY_ERRORS
    elif not mine:
        cell.verdict, cell.why = Verdict.NOT_EVALUATED, Why.NO_INPUT
    elif cell.waived:
        cell.verdict = Verdict.WAIVED
    return cell


def _concerns(error: str, req: Requirement) -> bool:
    """A policy error naming policies concerns the requirements of those policies; one naming none, all."""
    named = set(POLICY_ID_IN_TEXT.findall(error))
    return not named or bool(named & set(req.policies))


def _overall(views: list[RequirementView], result: Result, input_errors: list[InputRecord],
             evidence: EvidenceView) -> Verdict:
    """The run's verdict (the one the exit code gives) when the result carries it; else the code's verdicts and the
    hosts': a host that fails a check (or gave no evidence) is a violation."""
    verdicts = {v.overall.verdict for v in views}
    if result.verdict is not None:
        if result.verdict.status is VerdictStatus.NOT_EVALUATED:
            return Verdict.NOT_EVALUATED
        if result.verdict.status is VerdictStatus.VIOLATIONS:
            return Verdict.VIOLATED
        return Verdict.WAIVED if Verdict.WAIVED in verdicts or result.summary.waived else Verdict.MET
    failing_hosts = any(not h.passed for hosts in evidence.hosts.values() for h in hosts)
    if Verdict.VIOLATED in verdicts or result.failed() or failing_hosts:
        return Verdict.VIOLATED
    if Verdict.NOT_EVALUATED in verdicts or input_errors or result.policy_errors:
        return Verdict.NOT_EVALUATED
    return Verdict.WAIVED if Verdict.WAIVED in verdicts else Verdict.MET


def _region_view(scope: str, result: Result, scope_of: dict[int, str], input_scope: list[tuple[str, InputRecord]],
                 views: list[RequirementView]) -> RegionView:
    own = [f for f in result.findings if scope_of[id(f)] == scope]
    records = [r for sc, r in input_scope if sc == scope]
    verdicts: dict[Verdict, int] = {}
    for view in views:
        verdict = view.cells[scope].verdict
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
    return RegionView(name=scope, stacks=[r for r in records if r.stack],
                      failed=sum(f.status is Status.FAILED for f in own),
                      waived=sum(f.status is Status.WAIVED for f in own),
                      passed=sum(f.status is Status.PASSED for f in own),
                      errors=[r for r in records if r.status is InputStatus.ERROR], verdicts=verdicts)


def _evidence(result: Result) -> EvidenceView:
    view = EvidenceView(sources=list(result.evidence))
    for source in result.evidence:
        for host in source.evidence.hosts:
            view.hosts.setdefault(host.region, []).append(host)
    return view
