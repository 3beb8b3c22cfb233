"""Decide: waivers with owner, approver, ticket and a bounded expiry; a waived finding keeps its waiver."""

from __future__ import annotations

import datetime as dt
import unicodedata
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sovstack.catalogue import POLICY_ID, Catalogue
from sovstack.collect import yamlload
from sovstack.models import Finding, Severity, Status, WaiverRef

if TYPE_CHECKING:
    import pathspec

DEFAULT_FILE = "sovstack-waivers.yaml"
MAX_DAYS = 180
MAX_DAYS_CRITICAL = 30


class WaiverError(Exception):
    """The waiver file is unreadable, malformed, or holds an expired or over-long waiver."""


class Waiver(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    policy_id: str
    target: str = Field(min_length=1, description="gitignore-style pattern (as --exclude) on the finding's file, "
                                                  "or on its resource")
    reason: str = Field(min_length=10)
    owner: str = Field(min_length=1)
    approved_by: str = Field(min_length=1)
    ticket: str = Field(min_length=1)
    expires: dt.date

    @field_validator("id", "owner", "approved_by", "ticket")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("is blank")
        return v

    @field_validator("policy_id")
    @classmethod
    def _pid(cls, v: str) -> str:
        if not POLICY_ID.match(v):
            raise ValueError(f"{v!r} is not a policy id (SOV-<AREA>-<NNN>)")
        return v

    @cached_property
    def spec(self) -> pathspec.GitIgnoreSpec:
        """The target read as one line of a .gitignore, the way --exclude and .sovstackignore are read."""
        return _gitignore([self.target])

    def covers(self, name: str) -> bool:
        """A file path or a resource name the target names: by pattern, as the walk prunes a folder and then its
        files (so exactly what the same --exclude would hide), or written out exactly (aws_x.y[0])."""
        return name == self.target or _covers(self.spec, name)

    def matches(self, f: Finding) -> bool:
        if f.policy_id != self.policy_id:
            return False
        return self.covers(f.file) or bool(f.resource and self.covers(f.resource))

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
    out = [f"waiver {w.id}: {p}" for p in (_self_approved(w), _target_problem(w.target)) if p]
    critical = catalogue.get(w.policy_id).severity is Severity.CRITICAL
    limit = MAX_DAYS_CRITICAL if critical else MAX_DAYS
    if w.expires < today:
        out.append(f"waiver {w.id} for {w.policy_id} expired on {w.expires}")
    elif (w.expires - today).days > limit:
        out.append(f"waiver {w.id} for {w.policy_id} expires {w.expires}, more than {limit} days ahead"
                   f"{' (critical policy)' if critical else ''}")
    return out


def _person(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _self_approved(w: Waiver) -> str | None:
    if _person(w.owner) == _person(w.approved_by):
        return f"approved_by {w.approved_by!r} is its owner: a waiver is approved by someone other than its owner"
    return None


# Probe names of varied depth, case, extension and folder: a target that takes in all of one group (or three in
# four of all) takes in the whole tree, however it is spelt ("*", "**/*", "/", "?*", "[!.]*", "*/", "/**"...).
TOP_PROBES = ("site.yml", "main.tf", "Pulumi.dev.yaml", ".env", "Dockerfile", "values.json", "README", "x.conf")
NESTED_PROBES = ("deploy/site.yml", "infra/modules/net/main.tf", "a/b/c/d/e/f/values.yaml", ".github/workflows/ci.yml",
                 "charts/app.tgz!/templates/deployment.yaml", "Roles/Notify/Tasks/Main.yml",
                 "папка/файл конфиг.env",
                 "monitoring/alertmanager/alertmanager.yml", "x/Makefile", "stacks/prod/Pulumi.prod.yaml",
                 "docker/compose.override.json", "etc/nginx/conf.d/default.conf")
RESOURCE_PROBES = ("aws_s3_bucket.data", "notify telegram", "module.net.yandex_vpc_network.main[0]", "Send alert",
                   "urn:pulumi:prod::sovstack::aws:s3/bucket:Bucket::logs", "slack_configs", "bot-runtime", "Q")


def _gitignore(lines: list[str]) -> pathspec.GitIgnoreSpec:
    import pathspec  # noqa: PLC0415 - its import probes optional backends; a run without waivers need not pay it

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _covers(spec: pathspec.GitIgnoreSpec, name: str) -> bool:
    parts = name.split("/")
    folders = ("/".join(parts[:i]) + "/" for i in range(1, len(parts)))
    return any(spec.match_file(d) for d in folders) or spec.match_file(name)


def _target_problem(target: str) -> str | None:
    """Why a target may not stand: blank, a negation, or one that takes in every file or every resource."""
    if not target.strip():
        return "target is empty"
    if not target.strip(" /.\t"):
        return f"target {target!r} is the root of the tree: name the files or resources the waiver covers"
    if target.lstrip().startswith("!"):
        return f"target {target!r} is a negation: a target names what the waiver covers"
    try:
        spec = _gitignore([target])
    except ValueError as exc:  # pathspec's GitIgnorePatternError: a trailing '\\', an unclosed range
        return f"target {target!r} is not a gitignore-style pattern: {exc}"
    files = [_covers(spec, p) for p in TOP_PROBES + NESTED_PROBES]
    tops, nested = files[:len(TOP_PROBES)], files[len(TOP_PROBES):]
    if all(tops) or all(nested) or sum(files) >= 0.75 * len(files):
        return f"target {target!r} matches all or nearly all files: name the files or resources the waiver covers"
    resources = [_covers(spec, r) for r in RESOURCE_PROBES]
    if sum(resources) >= 0.75 * len(resources):
        return f"target {target!r} matches all or nearly all resources: name the files or resources the waiver covers"
    return None


def apply_waivers(findings: list[Finding], waivers: list[Waiver], today: dt.date) -> list[Finding]:
    out = []
    for f in findings:
        w = next((w for w in waivers if f.status is Status.FAILED and w.expires >= today and w.matches(f)), None)
        out.append(f.model_copy(update={"status": Status.WAIVED, "waiver": w.ref(today)}) if w else f)
    return out
