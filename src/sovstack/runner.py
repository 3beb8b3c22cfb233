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
from sovstack.models import Finding, InputRecord, InputStatus, Result, Status, Summary, ToolInfo
from sovstack.waivers import Waiver, apply_waivers


@dataclass
class Options:
    paths: list[Path]
    max_bytes: int = parse.DEFAULT_MAX_BYTES
    excludes: list[str] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    today: dt.date = field(default_factory=dt.date.today)


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


def run(opts: Options, catalogue: Catalogue) -> Result:
    started = time.perf_counter()
    start_stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    docs, records = collect(opts)
    engine = Engine(catalogue)
    engine.load_for(d.kind for d in docs)
    findings: list[Finding] = []
    policy_errors = list(engine.errors)
    for doc in docs:
        try:
            findings += engine.evaluate(doc)
            records.append(InputRecord(path=doc.rel, kind=doc.kind.value, status=InputStatus.EVALUATED))
        except InputProblem as exc:
            records.append(InputRecord(path=doc.rel, kind=doc.kind.value, status=InputStatus.ERROR, error=str(exc)))
        except PolicyError as exc:
            policy_errors.append(f"{doc.rel}: {exc}")
            records.append(InputRecord(path=doc.rel, kind=doc.kind.value, status=InputStatus.ERROR,
                                       error=f"not fully evaluated: {exc}"))
    findings = apply_waivers(findings, opts.waivers, opts.today)
    findings.sort(key=lambda f: (f.status is not Status.FAILED, f.file, f.line or 0, f.policy_id))
    records.sort(key=lambda r: r.path)
    return Result(
        schema_version=SCHEMA_VERSION, tool=ToolInfo(version=__version__), summary=summarize(findings, records),
        inputs=records, findings=findings, policy_errors=policy_errors,
        scanned_paths=[os.fspath(p) for p in opts.paths], started_at=start_stamp,
        duration_s=round(time.perf_counter() - started, 3))


def summarize(findings: list[Finding], records: list[InputRecord]) -> Summary:
    return Summary(
        failed=sum(f.status is Status.FAILED for f in findings),
        passed=sum(f.status is Status.PASSED for f in findings),
        waived=sum(f.status is Status.WAIVED for f in findings),
        errors=sum(r.status is InputStatus.ERROR for r in records))
