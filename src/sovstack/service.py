"""One service behind `check` and `bundle create`: a request in, a decided Result out (collect -> evaluate ->
decide: waivers, baseline, de-duplication, fail-on -> verdict and exit code). The CLI only parses and prints."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sovstack import baseline as baseline_mod
from sovstack import decide, runner
from sovstack import waivers as waiver_mod
from sovstack.catalogue import Catalogue
from sovstack.collect import discover
from sovstack.models import ControlFile, EvidenceFile, Result, Severity, Status
from sovstack.selection import SelectionError, select


class ServiceError(Exception):
    """The request cannot run: a missing or invalid waiver, baseline or evidence file, an unknown policy... The
    message names the file and the problem (exit 2)."""


@dataclass
class CheckRequest:
    paths: list[Path]
    excludes: list[str] = field(default_factory=list)
    waivers: Path | None = None  # else sovstack-waivers.yaml in the first scanned folder (in-tree)
    audit: bool = False
    plan: bool = True
    plan_timeout: float = 60.0
    max_bytes: int = 5 * 1024 * 1024
    cache_dir: Path | None = None
    today: dt.date = field(default_factory=dt.date.today)
    fail_on: Severity = Severity.LOW
    soft_fail: bool = False
    evidence: list[Path] = field(default_factory=list)
    history: Path | None = None
    baseline: Path | None = None
    only: list[str] = field(default_factory=list)  # --policy
    skip: list[str] = field(default_factory=list)  # --skip-policy
    command: list[str] | None = None
    config: ControlFile | None = None  # the configuration file that supplied defaults
    started: Callable[[runner.Options], None] | None = None  # sees the run's options (its stage, for Ctrl-C)


def check(req: CheckRequest, catalogue: Catalogue) -> Result:
    for p in req.paths:
        if not p.exists() and not p.is_symlink():
            raise ServiceError(f"{p}: no such file or directory")
    if req.plan_timeout <= 0:
        raise ServiceError("--plan-timeout must be positive")
    try:
        narrowed, selection = select(catalogue, req.only, req.skip)
    except SelectionError as exc:
        raise ServiceError(str(exc)) from exc
    opts = runner.Options(paths=req.paths, max_bytes=req.max_bytes, excludes=list(req.excludes), today=req.today,
                          plan=req.plan, audit=req.audit, cache_dir=req.cache_dir)
    opts.plan_limits.timeout_s = req.plan_timeout
    opts.waiver_files = waiver_sources(req.waivers, req.paths, catalogue, req.today, req.audit)
    opts.waivers = [w for src in opts.waiver_files if src.applied for w in src.waivers]
    accepted = _baseline(req.baseline)
    evidence = load_evidence(req.evidence)
    if req.started:
        req.started(opts)
    try:
        result = runner.run(opts, narrowed)
    except discover.PatternError as exc:
        raise ServiceError(str(exc)) from exc
    result.command, result.excludes, result.evidence, result.selection = req.command, list(req.excludes), \
        evidence, selection
    if req.config is not None:
        result.control_files.insert(0, req.config)
    decide_result(result, req.fail_on, accepted, str(req.baseline) if req.baseline else None, req.soft_fail)
    opts.stage = "recording the history"
    if req.history is not None:
        result.history = _record_history(req.history, result)
    return result


def decide_result(result: Result, fail_on: Severity, accepted: list | None = None, baseline_path: str | None = None,
                  soft_fail: bool = False) -> None:
    """Fingerprints, the baseline, the summary and the verdict, in place."""
    result.findings = baseline_mod.with_fingerprints(result.findings)
    if accepted is not None:
        result.findings, result.baseline = baseline_mod.apply(result.findings, accepted, baseline_path or "")
    result.summary = runner.summarize(result.findings, result.inputs)
    result.verdict = decide.verdict(result, fail_on)
    if soft_fail and result.verdict.exit_code == decide.EXIT_VIOLATIONS:
        result.verdict = result.verdict.model_copy(update={
            "exit_code": decide.EXIT_OK, "reason": result.verdict.reason + " (--soft-fail: the run does not fail)"})


def baseline_text(result: Result) -> str:
    """The baseline file for --create-baseline: every finding that failed (or was already baselined)."""
    carried = [f.model_copy(update={"status": Status.FAILED}) if f.status is Status.BASELINED else f
               for f in result.findings]
    return baseline_mod.create(carried)


def _baseline(path: Path | None) -> list | None:
    if path is None:
        return None
    try:
        return baseline_mod.load(path)
    except baseline_mod.BaselineError as exc:
        raise ServiceError(str(exc)) from exc


def waiver_sources(given: Path | None, scan: list[Path], catalogue: Catalogue, day: dt.date, audit: bool
                   ) -> list[runner.WaiverSource]:
    """The waiver file named on the command line, else sovstack-waivers.yaml in the first scanned folder (an
    in-tree control file: under --audit loaded only to report what it would have waived)."""
    if given is not None:
        if not given.is_file():
            raise ServiceError(f"{given}: waiver file not found")
        try:
            return [runner.WaiverSource(str(given), "command-line", waiver_mod.load(given, catalogue, day))]
        except waiver_mod.WaiverError as exc:
            raise ServiceError(str(exc)) from exc
    in_tree = scan[0] / waiver_mod.DEFAULT_FILE if scan and scan[0].is_dir() else None
    if in_tree is None or not in_tree.is_file():
        return []
    try:
        loaded = waiver_mod.load(in_tree, catalogue, day)
    except waiver_mod.WaiverError as exc:
        if audit:  # not applied anyway: listed, with the problem, as a file that applied nothing
            return [runner.WaiverSource(os.fspath(in_tree), "in-tree", [], applied=False, problems=[str(exc)])]
        raise ServiceError(str(exc)) from exc
    return [runner.WaiverSource(os.fspath(in_tree), "in-tree", loaded, applied=not audit)]


def load_evidence(paths: list[Path]) -> list[EvidenceFile]:
    """Each file as sovstack.evidence reads it; a missing or malformed one stops the run, naming it."""
    if not paths:
        return []
    from sovstack.evidence import EvidenceError
    from sovstack.hostevidence import carry

    try:
        return [carry(path) for path in paths]
    except EvidenceError as exc:
        raise ServiceError(str(exc)) from exc


def _record_history(path: Path, result: Result):
    from sovstack import history as history_mod

    try:
        return history_mod.record(path, result)
    except history_mod.HistoryError as exc:
        raise ServiceError(str(exc)) from exc
