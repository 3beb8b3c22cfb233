"""Tamper-evident evidence bundles: `create` packs the reports, the JSON result, the waivers, the evidence from the
hosts and a manifest of digests (optionally signed); `verify` recomputes everything and names what changed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from sovstack.bundle import archive, signing
from sovstack.bundle.digest import digests
from sovstack.bundle.manifest import FORMAT, VERSION, Digest, Manifest, canonical, input_digests, input_labels
from sovstack.bundle.manifest import versions as tool_versions
from sovstack.redact import redact_model
from sovstack.report import Format

if TYPE_CHECKING:
    from sovstack.catalogue import Catalogue
    from sovstack.models import Result

MANIFEST, SIGNATURE = "manifest.json", "manifest.sig"
REPORTS = {"reports/report.html": Format.HTML, "reports/report.pdf": Format.PDF, "reports/summary.md": Format.MARKDOWN}


class BundleError(Exception):
    """The bundle (or a file it needs) cannot be read or written; the message names it."""


class Tampered(Exception):
    """`extract` found the bundle changed; the message names what."""


@dataclass
class Created:
    path: Path
    manifest: bytes
    files: int
    inputs: int
    signed_by: str | None


@dataclass
class Verification:
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    signature: str | None = None  # what the signature check established
    signature_ok: bool = True
    manifest: bytes = b""
    notes: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not (self.changed or self.added or self.removed) and self.signature_ok


def create(output: Path, result: Result, catalogue: Catalogue, *, lang: str, roots: list[Path],
           extra: dict[str, list[Path]], key: signing.Key | None, command: list[str] | None) -> Created:
    """`extra` maps a bundle folder ("waivers") to files copied into it. The result is masked again: it may come
    from a file written by another version of the tool."""
    result = redact_model(result)
    files = {"result.json": result.model_dump_json(indent=2).encode("utf-8") + b"\n"}
    files |= _render(result, catalogue, lang)
    for folder, paths in extra.items():
        for path in paths:
            files[_unique(files, f"{folder}/{path.name}")] = _read(path)
    sources = _add_evidence(files, result)
    hashed = {label: value.model_dump() for label, value in input_digests(input_labels(result), roots).items()}
    bundled = {name: digests(files[name]) for name in sorted(files)}
    now = dt.datetime.now(dt.UTC)
    doc = {
        "format": FORMAT, "manifest_version": VERSION, "created_at": now.isoformat(timespec="seconds"),
        "digests": {"sha256": "SHA-256 (FIPS 180-4), hex",
                    "streebog256": "GOST R 34.11-2012 (Streebog), 256-bit, hex as printed in the standard's examples"},
        "run": {"started_at": result.started_at, "duration_s": result.duration_s, "check_command": result.command,
                "bundle_command": command, "scanned_paths": result.scanned_paths, "excludes": result.excludes, "audit": result.audit,
                "summary": result.summary.model_dump(), "lang": lang},
        "versions": tool_versions(catalogue), "inputs": hashed, "files": bundled, "evidence_sources": sources,
    }
    manifest = canonical(doc)
    files[MANIFEST] = manifest
    if key is not None:
        files[SIGNATURE] = canonical(signing.sign(key, manifest))
    try:
        archive.write(output, files, now.timestamp())
    except OSError as exc:
        raise BundleError(f"{output}: cannot write: {exc.strerror or exc}") from exc
    return Created(output, manifest, len(files), len(hashed), key.key_id if key else None)


def _render(result: Result, catalogue: Catalogue, lang: str) -> dict[str, bytes]:
    out = {}
    for name, fmt in REPORTS.items():
        try:
            rendered = fmt.render(result, catalogue, lang)
        except Exception as exc:  # noqa: BLE001 - any renderer failure stops the bundle, naming the report
            raise BundleError(f"cannot render {name}: {type(exc).__name__}: {exc}") from exc
        out[name] = rendered if isinstance(rendered, bytes) else rendered.encode("utf-8")
    return out


def _add_evidence(files: dict[str, bytes], result: Result) -> dict[str, dict[str, object]]:
    """The host evidence the result carries: the file as it was read when masking changed nothing and the file
    is unchanged, else the masked evidence (never a secret the reports would not show)."""
    sources: dict[str, dict[str, object]] = {}
    for item in result.evidence:
        name = _unique(files, f"evidence/{Path(item.path).name}")
        original = _unchanged(Path(item.path), item.sha256) if not item.masked else None
        files[name] = original if original is not None else item.evidence.model_dump_json(indent=2).encode() + b"\n"
        sources[name] = {"path": item.path, "sha256": item.sha256,
                         "bundled": "original" if original is not None else "masked or re-serialised"}
    return sources


def _unchanged(path: Path, sha256: str) -> bytes | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def _unique(files: dict[str, bytes], name: str) -> str:
    stem, n = name, 2
    while name in files:
        name = f"{stem}.{n}"
        n += 1
    return name


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise BundleError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def verify(path: Path, *, against: list[Path] | None = None, trusted: signing.Key | None = None) -> Verification:
    """Recomputes the digest of every bundled file (and of every input file under `against`)."""
    return _verify(path, _members(path), against, trusted)


def _members(path: Path) -> dict[str, bytes]:
    try:
        return archive.read(path)
    except archive.ArchiveError as exc:
        raise BundleError(str(exc)) from exc


def _verify(path: Path, members: dict[str, bytes], against: list[Path] | None,
            trusted: signing.Key | None) -> Verification:
    if MANIFEST not in members:
        raise BundleError(f"{path}: no {MANIFEST}: not a sovstack evidence bundle")
    out = Verification(manifest=members[MANIFEST])
    _check_signature(out, members, trusted)
    try:
        manifest = Manifest.model_validate(json.loads(members[MANIFEST]))
    except (ValueError, ValidationError) as exc:
        out.changed.append(f"{MANIFEST} (no longer a valid manifest: {str(exc).splitlines()[0]})")
        return out
    for name, want in sorted(manifest.files.items()):
        if name not in members:
            out.removed.append(name)
        elif Digest.model_validate(digests(members[name])) != want:
            out.changed.append(name)
    out.added += sorted(n for n in members if n not in manifest.files and n not in (MANIFEST, SIGNATURE))
    if against:
        _check_inputs(out, manifest, input_digests(sorted(manifest.inputs), against), against)
    return out


def _check_signature(out: Verification, members: dict[str, bytes], trusted: signing.Key | None) -> None:
    if SIGNATURE not in members:
        if trusted is not None:
            out.signature_ok, out.signature = False, f"{SIGNATURE} is missing, but --public-key requires a signature"
            out.removed.append(SIGNATURE)
        return
    try:
        doc = json.loads(members[SIGNATURE])
        ok, what = signing.check(doc, members[MANIFEST], trusted)
    except (ValueError, AttributeError, TypeError) as exc:
        ok, what = False, f"{SIGNATURE} is not a signature document: {exc}"
    out.signature_ok, out.signature = ok, what
    if not ok:
        out.changed.append(SIGNATURE if "does not match" not in what else MANIFEST)


def _check_inputs(out: Verification, manifest: Manifest, now: dict[str, Digest | Unhashed], roots: list[Path]) -> None:
    from sovstack.bundle.inputs import current_inputs  # noqa: PLC0415 - reads the tree: only with --against

    for label, want in sorted(manifest.inputs.items()):
        if not isinstance(want, Digest):
            continue
        got = now[label]
        if not isinstance(got, Digest):
            out.removed.append(f"input {label}")
        elif got != want:
            out.changed.append(f"input {label}")
    found = current_inputs(roots, list(manifest.run.get("excludes") or []), bool(manifest.run.get("audit")))
    out.added += [f"input {label}" for label in sorted(found - set(manifest.inputs))]


def extract(path: Path, dest: Path, *, trusted: signing.Key | None = None) -> int:
    """Unpacks an intact bundle into a new folder: the members verified are the members written (read once),
    regular files only, created exclusively and never through a link."""
    members = _members(path)
    found = _verify(path, members, None, trusted)
    if not found.intact:
        raise Tampered("; ".join(f"{what} {name}" for what, names in (("changed", found.changed),
                                 ("added", found.added), ("removed", found.removed)) for name in names)
                       or found.signature or "signature")
    if dest.exists() or dest.is_symlink():
        raise BundleError(f"{dest}: exists; give a folder that does not exist yet")
    try:
        dest.mkdir()
        for name, data in sorted(members.items()):
            target = dest.joinpath(*name.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
    except OSError as exc:
        raise BundleError(f"{dest}: cannot unpack: {exc.strerror or exc} ({exc.filename or ''})") from exc
    return len(members)
