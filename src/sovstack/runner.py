"""Runs a check end to end: collect -> evaluate -> decide (waivers) -> one Result."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sovstack import SCHEMA_VERSION, __version__, decide
from sovstack import cache as cache_mod
from sovstack.cache import Cache
from sovstack.catalogue import Catalogue
from sovstack.checks.base import InputProblem
from sovstack.checks.engine import Engine, PolicyError
from sovstack.collect import discover, parse
from sovstack.collect.document import Document
from sovstack.collect.pulumiplan import project as pulumi_project
from sovstack.collect.pulumiplan.limits import Limits as PlanLimits
from sovstack.facts import Workspace
from sovstack.models import (ControlFile, Finding, InputRecord, InputStatus, Kind, Result, Status, Summary, Timings,
                             ToolInfo)
from sovstack.waivers import Waiver

if TYPE_CHECKING:
    from sovstack.collect.pulumiplan import plan as pulumi_plan


@dataclass
class Options:
    paths: list[Path]
    max_bytes: int = parse.DEFAULT_MAX_BYTES
    excludes: list[str] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    today: dt.date = field(default_factory=dt.date.today)
    plan: bool = True  # run Pulumi Python programs offline under mocks
    plan_limits: PlanLimits = field(default_factory=PlanLimits)
    cache_dir: Path | None = None  # incremental checking: reuse results of unchanged inputs
    audit: bool = False  # control files inside the scanned paths are recorded, not applied
    waiver_files: list[WaiverSource] = field(default_factory=list)  # where opts.waivers came from
    stage: str = "starting"  # what the run is doing now (said when it is interrupted)


@dataclass
class WaiverSource:
    """One waiver file: where it is, whether it came from the command line or the tree, and what it holds."""

    path: str
    source: str  # command-line | in-tree
    waivers: list[Waiver]
    applied: bool = True
    problems: list[str] = field(default_factory=list)  # why an in-tree file could not be used (--audit)


@dataclass
class Collected:
    docs: list[Document] = field(default_factory=list)  # to evaluate
    discovery: list[Document] = field(default_factory=list)  # Pulumi project and stack files, cached or not
    records: list[InputRecord] = field(default_factory=list)
    reused: list[Finding] = field(default_factory=list)  # findings of unchanged inputs, from the cache
    control: list[ControlFile] = field(default_factory=list)  # .sovstackignore files found
    files: list[Path] = field(default_factory=list)  # every file discovered (the workspace resolves values in them)


def _label(many: bool, rel: str, root: Path) -> str:
    """Paths are relative to the scanned path; with several paths, prefixed by the path's name."""
    return f"{root.name}/{rel}" if many else rel


def _is_pulumi_file(rel: str) -> bool:
    """A Pulumi project or stack file on disk (inside an archive it is read as config, never planned)."""
    return "!/" not in rel and Path(rel).name.startswith("Pulumi.") and rel.lower().endswith((".yaml", ".yml"))


def collect(opts: Options, cache: Cache | None = None, ctx: str | None = None) -> Collected:
    out = Collected()
    many = len(opts.paths) > 1
    for path in opts.paths:
        walker = discover.Walker(path, opts.excludes, opts.audit)
        root = path.resolve()
        for item in walker:
            _take(item, root, opts, out, many, cache, ctx)
        out.control += [ControlFile(path=_label(many, f.rel, root), type="ignore", source="in-tree",
                                    applied=f.applied, excluded=[_label(many, r, root) for r in f.excluded],
                                    problems=f.problems)
                        for f in walker.ignore_files]
    return out


def _take(item, root: Path, opts: Options, out: Collected, many: bool, cache: Cache | None, ctx: str | None) -> None:
    """One walked entry into a record, a document to evaluate, or both."""
    if isinstance(item, discover.DiscoveryError):
        out.records.append(InputRecord(path=_label(many, item.rel, root), kind="unknown", status=InputStatus.ERROR,
                                       error=item.reason))
        return
    if isinstance(item, discover.NotEvaluated):
        out.records.append(InputRecord(path=_label(many, item.rel, root), kind="folder" if
                                       item.rel.endswith("/") else "file", status=InputStatus(item.status),
                                       reason=item.reason, rule=item.rule, files=item.files))
        return
    label = _label(many, item.rel, item.root)
    out.files.append(item.path)
    key = cache_mod.file_key(ctx, label, item.path) if cache is not None else None
    hit = cache.get(key) if cache is not None else None
    if hit is not None:
        out.records.append(hit[0])
        out.reused += hit[1]
        if not _is_pulumi_file(label):
            return
    read = parse.read(item, opts.max_bytes)
    if isinstance(read, parse.Skipped):
        out.records.append(InputRecord(path=label, kind="file", status=InputStatus.SKIPPED, reason=read.reason,
                                       rule="not configuration (decided by content and name)"))
        return
    if isinstance(read, parse.ParseError):
        out.records.append(InputRecord(path=label, kind=read.kind, status=InputStatus.ERROR, error=read.reason))
        return
    read.rel = label
    read.cache_key = key
    if _is_pulumi_file(label):
        out.discovery.append(read)
    if hit is None:
        out.docs.append(read)


def start_plans(docs: list[Document], opts: Options, cache: Cache | None = None, ctx: str | None = None
                ) -> tuple[pulumi_plan.Planning | None, list[InputRecord], list[Finding]]:
    """Starts the offline plans of every Pulumi stack found (in the background) except those the cache still
    holds; problems are input errors."""
    projects, problems = pulumi_project.find(docs)
    records = [InputRecord(path=rel, kind="pulumi-program", status=InputStatus.ERROR, error=reason)
               for rel, reason in problems]
    reused: list[Finding] = []
    if not opts.plan:
        records += [InputRecord(path=p.label(s), kind="pulumi-program", status=InputStatus.ERROR, stack=s.name,
                                error="not planned (--no-plan): the program was not run, its resources not checked")
                    for p in projects for s in p.stacks]
        return None, records, reused
    to_plan = []
    for project in projects:
        stacks = []
        for stack in project.stacks:
            hit = cache.get_plan(_plan_key(ctx, project, stack)) if cache is not None else None
            if hit is None:
                stacks.append(stack)
            else:
                records.append(hit[0])
                reused += hit[1]
        if stacks:
            to_plan.append(dataclasses.replace(project, stacks=stacks))
    if not to_plan:
        return None, records, reused
    from sovstack.collect.pulumiplan import plan as pulumi_plan  # threads and subprocesses: only when planning

    return pulumi_plan.Planning(to_plan, opts.plan_limits), records, reused


def _plan_key(ctx: str | None, project: pulumi_project.Project, stack: pulumi_project.Stack) -> str:
    if not project.program_digest:  # once per project and run, shared by its stacks
        program = project.program if project.program.is_dir() else project.program.parent
        project.program_digest = cache_mod.tree_digest(program)
    return cache_mod.plan_key(ctx or "", project.label(stack), project.program_digest, {
        "project": project.name, "stack": stack.name, "config": stack.config, "secret_keys": stack.secret_keys,
        "stack_text": stack.text, "dir": str(project.dir), "rel_dir": project.rel_dir})


def finish_plans(planning: pulumi_plan.Planning | None) -> tuple[list[Document], list[InputRecord]]:
    """The planned stacks as documents; a stack that could not be planned is an input error."""
    planned: list[Document] = []
    records: list[InputRecord] = []
    if planning is None:
        return planned, records
    from sovstack.collect.pulumiplan import plan as pulumi_plan

    for item in planning.results():
        if isinstance(item, pulumi_plan.PlanError):
            records.append(InputRecord(path=item.rel, kind="pulumi-program", status=InputStatus.ERROR,
                                       error=item.reason, stack=item.stack))
        else:
            planned.append(item)
    return planned, records


def _planned(doc: Document) -> bool:
    """A stack's plan; the plan module is loaded only when a Pulumi stack is planned, so no plan exists without it."""
    plan = sys.modules.get("sovstack.collect.pulumiplan.plan")
    return plan is not None and isinstance(doc, plan.PlanDocument)


def _record(doc: Document, **extra) -> InputRecord:
    if _planned(doc):
        extra.update(stack=doc.stack, seconds=doc.seconds,
                     resources=len(doc.data[0]["deployment"]["resources"]) if doc.data else 0)
    return InputRecord(path=doc.rel, kind=doc.kind.value, **extra)


def run(opts: Options, catalogue: Catalogue) -> Result:
    started = time.perf_counter()
    start_stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    cache = Cache(opts.cache_dir) if opts.cache_dir else None
    # the policies that run are part of the context: a narrowed selection never reuses (or feeds) a full one
    ctx = (cache_mod.context(str(catalogue.root), opts.max_bytes) + "|" + ",".join(sorted(catalogue.policies))
           if cache is not None else None)
    stamps = {"start": started}
    opts.stage = "reading the scanned files"
    got = collect(opts, cache, ctx)
    stamps["collect"] = time.perf_counter()
    opts.stage = "evaluating"
    planning, plan_records, plan_reused = start_plans(got.discovery, opts, cache, ctx)  # own processes meanwhile
    try:
        return _finish(opts, catalogue, got, planning, plan_records, plan_reused, cache, ctx, stamps, start_stamp)
    except BaseException:  # Ctrl-C or a crash: no plan may outlive the run
        if planning is not None:
            planning.abort()
        raise


def _finish(opts: Options, catalogue: Catalogue, got: Collected, planning: pulumi_plan.Planning | None,
            plan_records: list[InputRecord], plan_reused: list[Finding], cache: Cache | None, ctx: str | None,
            stamps: dict[str, float], start_stamp: str) -> Result:
    started = stamps["start"]
    records = got.records + plan_records
    findings: list[Finding] = got.reused + plan_reused
    engine = Engine(catalogue)
    engine.workspace = Workspace(got.docs, got.files)
    kinds = [d.kind for d in got.docs] + ([Kind.PULUMI_PROGRAM] if planning else [])
    if kinds:
        engine.load()
    policy_errors = list(engine.errors)
    findings += _evaluate(engine, got.docs, records, policy_errors, cache)
    stamps["evaluate"] = time.perf_counter()
    opts.stage = "waiting for the offline plans of Pulumi stacks"
    planned, plan_records = finish_plans(planning)
    opts.stage = "evaluating the planned stacks"
    stamps["plan"] = time.perf_counter()
    records += plan_records
    findings += _evaluate(engine, planned, records, policy_errors, cache, ctx)
    sources = opts.waiver_files or ([WaiverSource("--waivers", "command-line", opts.waivers)] if opts.waivers else [])
    findings, waiver_control = decide.waive(engine.dedupe(findings), sources, opts.today)
    findings.sort(key=lambda f: (f.status is not Status.FAILED, f.file, f.line or 0, f.policy_id, f.message))
    records.sort(key=lambda r: (r.path, r.kind))
    done = time.perf_counter()
    timings = Timings(collect_s=round(stamps["collect"] - started, 3),
                      evaluate_s=round(stamps["evaluate"] - stamps["collect"], 3),
                      plan_wait_s=round(stamps["plan"] - stamps["evaluate"], 3),
                      evaluate_plans_s=round(done - stamps["plan"], 3),
                      planned=len(planned) + sum(1 for r in plan_records if r.stack),
                      evaluated=len(got.docs) + len(planned),
                      cache_hits=cache.hits if cache else 0, cache_misses=cache.misses if cache else 0)
    return Result(
        schema_version=SCHEMA_VERSION, tool=ToolInfo(version=__version__), summary=summarize(findings, records),
        inputs=records, findings=findings, policy_errors=policy_errors,
        scanned_paths=[os.fspath(p) for p in opts.paths], started_at=start_stamp,
        duration_s=round(done - started, 3), timings=timings, audit=opts.audit,
        control_files=got.control + waiver_control)


def _evaluate(engine: Engine, docs: list[Document], records: list[InputRecord], policy_errors: list[str],
              cache: Cache | None = None, ctx: str | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for doc in docs:
        try:
            found = engine.evaluate(doc)
            record = _record(doc, status=InputStatus.EVALUATED)
        except InputProblem as exc:
            records.append(_record(doc, status=InputStatus.ERROR, error=str(exc)))
            continue
        except PolicyError as exc:
            policy_errors.append(f"{doc.rel}: {exc}")
            records.append(_record(doc, status=InputStatus.ERROR, error=f"not fully evaluated: {exc}"))
            continue
        findings += found
        records.append(record)
        if cache is not None:
            if _planned(doc):
                cache.put_plan(_plan_key(ctx, doc.plan_project, doc.plan_stack), record, found,
                               doc.reads, doc.lists, doc.absent)
            elif doc.depends is not None:  # None: its values were resolved from files that cannot be tracked
                cache.put_with_deps(doc.cache_key, record, found, doc.depends.get("files", []),
                                    doc.depends.get("folders", []))
    return findings


def summarize(findings: list[Finding], records: list[InputRecord]) -> Summary:
    def files(status: InputStatus) -> int:
        return sum(1 if r.files is None else r.files for r in records if r.status is status)

    return Summary(
        failed=sum(f.status is Status.FAILED for f in findings),
        passed=sum(f.status is Status.PASSED for f in findings),
        waived=sum(f.status is Status.WAIVED for f in findings),
        baselined=sum(f.status is Status.BASELINED for f in findings),
        errors=sum(r.status is InputStatus.ERROR for r in records),
        evaluated=sum(r.status is InputStatus.EVALUATED for r in records),
        excluded=files(InputStatus.EXCLUDED), skipped=files(InputStatus.SKIPPED))
