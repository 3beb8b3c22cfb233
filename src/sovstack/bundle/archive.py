"""Writes a bundle as one .tar.gz or .zip; reads one back into memory, refusing anything a hostile archive
could use: absolute or `..` paths, links, devices, duplicates, oversized members and zip bombs."""

from __future__ import annotations

import io
import os
import re
import stat
import tarfile
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from sovstack.safearchive import name_problem, tar_kind, zip_problem

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
_TOP = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class ArchiveError(Exception):
    """The file is not a readable bundle archive, or a member is refused (named in the message)."""


@dataclass(frozen=True)
class Limits:
    members: int = 10_000
    member_bytes: int = 256 * 1024 * 1024
    total_bytes: int = 1024 * 1024 * 1024
    zip_ratio: int = 200  # uncompressed / compressed, per member


def kind_of(path: Path) -> str:
    """By extension, for writing: .zip, else .tar.gz."""
    return "zip" if path.name.lower().endswith(".zip") else "tar.gz"


def top_folder(path: Path) -> str:
    """The one folder every member sits in, named after the bundle file."""
    name = path.name
    for suffix in (".tar.gz", ".tgz", ".zip"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    name = re.sub(r"[^A-Za-z0-9._-]", "-", name).lstrip(".-") or "sovstack-bundle"
    return name[:100]


def write(path: Path, files: dict[str, bytes], mtime: float) -> None:
    """All or nothing: a temporary file beside the target, then a rename. Members sorted, owner-neutral."""
    top = top_folder(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.resolve().parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if kind_of(path) == "zip":
                _write_zip(fh, top, files, mtime)
            else:
                _write_tar(fh, top, files, mtime)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_tar(fh: io.BufferedWriter, top: str, files: dict[str, bytes], mtime: float) -> None:
    with tarfile.open(fileobj=fh, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(files):
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size, info.mtime, info.mode = len(files[name]), int(mtime), 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(files[name]))


def _write_zip(fh: io.BufferedWriter, top: str, files: dict[str, bytes], mtime: float) -> None:
    import time  # noqa: PLC0415

    stamp = time.gmtime(max(mtime, 315532800))[:6]  # zip times start in 1980
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{top}/{name}", date_time=stamp)
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, files[name])


def read(path: Path, limits: Limits = Limits()) -> dict[str, bytes]:
    """The members' contents by name relative to the top folder. Nothing is written to disk."""
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ArchiveError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        if magic.startswith(GZIP_MAGIC):
            members = _read_tar(path, limits)
        elif magic == ZIP_MAGIC:
            members = _read_zip(path, limits)
        else:
            raise ArchiveError(f"{path}: not a .tar.gz or .zip bundle")
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise ArchiveError(f"{path}: corrupt archive: {exc}") from exc
    return _strip_top(path, members)


def _read_tar(path: Path, limits: Limits) -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    total = 0
    with tarfile.open(path, mode="r:gz") as tar:
        for member in tar:
            _check_name(path, member.name)
            if member.isdir():
                continue
            if tar_kind(member):
                raise ArchiveError(f"{path}: member {member.name!r}: {tar_kind(member)} (only regular files are "
                                   "allowed in a bundle)")
            total = _count(path, member.name, member.size, total, len(out), limits)
            stream = tar.extractfile(member)
            data = stream.read(member.size + 1) if stream else b""
            if len(data) != member.size:
                raise ArchiveError(f"{path}: member {member.name!r}: truncated")
            out.append((member.name, data))
    return out


def _read_zip(path: Path, limits: Limits) -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    total = 0
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            _check_name(path, info.filename.rstrip("/") if info.is_dir() else info.filename)
            if info.is_dir():
                continue
            problem = zip_problem(info, limits.zip_ratio)
            if problem:
                raise ArchiveError(f"{path}: member {info.filename!r}: {problem} (refused)")
            total = _count(path, info.filename, info.file_size, total, len(out), limits)
            with zf.open(info) as stream:
                data = stream.read(info.file_size + 1)
            if len(data) != info.file_size:
                raise ArchiveError(f"{path}: member {info.filename!r}: size differs from its header")
            out.append((info.filename, data))
    return out


def _count(path: Path, name: str, size: int, total: int, count: int, limits: Limits) -> int:
    if count + 1 > limits.members:
        raise ArchiveError(f"{path}: more than {limits.members} members (at {name!r})")
    if size > limits.member_bytes:
        raise ArchiveError(f"{path}: member {name!r}: {size} bytes, more than the limit of {limits.member_bytes}")
    if total + size > limits.total_bytes:
        raise ArchiveError(f"{path}: member {name!r}: the members add up to more than {limits.total_bytes} bytes")
    return total + size


def _check_name(path: Path, name: str) -> None:
    problem = name_problem(name)
    if problem:
        raise ArchiveError(f"{path}: member {name!r}: {problem} (refused)")


def _strip_top(path: Path, members: list[tuple[str, bytes]]) -> dict[str, bytes]:
    tops = {name.split("/", 1)[0] for name, _ in members}
    if len(tops) != 1 or any("/" not in name for name, _ in members):
        raise ArchiveError(f"{path}: members must sit in one top folder (found {', '.join(sorted(tops)) or 'none'})")
    top = tops.pop()
    if not _TOP.match(top):
        raise ArchiveError(f"{path}: top folder {top!r} is not a plain name")
    out: dict[str, bytes] = {}
    folded: set[str] = set()
    for name, data in members:
        rel = name.split("/", 1)[1]
        if rel.casefold() in folded:
            raise ArchiveError(f"{path}: member {name!r} appears twice (one copy would overwrite the other on "
                               "unpacking)")
        folded.add(rel.casefold())
        out[rel] = data
    return out
