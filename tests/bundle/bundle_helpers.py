"""Helpers of the bundle tests: the test tree's texts and archive member surgery (imported by the tests)."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

TODAY = "2026-01-10"
SECRET = "s3cr3t-Passw0rd-value"


def read_members(path: Path) -> dict[str, bytes]:
    """All members by full name (top folder included), for tampering in tests."""
    if path.name.endswith(".zip"):
        with zipfile.ZipFile(path) as zf:
            return {i.filename: zf.read(i) for i in zf.infolist()}
    with tarfile.open(path, "r:gz") as tf:
        return {m.name: tf.extractfile(m).read() for m in tf.getmembers() if m.isfile()}


def write_members(path: Path, members: dict[str, bytes]) -> None:
    if path.name.endswith(".zip"):
        with zipfile.ZipFile(path, "w") as zf:
            for name, data in members.items():
                zf.writestr(name, data)
        return
    with tarfile.open(path, "w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))


def top(members: dict[str, bytes]) -> str:
    return next(iter(members)).split("/", 1)[0]
