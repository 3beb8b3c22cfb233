"""Where the policy catalogue lives: --policies, $SOVSTACK_POLICIES, the installed package data, or the checkout's."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# The wheel maps the repository's policies/ folder to the package sovstack._catalogue (setup.py).
CATALOGUE_FOLDER = "_catalogue"


class CatalogueNotFound(Exception):
    """No catalogue at any of the places sovstack looks: a broken install, not a clean run."""


def policies_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).resolve()
    env = os.environ.get("SOVSTACK_POLICIES")
    if env:
        return Path(env).resolve()
    return bundled_policies()


def bundled_policies() -> Path:
    """The catalogue shipped with the code: package data in a wheel, policies/ beside src/ in a checkout."""
    # Anchored at the regular package sovstack: files() of the namespace package itself gives no plain path.
    # Wheels install unzipped, so the package data are real files the engine can import checks from.
    packaged = Path(str(resources.files("sovstack"))) / CATALOGUE_FOLDER
    checkout = REPO_ROOT / "policies"
    for folder in (packaged, checkout):
        if (folder / "metadata").is_dir():
            return folder
    raise CatalogueNotFound(
        f"the policy catalogue is missing from this installation (looked for {packaged} and {checkout}); "
        "reinstall sovstack, or give --policies DIR or SOVSTACK_POLICIES")
