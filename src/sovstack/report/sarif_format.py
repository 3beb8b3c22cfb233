"""SARIF 2.1.0 report: one run, every catalogue policy as a rule, failed and waived findings as results."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sovstack.models import InputStatus, Severity, Status
from sovstack.report.location import Locator

if TYPE_CHECKING:
    from pathlib import Path

    from sovstack.catalogue import Catalogue, PolicyMeta
    from sovstack.models import Finding, InputRecord, Result, WaiverRef

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/sovstack/"
URI_BASE = "SRCROOT"

# GitHub code scanning reads properties["security-severity"] as a number in a string (CodeQL's convention).
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}
LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def render(result: Result, catalogue: Catalogue, lang: str = "en", repo_root: Path | None = None) -> str:
    """Paths are relative to the repository root (repo_root, or the .git folder above the scanned path), the base
    SRCROOT that originalUriBaseIds resolves, so code scanning links alerts wherever the scan started."""
    rules = [_rule(meta, lang) for meta in catalogue.policies.values()]
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    reported = [f for f in result.findings if f.status in (Status.FAILED, Status.WAIVED, Status.BASELINED)]
    where = Locator.of(result, repo_root)
    run = {
        "tool": {"driver": _driver(result, rules)},
        "invocations": [_invocation(result, where)],
        "language": lang,
        "columnKind": "unicodeCodePoints",
        "results": [_with_history(_result(f, index, where), f, result.baseline is not None, where) for f in reported],
    }
    if where.base_uri():
        run["originalUriBaseIds"] = {URI_BASE: {"uri": where.base_uri()}}
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def _with_history(out: dict[str, Any], finding: Finding, baselined_run: bool, where: Locator) -> dict[str, Any]:
    """Fingerprint, baseline state and the resolution chain as related locations."""
    if finding.fingerprint:
        out["partialFingerprints"] = {"sovstackFingerprint/v1": finding.fingerprint}
    if baselined_run:
        out["baselineState"] = "unchanged" if finding.status is Status.BASELINED else "new"
    if finding.chain:
        out["relatedLocations"] = [{**_location(where.path(link.file), link.line), "id": i, "message": {"text": link.note}}
                                   for i, link in enumerate(finding.chain)]
    return out


def _driver(result: Result, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": result.tool.name,
        "version": result.tool.version,
        "semanticVersion": result.tool.version,
        "informationUri": INFORMATION_URI,
        "rules": rules,
    }


def _rule(meta: PolicyMeta, lang: str) -> dict[str, Any]:
    laws = sorted({ref.law for ref in meta.legal})
    return {
        "id": meta.id,
        "name": meta.title.get(lang),
        "shortDescription": {"text": meta.title.get(lang)},
        "fullDescription": {"text": meta.description.get(lang)},
        "help": {"text": meta.remediation.get(lang)},
        "helpUri": meta.legal[0].url,
        "defaultConfiguration": {"level": LEVEL[meta.severity]},
        "properties": {
            "category": str(meta.category),
            "severity": str(meta.severity),
            "legal_basis": meta.legal_basis(),
            "security-severity": SECURITY_SEVERITY[meta.severity],
            "tags": ["compliance", "security", str(meta.category), *laws],
        },
    }


def _result(finding: Finding, index: dict[str, int], where: Locator) -> dict[str, Any]:
    out: dict[str, Any] = {"ruleId": finding.policy_id}
    if finding.policy_id in index:
        out["ruleIndex"] = index[finding.policy_id]
    out |= {
        "level": LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(where.path(finding.file), finding.line, finding.resource)],
        "properties": {
            "severity": str(finding.severity),
            "category": str(finding.category),
            "legal_basis": finding.legal_basis,
        },
    }
    if finding.status is Status.WAIVED:
        out["suppressions"] = [_suppression(finding.waiver)]
    return out


def _location(path: str, line: int | None = None, resource: str | None = None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": _artifact(path)}
    if line is not None:
        physical["region"] = {"startLine": max(line, 1)}
    location: dict[str, Any] = {"physicalLocation": physical}
    if resource:
        location["logicalLocations"] = [{"fullyQualifiedName": resource}]
    return location


def _artifact(path: str) -> dict[str, str]:
    """A relative path under SRCROOT, percent-encoded; an absolute one becomes a file: URI of its own."""
    posix = path.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    if posix.startswith("/"):
        return {"uri": "file://" + quote(posix, safe="/")}
    return {"uri": quote(posix, safe="/"), "uriBaseId": URI_BASE}


def _suppression(waiver: WaiverRef | None) -> dict[str, Any]:
    if waiver is None:
        return {"kind": "external", "status": "accepted"}
    return {
        "kind": "external",
        "status": "accepted",
        "justification": waiver.reason,
        "properties": {
            "waiver_id": waiver.id,
            "owner": waiver.owner,
            "approved_by": waiver.approved_by,
            "ticket": waiver.ticket,
            "expires": waiver.expires.isoformat(),
            "days_left": waiver.days_left,
        },
    }


def _invocation(result: Result, where: Locator) -> dict[str, Any]:
    from sovstack.decide import verdict

    errored = [rec for rec in result.inputs if rec.status is InputStatus.ERROR]
    notes = [_input_notification(rec, where) for rec in errored]
    notes += [{"level": "error", "message": {"text": f"policy error: {err}"}} for err in result.policy_errors]
    notes += [{"level": "note", "message": {"text": f"not evaluated ({rec.status.value}): {rec.path}"
                                                    f"{f' ({rec.files} files)' if rec.files is not None else ''}: "
                                                    f"{rec.reason}; {rec.rule}"}}
              for rec in result.inputs if rec.status in (InputStatus.EXCLUDED, InputStatus.SKIPPED)]
    notes += [{"level": "warning" if not c.applied or c.excluded or c.waived else "note",
               "message": {"text": f"control file {c.path} ({c.type}, {c.source}): "
                                   f"{'applied' if c.applied else 'NOT applied (--audit)'}; "
                                   f"{'excluded' if c.type == 'ignore' else 'waived'}"
                                   f"{'' if c.applied else ' (would have)'}: {len(c.excluded or c.waived)}"}}
              for c in result.control_files]
    v = result.verdict or verdict(result)
    return {
        "executionSuccessful": v.exit_code in (0, 1),
        "exitCode": v.exit_code,
        "exitCodeDescription": f"{v.status.value}: {v.reason}",
        "toolExecutionNotifications": notes,
        "properties": {"summary": result.summary.model_dump(), "audit": result.audit,
                       "controlFiles": [c.model_dump() for c in result.control_files]},
    }


def _input_notification(record: InputRecord, where: Locator) -> dict[str, Any]:
    reason = record.error or "unknown error"
    return {
        "level": "error",
        "message": {"text": f"cannot evaluate {record.path} ({record.kind}): {reason}"},
        "locations": [_location(where.path(record.path))],
    }
