"""Where the policy catalogue lives: --policies, $SOVSTACK_POLICIES, the installed package data, or the checkout's."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# The wheel maps the repository's policies/ folder to this package (pyproject.toml, [tool.setuptools]).
CATALOGUE_PACKAGE = "sovstack._catalogue"


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
    checkout = REPO_ROOT / "policies"
    if (checkout / "metadata").is_dir() and (REPO_ROOT / "src" / "sovstack").is_dir():
        return checkout
    try:
        packaged = Path(str(resources.files(CATALOGUE_PACKAGE)))
    except ModuleNotFoundError:
        packaged = None
    if packaged is not None and (packaged / "metadata").is_dir():
        return packaged  # wheels install unzipped, so the package data are real files the engine can import
    raise CatalogueNotFound(
        "the policy catalogue is missing from this installation (looked for the package data "
        f"{CATALOGUE_PACKAGE} and for {checkout}); reinstall sovstack, or give --policies DIR or SOVSTACK_POLICIES")
