"""Where the policy catalogue lives: --policies, $SOVSTACK_POLICIES, or the repository's policies/ folder."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def policies_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).resolve()
    env = os.environ.get("SOVSTACK_POLICIES")
    if env:
        return Path(env).resolve()
    return REPO_ROOT / "policies"
