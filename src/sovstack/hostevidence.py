"""Carries live evidence from the hosts into a Result: read by sovstack.evidence, secrets masked, digest kept."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sovstack.evidence import Evidence, EvidenceError, load
from sovstack.models import EvidenceFile
from sovstack.redact import redact


def carry(path: Path) -> EvidenceFile:
    """Raises EvidenceError naming the file when it is missing, unreadable or malformed."""
    evidence = load(path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise EvidenceError(f"{path}: cannot read evidence file: {exc.strerror or exc}") from exc
    raw = evidence.model_dump(mode="json")
    masked = _mask(raw)
    return EvidenceFile(path=str(path), sha256=digest, masked=masked != raw,
                        evidence=Evidence.model_validate(masked))


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_mask(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    return value
