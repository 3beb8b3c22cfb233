"""Decide: waivers and fail-on turn a run's findings into its one verdict and exit code (every format says it)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sovstack.models import ControlFile, Finding, InputStatus, Result, Severity, Status, Verdict, VerdictStatus
from sovstack.waivers import apply_waivers

if TYPE_CHECKING:
    from sovstack.runner import WaiverSource

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


def waive(findings: list[Finding], sources: list[WaiverSource], today: dt.date
          ) -> tuple[list[Finding], list[ControlFile]]:
    """Applies the waivers of the files that apply; every waiver file is listed with what it waived or, when not
    applied (an in-tree file under --audit), what it would have waived."""
    applied = [w for s in sources if s.applied for w in s.waivers]
    out = apply_waivers(findings, applied, today)
    records = []
    for src in sources:
        ids = {w.id for w in src.waivers}
        if src.applied:
            hit = [f for f in out if f.status is Status.WAIVED and f.waiver and f.waiver.id in ids]
        else:
            hit = [f for f in apply_waivers(out, src.waivers, today) if f.status is Status.WAIVED
                   and f.waiver and f.waiver.id in ids]
        records.append(ControlFile(path=src.path, type="waivers", source=src.source, applied=src.applied,
                                   waived=[f"{f.policy_id} {f.file}:{f.line or '-'}" for f in hit],
                                   problems=list(src.problems)))
    return out, records


def verdict(result: Result, fail_on: Severity = Severity.LOW) -> Verdict:
    """Nothing evaluated, an input in error or a crashed policy is never compliant."""
    errors = [r for r in result.inputs if r.status is InputStatus.ERROR]
    if result.policy_errors:
        return Verdict(status=VerdictStatus.NOT_EVALUATED, exit_code=EXIT_ERROR, fail_on=fail_on,
                       reason=f"{len(result.policy_errors)} policy error(s): {result.policy_errors[0]}")
    if errors:
        return Verdict(status=VerdictStatus.NOT_EVALUATED, exit_code=EXIT_ERROR, fail_on=fail_on,
                       reason=f"{len(errors)} input(s) could not be evaluated (first: {errors[0].path}: "
                              f"{errors[0].error})")
    if not any(r.status is InputStatus.EVALUATED for r in result.inputs):
        s = result.summary
        return Verdict(status=VerdictStatus.NOT_EVALUATED, exit_code=EXIT_ERROR, fail_on=fail_on,
                       reason=f"nothing was evaluated: no configuration input under the scanned paths "
                              f"({s.excluded} excluded, {s.skipped} skipped)")
    failing = [f for f in result.findings if f.status is Status.FAILED and f.severity.rank >= fail_on.rank]
    if failing:
        return Verdict(status=VerdictStatus.VIOLATIONS, exit_code=EXIT_VIOLATIONS, fail_on=fail_on,
                       reason=f"{len(failing)} violation(s) at or above {fail_on.value}")
    hosts = sorted({h.name for e in result.evidence for h in e.evidence.failed_hosts()})
    if hosts:
        return Verdict(status=VerdictStatus.VIOLATIONS, exit_code=EXIT_VIOLATIONS, fail_on=fail_on,
                       reason=f"live checks failed on {len(hosts)} host(s): {', '.join(hosts[:5])}")
    below = sum(f.status is Status.FAILED for f in result.findings)
    return Verdict(status=VerdictStatus.COMPLIANT, exit_code=EXIT_OK, fail_on=fail_on,
                   reason=f"no violations at or above {fail_on.value} in {result.summary.evaluated} evaluated inputs"
                          + (f" ({below} below it)" if below else ""))
