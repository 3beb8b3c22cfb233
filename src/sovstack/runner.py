"""Runs a check end to end: collect -> evaluate -> decide (waivers) -> one Result."""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from sovstack import SCHEMA_VERSION, __version__
from sovstack.catalogue import Catalogue
from sovstack.checks.base import InputProblem
from sovstack.checks.engine import Engine, PolicyError
from sovstack.collect import discover, parse
from sovstack.collect.document import Document
from sovstack.collect.pulumiplan import plan as pulumi_plan
from sovstack.collect.pulumiplan import project as pulumi_project
from sovstack.models import Finding, InputRecord, InputStatus, Kind, Result, Status, Summary, ToolInfo
from sovstack.waivers import Waiver, apply_waivers


@dataclass
class Options:
    paths: list[Path]
    max_bytes: int = parse.DEFAULT_MAX_BYTES
    excludes: list[str] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    today: dt.date = field(default_factory=dt.date.today)
    plan: bool = True  # run Pulumi Python programs offline under mocks
    plan_limits: pulumi_plan.Limits = field(default_factory=pulumi_plan.Limits)


def _label(many: bool, rel: str, root: Path) -> str:
    """Paths are relative to the scanned path; with several paths, prefixed by the path's name."""
    return f"{root.name}/{rel}" if many else rel


def collect(opts: Options) -> tuple[list[Document], list[InputRecord]]:
    docs: list[Document] = []
    records: list[InputRecord] = []
    many = len(opts.paths) > 1
    for path in opts.paths:
        for item in discover.walk(path, opts.excludes):
            if isinstance(item, discover.DiscoveryError):
                records.append(InputRecord(path=item.rel, kind="unknown", status=InputStatus.ERROR, error=item.reason))
                continue
            read = parse.read(item, opts.max_bytes)
            label = _label(many, item.rel, item.root)
            if isinstance(read, parse.Skipped):
                continue
            if isinstance(read, parse.ParseError):
                records.append(InputRecord(path=label, kind=read.kind, status=InputStatus.ERROR, error=read.reason))
                continue
            read.rel = label
            docs.append(read)
    return docs, records


def start_plans(docs: list[Document], opts: Options) -> tuple[pulumi_plan.Planning | None, list[InputRecord]]:
    """Starts the offline plans of every Pulumi stack found (in the background); problems are input errors."""
    projects, problems = pulumi_project.find(docs)
    records = [InputRecord(path=rel, kind="pulumi-program", status=InputStatus.ERROR, error=reason)
               for rel, reason in problems]
    if not opts.plan:
        records += [InputRecord(path=p.label(s), kind="pulumi-program", status=InputStatus.ERROR, stack=s.name,
                                error="not planned (--no-plan): the program was not run, its resources not checked")
                    for p in projects for s in p.stacks]
        return None, records
    return (pulumi_plan.Planning(projects, opts.plan_limits) if projects else None), records


def finish_plans(planning: pulumi_plan.Planning | None) -> tuple[list[Document], list[InputRecord]]:
    """The planned stacks as documents; a stack that could not be planned is an input error."""
    planned: list[Document] = []
    records: list[InputRecord] = []
    for item in planning.results() if planning else []:
        if isinstance(item, pulumi_plan.PlanError):
            records.append(InputRecord(path=item.rel, kind="pulumi-program", status=InputStatus.ERROR,
                                       error=item.reason, stack=item.stack))
        else:
            planned.append(item)
    return planned, records


def _record(doc: Document, **extra) -> InputRecord:
    if isinstance(doc, pulumi_plan.PlanDocument):
        extra.update(stack=doc.stack, seconds=doc.seconds,
                     resources=len(doc.data[0]["deployment"]["resources"]) if doc.data else 0)
    return InputRecord(path=doc.rel, kind=doc.kind.value, **extra)


def run(opts: Options, catalogue: Catalogue) -> Result:
    started = time.perf_counter()
    start_stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    docs, records = collect(opts)
    planning, plan_records = start_plans(docs, opts)  # plans run in their own processes meanwhile
    records += plan_records
    engine = Engine(catalogue)
    engine.load_for([d.kind for d in docs] + ([Kind.PULUMI_PROGRAM] if planning else []))
    findings: list[Finding] = []
    policy_errors = list(engine.errors)
    findings += _evaluate(engine, docs, records, policy_errors)
    planned, plan_records = finish_plans(planning)
    records += plan_records
    findings += _evaluate(engine, planned, records, policy_errors)
    findings = apply_waivers(engine.dedupe(findings), opts.waivers, opts.today)
    findings.sort(key=lambda f: (f.status is not Status.FAILED, f.file, f.line or 0, f.policy_id))
    records.sort(key=lambda r: (r.path, r.kind))
    return Result(
        schema_version=SCHEMA_VERSION, tool=ToolInfo(version=__version__), summary=summarize(findings, records),
        inputs=records, findings=findings, policy_errors=policy_errors,
        scanned_paths=[os.fspath(p) for p in opts.paths], started_at=start_stamp,
        duration_s=round(time.perf_counter() - started, 3))


def _evaluate(engine: Engine, docs: list[Document], records: list[InputRecord],
              policy_errors: list[str]) -> list[Finding]:
    findings: list[Finding] = []
    for doc in docs:
        try:
            findings += engine.evaluate(doc)
            records.append(_record(doc, status=InputStatus.EVALUATED))
        except InputProblem as exc:
            records.append(_record(doc, status=InputStatus.ERROR, error=str(exc)))
        except PolicyError as exc:
            policy_errors.append(f"{doc.rel}: {exc}")
            records.append(_record(doc, status=InputStatus.ERROR, error=f"not fully evaluated: {exc}"))
    return findings


def summarize(findings: list[Finding], records: list[InputRecord]) -> Summary:
    return Summary(
        failed=sum(f.status is Status.FAILED for f in findings),
        passed=sum(f.status is Status.PASSED for f in findings),
        waived=sum(f.status is Status.WAIVED for f in findings),
        errors=sum(r.status is InputStatus.ERROR for r in records))
