"""What makes an archive member unsafe to take: shared by bundle reading and the scan of archives in a tree."""

from __future__ import annotations

import re
import stat
import tarfile
import zipfile

_DRIVE = re.compile(r"^[A-Za-z]:")


def name_problem(name: str) -> str | None:
    """Why a member name is refused (absolute, `..`, backslash, NUL...), or None."""
    if not name or "\x00" in name:
        return "empty name or NUL byte"
    if "\\" in name:
        return "backslash in the name"
    if name.startswith("/") or _DRIVE.match(name):
        return "absolute path"
    if any(part in ("", ".", "..") for part in name.split("/")):
        return "'..', '.' or an empty part in the path"
    return None


def tar_kind(member: tarfile.TarInfo) -> str | None:
    """What a tar member is when it is not a regular file or folder (a link, a device...), or None."""
    if member.isreg() or member.isdir():
        return None
    if member.issym():
        return f"symbolic link to {member.linkname!r}"
    if member.islnk():
        return f"hard link to {member.linkname!r}"
    if member.ischr() or member.isblk():
        return "device"
    if member.isfifo():
        return "FIFO"
    return "not a regular file"


def zip_problem(info: zipfile.ZipInfo, ratio: int) -> str | None:
    """Why a zip member is refused: a link or special file, encryption, a suspicious compression ratio."""
    mode = info.external_attr >> 16
    if not info.is_dir() and stat.S_IFMT(mode) and not stat.S_ISREG(mode):
        return "symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
    if info.flag_bits & 0x1:
        return "encrypted"
    if info.file_size > ratio * max(info.compress_size, 1) and info.file_size > 1 << 20:
        return f"compression ratio above {ratio} (zip bomb?)"
    return None
