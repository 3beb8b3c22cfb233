"""Baselines: the findings a team accepted as existing when adopting sovstack. A baselined finding is shown but
does not fail the run; a new one does; entries whose finding is gone are reported as stale. Fingerprints survive
line moves: policy, file, resource and the whitespace-normalised text of the line (or the message)."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from sovstack.models import BaselineEntry, BaselineInfo, Finding, Status
from sovstack.redact import redact

FORMAT = "sovstack-baseline"
VERSION = 1
_SPACE = re.compile(r"\s+")
_DIGITS_IN_MESSAGE = re.compile(r"\bline \d+\b")


class BaselineError(Exception):
    """The baseline file cannot be read or is not a sovstack baseline (named in the message)."""


class BaselineFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: str
    version: int
    findings: list[BaselineEntry]


def fingerprint(f: Finding) -> str:
    text = _SPACE.sub(" ", (f.excerpt or _DIGITS_IN_MESSAGE.sub("line", f.message)).strip())
    key = "\0".join((f.policy_id, f.file, f.resource or "", text))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def with_fingerprints(findings: list[Finding]) -> list[Finding]:
    return [f if f.fingerprint else f.model_copy(update={"fingerprint": fingerprint(f)}) for f in findings]


def create(findings: list[Finding]) -> str:
    """The baseline of every failed finding, as JSON text (sorted: the file diffs well under review)."""
    entries = sorted((BaselineEntry(fingerprint=f.fingerprint or fingerprint(f), policy_id=f.policy_id, file=f.file,
                                    line=f.line, message=redact(f.message) or "")
                      for f in findings if f.status is Status.FAILED),
                     key=lambda e: (e.file, e.line or 0, e.policy_id, e.fingerprint))
    doc = {"format": FORMAT, "version": VERSION, "findings": [e.model_dump() for e in entries]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def load(path: Path) -> list[BaselineEntry]:
    try:
        parsed = BaselineFile.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except ValidationError as exc:
        raise BaselineError(f"{path}: not a sovstack baseline: {str(exc).splitlines()[0]}") from exc
    if parsed.format != FORMAT or parsed.version != VERSION:
        raise BaselineError(f"{path}: not a sovstack baseline (format {parsed.format!r} version {parsed.version})")
    return parsed.findings


def apply(findings: list[Finding], entries: list[BaselineEntry], path: str) -> tuple[list[Finding], BaselineInfo]:
    """Failed findings whose fingerprint the baseline holds become baselined (as many as it holds of each)."""
    left = Counter(e.fingerprint for e in entries)
    out = []
    for f in findings:
        if f.status is Status.FAILED and left[f.fingerprint] > 0:
            left[f.fingerprint] -= 1
            f = f.model_copy(update={"status": Status.BASELINED})
        out.append(f)
    stale: list[BaselineEntry] = []
    for e in entries:
        if left[e.fingerprint] > 0:
            left[e.fingerprint] -= 1
            stale.append(e)
    return out, BaselineInfo(path=path, entries=len(entries), matched=len(entries) - len(stale), stale=stale)
