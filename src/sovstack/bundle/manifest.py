"""The bundle manifest: digests of every input file and bundled file, tool and policy versions, the run."""

from __future__ import annotations

import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from sovstack import __version__
from sovstack.bundle.digest import file_digests
from sovstack.models import InputStatus

if TYPE_CHECKING:
    from sovstack.catalogue import Catalogue
    from sovstack.models import Result

FORMAT = "sovstack-evidence-bundle"
VERSION = 1
HEX64 = r"^[0-9a-f]{64}$"
# The tools whose versions decide a result: the checker, the policy engine, the Pulumi and Ansible code it reads.
DISTRIBUTIONS = ("checkov", "pulumi", "pulumi-openstack", "pulumi-proxmoxve", "pulumi-vsphere", "pulumi-minio",
                 "pulumi-policy", "ansible-core", "ansible-lint", "weasyprint", "gostcrypto", "cryptography")


class Digest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    size: int = Field(ge=0)
    sha256: str = Field(pattern=HEX64)
    streebog256: str = Field(pattern=HEX64)


class Unhashed(BaseModel):
    """An input listed in the result that is not a regular file here (unreadable, a link, a planned stack label)."""

    model_config = ConfigDict(extra="forbid")
    error: str


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: str = Field(pattern=f"^{FORMAT}$")
    manifest_version: int
    created_at: str
    digests: dict[str, str]
    run: dict[str, Any]
    versions: dict[str, Any]
    inputs: dict[str, Digest | Unhashed]
    files: dict[str, Digest]
    evidence_sources: dict[str, dict[str, Any]] = Field(default_factory=dict)  # bundled evidence -> its file


def canonical(doc: dict[str, Any]) -> bytes:
    """Sorted keys, two-space indent, UTF-8, LF and a final newline: the same manifest is the same bytes."""
    return (json.dumps(doc, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def versions(catalogue: Catalogue) -> dict[str, Any]:
    out: dict[str, Any] = {"sovstack": __version__, "python": platform.python_version(),
                           "policies": policies_version(catalogue)}
    for dist in DISTRIBUTIONS:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


def policies_version(catalogue: Catalogue) -> dict[str, Any]:
    """Each policy's version, and one SHA-256 over the catalogue's files (every policy home but its fixtures,
    frameworks, data, the checkov entry)."""
    from sovstack.catalogue import catalogue_files  # noqa: PLC0415 - the manifest module stays light to import

    tree = hashlib.sha256()
    for path in catalogue_files(catalogue.root):
        rel = path.relative_to(catalogue.root).as_posix()
        tree.update(f"{rel}\0{hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    return {"count": len(catalogue.policies), "sha256": tree.hexdigest(),
            "policy_versions": {pid: meta.version for pid, meta in sorted(catalogue.policies.items())},
            "frameworks": sorted(fw.id for fw in catalogue.frameworks)}


def base_of(root: Path) -> Path:
    """The folder input paths are relative to: the scanned folder, or a scanned file's folder."""
    return root if root.is_dir() else root.parent


def locate(label: str, roots: list[Path]) -> Path | None:
    """The file behind an input path of a result (relative to the scanned root; prefixed by the root's name
    when several paths were scanned). None for labels that are not files (a stack planned without a stack file)."""
    if "#" in label or not roots:
        return None
    if len(roots) == 1:
        return base_of(roots[0]) / label
    head, _, rest = label.partition("/")
    for root in roots:
        if base_of(root.resolve()).name == head and rest:
            return base_of(root) / rest
    return None


def input_labels(result: Result) -> list[str]:
    """The files the run read: inputs evaluated or in error (an archive member stands for its archive file);
    files listed as excluded or skipped were not read as inputs."""
    return sorted({file_label(rec.path) for rec in result.inputs
                   if rec.status in (InputStatus.EVALUATED, InputStatus.ERROR)})


def file_label(label: str) -> str:
    """The file on disk behind an input label ("chart.tgz!/templates/x.yaml" is inside chart.tgz)."""
    return label.split("!/", 1)[0]


def input_file(label: str, roots: list[Path]) -> Path | Unhashed:
    """The regular file to hash for an input, or why there is none."""
    path = locate(label, roots)
    if path is None:
        return Unhashed(error="not a file path (a stack planned without a stack file, or an unknown root)")
    if path.is_symlink() or not path.is_file():
        return Unhashed(error="not a regular file" if path.exists() or path.is_symlink() else "missing")
    return path


def input_digests(labels: list[str], roots: list[Path]) -> dict[str, Digest | Unhashed]:
    out: dict[str, Digest | Unhashed] = {}
    for label in labels:
        target = input_file(label, roots)
        try:
            out[label] = target if isinstance(target, Unhashed) else Digest.model_validate(file_digests(target))
        except OSError as exc:
            out[label] = Unhashed(error=f"cannot read: {exc.strerror or exc}")
    return out
