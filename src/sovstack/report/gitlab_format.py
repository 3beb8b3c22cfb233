"""GitLab SAST report (security report schema 15.0.7): failed findings as vulnerabilities."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import TYPE_CHECKING, Any

from sovstack.models import InputStatus
from sovstack.report.location import Locator

if TYPE_CHECKING:
    from pathlib import Path

    from sovstack.catalogue import Catalogue
    from sovstack.models import Finding, Result

SCHEMA_VERSION = "15.0.7"
VENDOR = "sovstack"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"  # the schema's pattern: no fraction, no zone (UTC)


def render(result: Result, catalogue: Catalogue, lang: str = "en", repo_root: Path | None = None) -> str:
    """Locations are relative to the repository root (repo_root, or the .git folder above the scanned path)."""
    where = Locator.of(result, repo_root)
    report = {
        "version": SCHEMA_VERSION,
        "scan": _scan(result),
        "vulnerabilities": [_vulnerability(f, catalogue, lang, where.path(f.file)) for f in result.failed()],
    }
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def vulnerability_id(finding: Finding) -> str:
    """Stable across runs: the same policy, file, line and resource always give the same id."""
    key = "|".join([finding.policy_id, finding.file, str(finding.line or ""), finding.resource or ""])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _scan(result: Result) -> dict[str, Any]:
    tool = {
        "id": result.tool.name,
        "name": result.tool.name,
        "version": result.tool.version,
        "vendor": {"name": VENDOR},
    }
    start, end = _times(result)
    failed = result.policy_errors or any(rec.status is InputStatus.ERROR for rec in result.inputs)
    return {
        "analyzer": tool,
        "scanner": dict(tool),
        "type": "sast",
        "start_time": start,
        "end_time": end,
        "status": "failure" if failed else "success",
    }


def _times(result: Result) -> tuple[str, str]:
    start = dt.datetime.now(dt.UTC)
    if result.started_at:
        try:
            start = dt.datetime.fromisoformat(result.started_at)
        except ValueError:
            pass
    if start.tzinfo is not None:
        start = start.astimezone(dt.UTC)
    end = start + dt.timedelta(seconds=result.duration_s or 0)
    return start.strftime(TIME_FORMAT), end.strftime(TIME_FORMAT)


def _vulnerability(finding: Finding, catalogue: Catalogue, lang: str, path: str) -> dict[str, Any]:
    meta = catalogue.policies.get(finding.policy_id)
    vuln: dict[str, Any] = {
        "id": vulnerability_id(finding),
        "category": "sast",
        "name": meta.title.get(lang) if meta else finding.policy_id,
        "description": finding.message,
        "severity": str(finding.severity).capitalize(),
        "identifiers": _identifiers(finding, catalogue),
        "location": {"file": path},
    }
    if meta:
        vuln["solution"] = meta.remediation.get(lang)
    if finding.line is not None:
        vuln["location"]["start_line"] = finding.line
    return vuln


def _identifiers(finding: Finding, catalogue: Catalogue) -> list[dict[str, str]]:
    ids = [{"type": "sovstack_policy", "name": finding.policy_id, "value": finding.policy_id}]
    meta = catalogue.policies.get(finding.policy_id)
    for ref in meta.legal if meta else []:
        ids.append({"type": "sovstack_legal_basis", "name": ref.label(), "value": ref.label(), "url": ref.url})
    return ids
