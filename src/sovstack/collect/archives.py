"""Opens archives found in a scanned tree (Helm chart packages, .tgz/.tar.gz/.zip...) in memory, within bounds and
never extracting to disk, so their members are checked like files under names such as `chart.tgz!/templates/x.yaml`.
An archive that cannot be opened is an input error; a refused member (link, absolute or `..` path) is one too."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Callable, Iterator


ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
COMPRESSED = {b"\x1f\x8b": "gzip", b"BZh": "bzip2", b"\xfd7zXZ\x00": "xz"}
# zip containers of compiled code or office documents: listed as skipped, not opened
PACKAGE_SUFFIXES = (".jar", ".war", ".ear", ".aar", ".whl", ".egg", ".apk", ".nupkg", ".vsix", ".docx", ".xlsx",
                    ".pptx", ".odt", ".ods", ".odp", ".epub", ".ipa", ".xpi", ".crx")


class ArchiveProblem(Exception):
    """The archive cannot be opened within the limits."""


@dataclass(frozen=True)
class Limits:
    archive_bytes: int = 32 * 1024 * 1024  # the archive file itself
    members: int = 5_000
    total_bytes: int = 64 * 1024 * 1024  # uncompressed, all members together
    depth: int = 3  # archives inside archives
    zip_ratio: int = 200


def format_of(head: bytes) -> str | None:
    """'zip', 'tar', or a compression name, from the first bytes (at least 512 for tar)."""
    if head.startswith(ZIP_MAGIC):
        return "zip"
    for magic, name in COMPRESSED.items():
        if head.startswith(magic):
            return name
    if head[257:262] == b"ustar":
        return "tar"
    return None


def is_package(name: str) -> bool:
    return name.lower().endswith(PACKAGE_SUFFIXES)


def entries(name: str, data: bytes, limits: Limits = Limits()) -> list[tuple[str, bytes | str]]:
    """(member name, content) pairs; content is a str when that member is refused (the reason)."""
    if len(data) > limits.archive_bytes:
        raise ArchiveProblem(f"{len(data)} bytes, over the {limits.archive_bytes}-byte limit for archives")
    fmt = format_of(data[:512])
    if fmt == "zip":
        return _zip(data, limits)
    raw = _decompress(fmt, data, limits) if fmt in COMPRESSED.values() else data
    if raw[257:262] == b"ustar":
        return _tar(raw, limits)
    if fmt in COMPRESSED.values():  # one compressed file, not a tar: its content under the name without suffix
        inner = PurePosixPath(name).stem if "." in PurePosixPath(name).name else name
        return [(inner, raw)]
    raise ArchiveProblem("not a tar, zip, gzip, bzip2 or xz archive")


def _decompress(fmt: str, data: bytes, limits: Limits) -> bytes:
    import bz2  # the archive modules load only when a file sniffs as an archive
    import lzma
    import zlib

    make = {"gzip": lambda: zlib.decompressobj(16 + zlib.MAX_WBITS), "bzip2": bz2.BZ2Decompressor,
            "xz": lzma.LZMADecompressor}[fmt]
    try:
        raw = make().decompress(data, limits.total_bytes + 1)
    except (zlib.error, OSError, EOFError, lzma.LZMAError, ValueError) as exc:
        raise ArchiveProblem(f"corrupt {fmt} data: {exc}") from exc
    if len(raw) > limits.total_bytes:
        raise ArchiveProblem(f"decompresses to more than {limits.total_bytes} bytes (limit)")
    return raw


def _tar(raw: bytes, limits: Limits) -> list[tuple[str, bytes | str]]:
    import tarfile

    from sovstack.safearchive import name_problem, tar_kind

    out: list[tuple[str, bytes | str]] = []
    try:
        with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tar:
            for member in tar:
                if member.isdir():
                    continue
                _count(out, limits)
                problem = name_problem(member.name) or tar_kind(member)
                if problem:
                    out.append((_shown(member.name), problem))
                    continue
                stream = tar.extractfile(member)
                out.append((member.name, stream.read(member.size) if stream else b""))
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ArchiveProblem(f"corrupt tar: {exc}") from exc
    return out


def _zip(data: bytes, limits: Limits) -> list[tuple[str, bytes | str]]:
    import zipfile
    import zlib

    from sovstack.safearchive import name_problem, zip_problem

    out: list[tuple[str, bytes | str]] = []
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                _count(out, limits)
                problem = name_problem(info.filename) or zip_problem(info, limits.zip_ratio)
                total += info.file_size
                if total > limits.total_bytes:
                    raise ArchiveProblem(f"members add up to more than {limits.total_bytes} bytes (limit)")
                if problem:
                    out.append((_shown(info.filename), problem))
                    continue
                with zf.open(info) as stream:
                    out.append((info.filename, stream.read(info.file_size + 1)[: info.file_size]))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise ArchiveProblem(f"corrupt zip: {exc}") from exc
    return out


def _count(out: list, limits: Limits) -> None:
    if len(out) >= limits.members:
        raise ArchiveProblem(f"more than {limits.members} members (limit)")


def _shown(name: str) -> str:
    """A refused member's name, made safe to print as part of a path label."""
    return name.replace("\x00", "\\0").lstrip("/") or "(empty name)"


def walk_members(rel: str, data: bytes, emit: Callable[[str, bytes], object], error: Callable[[str, str], object],
                 limits: Limits = Limits(), depth: int = 1) -> Iterator[object]:
    """Yields emit(member_rel, content) for each member and error(rel, reason) for what cannot be taken; archives
    inside are opened the same way up to limits.depth."""
    try:
        got = entries(rel, data, limits)
    except ArchiveProblem as exc:
        yield error(rel, f"archive cannot be opened: {exc}")
        return
    for name, content in got:
        member = f"{rel}!/{name}"
        if isinstance(content, str):
            yield error(member, f"archive member refused: {content}")
        elif format_of(content[:512]) and not is_package(name):
            if depth >= limits.depth:
                yield error(member, f"archive nested more than {limits.depth} levels deep: not opened")
            else:
                yield from walk_members(member, content, emit, error, limits, depth + 1)
        else:
            yield emit(member, content)
