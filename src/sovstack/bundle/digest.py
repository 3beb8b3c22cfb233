"""File digests for the evidence bundle: SHA-256 and GOST R 34.11-2012 (Streebog-256)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sovstack.bundle import streebog

CHUNK = 1 << 16  # a multiple of Streebog's 64-byte block


def streebog256(data: bytes) -> str:
    """Streebog-256 as hex, written as the standard prints its examples: M1 = b"0123456789" * 6 + b"012" gives
    9d151eef...5500 (tests/bundle/test_bundle_crypto.py)."""
    gost = streebog.new()
    gost.update(data)
    return gost.hexdigest()


def digests(data: bytes) -> dict[str, object]:
    """Size, SHA-256 and Streebog-256 of bytes in memory."""
    gost = streebog.new()
    for start in range(0, len(data), CHUNK):
        gost.update(data[start:start + CHUNK])
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "streebog256": gost.hexdigest()}


def file_digests(path: Path) -> dict[str, object]:
    """Both digests of a file, read once."""
    sha, gost, size = hashlib.sha256(), streebog.new(), 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            sha.update(chunk)
            gost.update(chunk)
            size += len(chunk)
    return {"size": size, "sha256": sha.hexdigest(), "streebog256": gost.hexdigest()}

