"""GitLab Code Quality report (Code Climate issues): failed findings and unreadable inputs, on every GitLab tier."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from sovstack.models import InputStatus, Severity
from sovstack.report.location import Locator

if TYPE_CHECKING:
    from pathlib import Path

    from sovstack.catalogue import Catalogue
    from sovstack.models import Finding, InputRecord, Result

# GitLab's five levels (docs: ci/testing/code_quality, "Code Quality report format").
SEVERITY = {
    Severity.CRITICAL: "blocker",
    Severity.HIGH: "critical",
    Severity.MEDIUM: "major",
    Severity.LOW: "minor",
    Severity.INFO: "info",
}
INPUT_ERROR = "sovstack-input-error"  # fail closed: an input that was not evaluated shows in the widget too


def render(result: Result, catalogue: Catalogue, lang: str = "en", repo_root: Path | None = None) -> str:
    """Paths are relative to the repository root (repo_root, or the .git folder above the scanned path), as the
    merge-request widget and the diff annotations need. Waived findings are accepted, so they are left out."""
    where = Locator.of(result, repo_root)
    issues = [_issue(f, catalogue, lang, where.path(f.file)) for f in result.failed()]
    issues += [_input_issue(rec, where.path(rec.path)) for rec in result.inputs if rec.status is InputStatus.ERROR]
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"


def fingerprint(*parts: str) -> str:
    """Stable across runs and scan folders: the same policy, repository path, line and resource."""
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def _issue(finding: Finding, catalogue: Catalogue, lang: str, path: str) -> dict[str, Any]:
    meta = catalogue.policies.get(finding.policy_id)
    title = meta.title.get(lang) if meta else finding.policy_id
    issue: dict[str, Any] = {
        "type": "issue",
        "check_name": finding.policy_id,
        "description": f"{finding.policy_id} {title}: {finding.message}",
        "categories": ["Security"],
        "severity": SEVERITY[finding.severity],
        "fingerprint": fingerprint(finding.policy_id, path, str(finding.line or ""), finding.resource or ""),
        "location": {"path": path, "lines": {"begin": max(finding.line or 1, 1)}},
    }
    if meta:
        issue["content"] = {"body": meta.remediation.get(lang)}
    return issue


def _input_issue(record: InputRecord, path: str) -> dict[str, Any]:
    return {
        "type": "issue",
        "check_name": INPUT_ERROR,
        "description": f"not evaluated ({record.kind}): {record.error or 'unknown error'}",
        "categories": ["Bug Risk"],
        "severity": "critical",
        "fingerprint": fingerprint(INPUT_ERROR, path),
        "location": {"path": path, "lines": {"begin": 1}},
    }
