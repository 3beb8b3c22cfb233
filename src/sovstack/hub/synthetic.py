"""Bundles for the hub's tests and benchmarks: a real bundle restamped to another manifest time and re-signed
with another key, so many distinct, valid bundles come from one `bundle.create` (seconds each with the PDF)."""

from __future__ import annotations

import datetime as dt
import io
import json
import tarfile
from pathlib import Path

from sovstack import bundle
from sovstack.bundle import archive, signing
from sovstack.bundle.manifest import canonical


def restamp(path: Path, when: dt.datetime, key: signing.Key | None, out: Path | None = None) -> Path:
    """`out` (default: in place) holds the same members, the manifest dated `when` and signed by `key`."""
    members = archive.read(path)
    doc = json.loads(members[bundle.MANIFEST])
    doc["created_at"] = when.isoformat(timespec="seconds")
    members[bundle.MANIFEST] = canonical(doc)
    members.pop(bundle.SIGNATURE, None)
    if key is not None:
        members[bundle.SIGNATURE] = canonical(signing.sign(key, members[bundle.MANIFEST]))
    target = out or path
    archive.write(target, members, when.timestamp())
    return target


def restamped_bytes(members: dict[str, bytes], when: dt.datetime, key: signing.Key) -> bytes:
    """As `restamp`, in memory, for benchmarks that make thousands (gzip level 1: the hub reads any level)."""
    doc = json.loads(members[bundle.MANIFEST])
    doc["created_at"] = when.isoformat(timespec="seconds")
    files = dict(members)
    files[bundle.MANIFEST] = canonical(doc)
    files[bundle.SIGNATURE] = canonical(signing.sign(key, files[bundle.MANIFEST]))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", compresslevel=1, format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(files):
            info = tarfile.TarInfo(f"sovstack-bundle/{name}")
            info.size, info.mtime, info.mode = len(files[name]), int(when.timestamp()), 0o644
            tar.addfile(info, io.BytesIO(files[name]))
    return buf.getvalue()
