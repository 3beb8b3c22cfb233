"""Decide: waivers with owner, approver, ticket and a bounded expiry; a waived finding keeps its waiver."""

from __future__ import annotations

import datetime as dt
import fnmatch
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sovstack.catalogue import POLICY_ID, Catalogue
from sovstack.collect import yamlload
from sovstack.models import Finding, Severity, Status, WaiverRef

DEFAULT_FILE = "sovstack-waivers.yaml"
MAX_DAYS = 180
MAX_DAYS_CRITICAL = 30


class WaiverError(Exception):
    """The waiver file is unreadable, malformed, or holds an expired or over-long waiver."""


class Waiver(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    policy_id: str
    target: str = Field(min_length=1, description="glob on the finding's file, or on its resource")
    reason: str = Field(min_length=10)
    owner: str = Field(min_length=1)
    approved_by: str = Field(min_length=1)
    ticket: str = Field(min_length=1)
    expires: dt.date

    @field_validator("policy_id")
    @classmethod
    def _pid(cls, v: str) -> str:
        if not POLICY_ID.match(v):
            raise ValueError(f"{v!r} is not a policy id (SOV-<AREA>-<NNN>)")
        return v

    def matches(self, f: Finding) -> bool:
        if f.policy_id != self.policy_id:
            return False
        return fnmatch.fnmatchcase(f.file, self.target) or bool(f.resource and fnmatch.fnmatchcase(f.resource, self.target))

    def ref(self, today: dt.date) -> WaiverRef:
        return WaiverRef(id=self.id, reason=self.reason, owner=self.owner, approved_by=self.approved_by,
                         ticket=self.ticket, expires=self.expires, days_left=(self.expires - today).days)


class WaiverFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    waivers: list[Waiver]


MAX_FILE_BYTES = 1024 * 1024


def load(path: Path, catalogue: Catalogue, today: dt.date) -> list[Waiver]:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise WaiverError(f"{path}: over {MAX_FILE_BYTES} bytes: not a waiver file")
        text = path.read_text(encoding="utf-8")
        yamlload.check_nesting(text)
        raw = yaml.load(text, Loader=yaml.CSafeLoader)
    except (OSError, UnicodeDecodeError) as exc:
        raise WaiverError(f"{path}: cannot read: {exc}") from exc
    except yamlload.YamlLimitError as exc:
        raise WaiverError(f"{path}: rejected: {exc}") from exc
    except yaml.YAMLError as exc:
        raise WaiverError(f"{path}: malformed YAML: {exc}") from exc
    if isinstance(raw, dict) and "waivers" in raw and raw["waivers"] is None:
        raw = {**raw, "waivers": []}
    try:
        parsed = WaiverFile.model_validate(raw if raw is not None else {"waivers": []})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise WaiverError(f"{path}: invalid waiver file: {problems}") from exc
    problems = [p for w in parsed.waivers for p in _problems(w, catalogue, today)]
    ids = [w.id for w in parsed.waivers]
    problems += [f"waiver id {i} is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    if problems:
        raise WaiverError(f"{path}: " + "; ".join(problems))
    return parsed.waivers


def _problems(w: Waiver, catalogue: Catalogue, today: dt.date) -> list[str]:
    if w.policy_id not in catalogue.policies:
        return [f"waiver {w.id}: unknown policy {w.policy_id}"]
    out = []
    critical = catalogue.get(w.policy_id).severity is Severity.CRITICAL
    limit = MAX_DAYS_CRITICAL if critical else MAX_DAYS
    if w.expires < today:
        out.append(f"waiver {w.id} for {w.policy_id} expired on {w.expires}")
    elif (w.expires - today).days > limit:
        out.append(f"waiver {w.id} for {w.policy_id} expires {w.expires}, more than {limit} days ahead"
                   f"{' (critical policy)' if critical else ''}")
    return out


def apply_waivers(findings: list[Finding], waivers: list[Waiver], today: dt.date) -> list[Finding]:
    out = []
    for f in findings:
        w = next((w for w in waivers if f.status is Status.FAILED and w.expires >= today and w.matches(f)), None)
        out.append(f.model_copy(update={"status": Status.WAIVED, "waiver": w.ref(today)}) if w else f)
    return out
