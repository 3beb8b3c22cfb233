"""Incremental checking: evaluation results cached by content hash, so a re-check redoes only what changed.

A file's entry is keyed by its bytes, its path in the scan and the run's context (sovstack's version, every
file of the policy catalogue, the versions of checkov and the Pulumi SDK, the size limit); a planned stack's
entry by its project's program files, its stack config and the same context. Change any of them and the entry
is simply never found again. Only fully evaluated inputs are cached: errors are always recomputed. Waivers
are applied after the cache, so changing a waiver never needs a re-evaluation.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from sovstack import __version__
from sovstack.catalogue import catalogue_files
from sovstack.models import Finding, InputRecord
from sovstack.redact import redact_model

FORMAT = 1  # bump when the stored shape changes
MAX_ENTRY_BYTES = 64 * 1024 * 1024


def default_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sovstack"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def catalogue_fingerprint(policies_dir: str) -> str:
    """SHA-256 over every file of the catalogue (each policy's check, metadata and docs, data, frameworks, the
    checkov entry), by path and content; the policies' fixtures are test data and do not count."""
    digest = hashlib.sha256()
    root = Path(policies_dir)
    for path in catalogue_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _pulumi_versions() -> str:
    """The Pulumi SDK and every provider SDK installed: a provider upgrade can change a plan."""
    names = sorted({(d.metadata["Name"] or "").lower() for d in metadata.distributions()
                    if (d.metadata["Name"] or "").lower().startswith("pulumi")})
    return ",".join(f"{n}={_version(n)}" for n in names)


def context(policies_dir: str, max_bytes: int) -> str:
    parts = [f"format={FORMAT}", f"sovstack={__version__}", f"catalogue={catalogue_fingerprint(policies_dir)}",
             f"checkov={_version('checkov')}", f"pulumi={_pulumi_versions()}", f"max_bytes={max_bytes}"]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def file_key(ctx: str, rel: str, path: Path) -> str | None:
    """Key of one input file (None when it cannot be read: the normal path reports why)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return hashlib.sha256(f"file\0{ctx}\0{rel}\0".encode() + hashlib.sha256(data).digest()).hexdigest()


def tree_digest(folder: Path, suffixes: tuple[str, ...] = (".py",)) -> str:
    """Digest of the program files a Pulumi project may run (by relative path and content)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in suffixes and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def plan_key(ctx: str, label: str, program_digest: str, stack_fields: dict[str, Any]) -> str:
    blob = json.dumps({"label": label, "program": program_digest, **stack_fields}, sort_keys=True)
    return hashlib.sha256(f"plan\0{ctx}\0".encode() + blob.encode()).hexdigest()


class Cache:
    """A folder of JSON entries, written atomically; an unreadable or corrupt entry is a miss."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key[2:]}.json"

    def get(self, key: str | None) -> tuple[InputRecord, list[Finding]] | None:
        if key is None:
            return None
        path = self._path(key)
        try:
            if path.stat().st_size > MAX_ENTRY_BYTES:
                raise ValueError("oversized entry")
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("deps") and not _fresh(data["deps"]):
                raise ValueError("a file its values were resolved from changed")
            entry = InputRecord.model_validate(data["record"]), [Finding.model_validate(f) for f in data["findings"]]
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        self.hits += 1
        return entry

    def put(self, key: str | None, record: InputRecord, findings: list[Finding], **extra: Any) -> None:
        if key is None:
            return
        path = self._path(key)
        text = json.dumps({"record": redact_model(record).model_dump(mode="json"),
                           "findings": [redact_model(f).model_dump(mode="json") for f in findings], **extra})
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".entry.", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, path)
        except OSError:
            if tmp:
                Path(tmp).unlink(missing_ok=True)  # a cache that cannot be written only costs time

    # ---- valid while every file read (and every folder listed) is unchanged: planned stacks, and documents whose
    # values were resolved from other files (a tfvars, group_vars or .env change invalidates the entry) --------
    def put_with_deps(self, key: str | None, record: InputRecord, findings: list[Finding], reads: list[str],
                      lists: list[str]) -> None:
        if not reads and not lists:
            self.put(key, record, findings)
        elif key is not None:
            self.put_plan(key, record, findings, reads, lists)

    def put_plan(self, key: str, record: InputRecord, findings: list[Finding], reads: list[str],
                 lists: list[str], absent: list[str] = ()) -> None:
        deps = {"files": {p: _file_digest(p) for p in reads}, "folders": {d: _folder_digest(d) for d in lists},
                "absent": sorted(absent)}  # files the program looked for: the plan holds while they stay absent
        if any(os.path.exists(p) for p in absent):
            return
        if None in deps["files"].values() or None in deps["folders"].values():
            return  # a dependency vanished while planning: do not cache
        self.put(key, record, findings, deps=deps)

    def get_plan(self, key: str) -> tuple[InputRecord, list[Finding]] | None:
        return self.get(key)


def _fresh(deps: dict[str, Any]) -> bool:
    try:
        return all(_file_digest(p) == d for p, d in deps.get("files", {}).items()) and \
            all(_folder_digest(f) == d for f, d in deps.get("folders", {}).items()) and \
            not any(os.path.exists(p) for p in deps.get("absent", []))
    except (OSError, ValueError, AttributeError):
        return False


def _file_digest(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def _folder_digest(path: str) -> str | None:
    try:
        return hashlib.sha256("\0".join(sorted(os.listdir(path))).encode()).hexdigest()
    except OSError:
        return None
